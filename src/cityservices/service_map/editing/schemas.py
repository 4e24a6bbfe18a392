"""Request and response bodies of the staff editing API (``/api/staff``): records, versions, the dashboard."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cityservices.service_map.feedback.schemas import SatisfactionRead, StaleGuideRead


class RecordKind(StrEnum):
    """The path segment of a kind of record (plural) → its kind (singular)."""

    venues = "venues"
    items = "items"
    guides = "guides"
    bundles = "bundles"

    @property
    def kind(self) -> str:
        return self.value[:-1]


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


class DashboardRead(BaseModel):
    """The staff dashboard (数据看板): the API's answer and the page's data."""

    open_feedback: int
    stale_days: int
    venues: list[SatisfactionRead]
    items: list[SatisfactionRead]
    stale_guides: list[StaleGuideRead]
