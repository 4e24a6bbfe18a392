"""Shapes of the education resource library, the study-hours ledger and the resources of a plan."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from cityservices.kit.text import PRINTABLE

Keyword = Annotated[str, Field(max_length=20, pattern=PRINTABLE)]


class ResourceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=100, pattern=PRINTABLE)
    kind: str
    description: str = Field(default="", max_length=500, pattern=PRINTABLE)
    contents: list[str] = Field(default_factory=list, max_length=5)
    branch_kinds: list[str] = Field(default_factory=list, max_length=7)  # empty: for every branch kind
    keywords: list[Keyword] = Field(default_factory=list, max_length=10)
    minutes: int
    is_demo: bool = False


class ResourceRead(BaseModel):
    id: int
    title: str
    kind: str
    kind_name: str
    description: str
    contents: list[str]
    branch_kinds: list[str]
    keywords: list[str]
    minutes: int
    is_demo: bool


class ResourceHit(ResourceRead):
    score: int


class ResourcePage(BaseModel):
    items: list[ResourceHit]
    total: int


class ActivityResources(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resource_ids: list[int] = Field(max_length=20)  # replaces the plan's list


class StudyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    studied_on: dt.date
    minutes: int
    resource_id: int | None = None
    note: str | None = Field(default=None, max_length=200, pattern=PRINTABLE)
    is_demo: bool = False


class StudyRead(BaseModel):
    id: int
    studied_on: dt.date
    minutes: int
    resource_id: int | None
    resource_title: str | None
    note: str | None


class StudyLedger(BaseModel):
    member_id: int
    year: int
    records: list[StudyRead]
    total_minutes: int
    total_hours: str  # 学时, one decimal
    required_hours: int
    minutes_per_hour: int
    remaining_hours: str
    met: bool
    source: str
    status: str


class MemberStudy(BaseModel):
    member_id: int
    name: str  # masked above the branch, as in member lists
    required_hours: int
    total_hours: str
    met: bool
    is_demo: bool = False


class BranchStudy(BaseModel):
    """A branch's members' study hours of a year against the requirement (示例参数，未经核实)."""

    branch_code: str
    year: int
    members: list[MemberStudy]
    met: int
    total_hours: str
    source: str
    status: str
