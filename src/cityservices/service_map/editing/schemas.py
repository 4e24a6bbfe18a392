"""Request and response bodies of the staff API (``/api/staff``)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class RecordKind(StrEnum):
    """The path segment of a kind of record (plural) → its kind (singular)."""

    venues = "venues"
    items = "items"
    guides = "guides"
    bundles = "bundles"

    @property
    def kind(self) -> str:
        return self.value[:-1]


class LoginRequest(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=256)


class StaffRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    district_code: str | None
    department_code: str | None
    phone: str | None = None  # always masked
    is_active: bool


class LoginRead(BaseModel):
    account: StaffRead
    csrf_token: str


class CsrfRead(BaseModel):
    csrf_token: str


class RecordRead(BaseModel):
    kind: str
    key: str
    version: int
    record: dict[str, Any]


class RecordWrite(BaseModel):
    record: dict[str, Any]
    base_version: int | None = Field(default=None, ge=0)


class SaveRead(BaseModel):
    kind: str
    key: str
    version: int
    changed_fields: list[str]
    record: dict[str, Any]


class RecordSummary(BaseModel):
    key: str
    name: str
    note: str


class RecordPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[RecordSummary]


class VersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    action: str
    changed_fields: list[str]
    restored_from: int | None
    actor_name: str
    created_at: dt.datetime


class ChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    path: str
    label: str
    before: str
    after: str


class VersionDetail(VersionRead):
    snapshot: dict[str, Any]
    changes: list[ChangeRead]


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


class DashboardRead(BaseModel):
    open_feedback: int
    stale_days: int
    venues: list[SatisfactionRead]
    items: list[SatisfactionRead]
    stale_guides: list[StaleGuideRead]


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    actor_name: str
    action: str
    target_kind: str | None
    target_key: str | None
    detail: dict[str, Any]
    ip: str | None


class AuditPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[AuditRead]


class AccountCreate(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)
    display_name: str = Field(default="", max_length=100)
    role: Literal["admin", "editor", "viewer"]
    district_code: str | None = Field(default=None, max_length=12)
    department_code: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=20)


class PhoneRead(BaseModel):
    id: int
    phone: str | None
