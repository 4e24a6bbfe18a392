"""Shapes of citizen feedback (好差评 and "this is wrong"): what the public endpoint accepts and answers, and the
staff queues' entries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

MAX_COMMENT_CHARS = 2000
RATING_LABELS: dict[int, str] = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}

_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_LANDLINE = re.compile(r"^(0\d{2,3})-?(\d{7,8})(?:(?:-|转|ext\.?)(\d{1,6}))?$")
_SEPARATORS = re.compile(r"[\s()（）]+")


def normalise_phone(text: str) -> str:
    """A mainland mobile (``13812345678``) or landline (``0532-12345678``, extension ``-123``) number,
    normalised; ValueError otherwise. Spaces, brackets and the +86 prefix are accepted."""
    compact = _SEPARATORS.sub("", text.strip()).replace("—", "-").replace("－", "-")
    if compact.startswith("0086"):
        compact = "+86" + compact[4:]
    mobile = _MOBILE.match(compact.replace("-", ""))
    if mobile:
        return mobile.group(1)
    landline = _LANDLINE.match(compact.removeprefix("+86-").removeprefix("+86"))
    if landline:
        area, number, extension = landline.groups()
        return f"{area}-{number}" + (f"-{extension}" if extension else "")
    raise ValueError("请填写中国大陆手机号 (11 位) 或带区号的固定电话，如 0532-12345678")


class FeedbackCreate(BaseModel):
    """A rating from 1 (非常不满意) to 5 (非常满意), a "this is wrong" report with a comment, or both."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    target: Literal["venue", "item", "guide"] = Field(description="评价对象: 场所、事项或办事指南")
    venue_id: str | None = Field(default=None, min_length=1, max_length=64, description="场所 id (target=venue 时必填)")
    item_code: str | None = Field(
        default=None, min_length=1, max_length=64, description="事项编码 (target=item 或 guide 时必填)"
    )
    rating: int | None = Field(default=None, ge=1, le=5, description="1 非常不满意 … 5 非常满意")
    reports_error: bool = Field(default=False, description="信息有误")
    comment: str = Field(default="", max_length=MAX_COMMENT_CHARS, description="意见 (报告信息有误时必填)")
    contact_name: str | None = Field(default=None, max_length=100)
    contact_phone: str | None = Field(default=None, max_length=20, description="手机号或固定电话 (可选)")

    @field_validator("contact_phone", "contact_name")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("contact_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return normalise_phone(value)
        except ValueError as exc:
            raise PydanticCustomError("phone", str(exc)) from None

    def problems(self) -> list[tuple[str, str]]:
        """Cross-field rules, as (field, message): the target's key, a rating or an error report with a comment."""
        found = []
        if self.target == "venue" and not self.venue_id:
            found.append(("venue_id", "评价场所时需要场所 id"))
        if self.target in ("item", "guide") and not self.item_code:
            found.append(("item_code", "评价事项或办事指南时需要事项编码"))
        if self.rating is None and not self.reports_error:
            found.append(("rating", "请选择满意程度 (1–5)，或报告信息有误"))
        if self.reports_error and not self.comment:
            found.append(("comment", "报告信息有误时请写明哪里有误"))
        return found


class FeedbackReceipt(BaseModel):
    """What the citizen is told: the feedback is stored and where it was routed (no personal data echoed)."""

    id: int
    target: str
    status: str
    district_code: str | None
    department_code: str | None
    message: str


# The staff queues (``/api/staff/feedback``): contact details masked, except in ContactRead (audited).


class FeedbackRead(BaseModel):
    id: int
    created_at: dt.datetime
    target_kind: str
    venue_id: str | None
    venue_name: str | None
    item_id: int | None
    item_name: str | None
    rating: int | None
    reports_error: bool
    comment: str
    contact_name: str | None
    contact_phone: str | None
    district_code: str | None
    department_code: str | None
    status: str
    resolution_note: str
    resolved_by: str | None
    resolved_at: dt.datetime | None


class FeedbackPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[FeedbackRead]


class ContactRead(BaseModel):
    id: int
    contact_name: str | None
    contact_phone: str | None


class ResolveRequest(BaseModel):
    note: str = Field(min_length=1, max_length=2000)


class SatisfactionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    name: str
    ratings: int
    average: float | None
    error_reports: int
    open_count: int


class StaleGuideRead(BaseModel):
    item_code: str
    item_name: str
    department_code: str
    version: int
    last_verified: dt.date | None
    days: int | None
