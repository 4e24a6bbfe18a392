"""Response schemas of ``GET /api/v1/search`` (the OpenAPI description of the search answer)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class OnlineChannelRead(BaseModel):
    name: str | None
    url: str | None


class GuideSummaryRead(BaseModel):
    materials_count: int
    materials: list[str]
    promised_time_limit_days: int | None
    time_limit_kind: str | None
    visits_to_site: int | None
    online: OnlineChannelRead | None
    fee_free: bool


class ExplanationRead(BaseModel):
    query: str = Field(description="what the citizen wrote (驾照, 到期, sfz …)")
    matched: str = Field(description="what it matched in the item (机动车驾驶证, 期满 …)")
    reason: str = Field(description="同义词 | 字面匹配 | 办理情形 | 拼音 | 拼音首字母 | 同音纠错 | 人生事件 | 办事部门")


class SearchItemRead(BaseModel):
    name: str
    code: str
    score: float
    category: str
    department: str
    is_core: bool
    guide: GuideSummaryRead | None
    explanations: list[ExplanationRead]


class BundleItemRead(BaseModel):
    position: int
    name: str
    code: str
    note: str


class BundleRead(BaseModel):
    code: str
    name: str
    life_event: str
    items: list[BundleItemRead]


class ClarificationOptionRead(BaseModel):
    label: str
    name: str
    code: str


class ClarificationRead(BaseModel):
    question: str
    options: list[ClarificationOptionRead]


class SearchRead(BaseModel):
    """Ranked items, the one-thing bundle, understood slots, a clarifying choice or an explicit no-match."""

    query: str
    normalized: str
    understood: str
    items: list[SearchItemRead]
    bundle: BundleRead | None
    slots: dict[str, Any] = Field(description="place, time, applicant, condition (and origin when lat/lng were given)")
    clarification: ClarificationRead | None
    no_match: bool
    message: str | None
    suggestions: list[str]
    confidence: float
