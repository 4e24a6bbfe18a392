"""The search answer, the one shape used by the engine, ``GET /api/v1/search``, the search page and the CLI.

The engine builds these models directly; scores keep full precision in memory (the CLI prints them with
three decimals) and are rounded when serialised (score to 4 places, confidence to 3).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from cityservices.service_map.search.records import GuideSummary


def _round_to(places: int) -> PlainSerializer:
    return PlainSerializer(lambda value: round(value, places), return_type=float)


class OnlineChannelRead(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str | None
    url: str | None


class GuideSummaryRead(BaseModel):
    model_config = ConfigDict(frozen=True)  # the engine shares one per item between answers

    materials_count: int
    materials: list[str]
    promised_time_limit_days: int | None
    time_limit_kind: str | None
    visits_to_site: int | None
    online: OnlineChannelRead | None
    fee_free: bool

    @classmethod
    def of(cls, summary: GuideSummary) -> GuideSummaryRead:
        """The answer's view of an index record's guide facts."""
        online = OnlineChannelRead(name=summary.online_name, url=summary.online_url) if summary.online_url else None
        return cls(
            materials_count=len(summary.materials),
            materials=list(summary.materials),
            promised_time_limit_days=summary.promised_time_limit_days,
            time_limit_kind=summary.time_limit_kind,
            visits_to_site=summary.visits_to_site,
            online=online,
            fee_free=summary.fee_free,
        )


class ExplanationRead(BaseModel):
    query: str = Field(description="what the citizen wrote (驾照, 到期, sfz …)")
    matched: str = Field(description="what it matched in the item (机动车驾驶证, 期满 …)")
    reason: str = Field(description="同义词 | 字面匹配 | 办理情形 | 拼音 | 拼音首字母 | 同音纠错 | 人生事件 | 办事部门")


class SearchItemRead(BaseModel):
    name: str
    code: str
    score: Annotated[float, _round_to(4)]
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
    confidence: Annotated[float, _round_to(3)]
