"""Shapes of the compliance calendar."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class MeetingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str
    held_at: AwareDatetime
    topic: str = Field(max_length=200)
    is_demo: bool = False


class MeetingRead(BaseModel):
    id: int
    branch_code: str
    kind: str
    held_at: dt.datetime
    topic: str


class PeriodState(BaseModel):
    key: str
    ends_on: dt.date
    held: int
    required: int
    state: str  # done | due | overdue | upcoming


class RequirementCalendar(BaseModel):
    code: str
    label: str
    period: str
    status: str | None
    periods: list[PeriodState]


class BranchCalendar(BaseModel):
    branch_code: str
    year: int
    on: dt.date
    requirements: list[RequirementCalendar]
    due: list[str]  # "主题党日 2026-07" …
    overdue: list[str]


class GroupCompliance(BaseModel):
    """Branches of one kind or one district: how many, how many with an overdue item, the share without."""

    branches: int
    with_overdue: int
    compliance_rate: float


class ComplianceOverview(BaseModel):
    organisation_code: str
    year: int
    on: dt.date
    branches: int
    with_overdue: int
    by_kind: dict[str, GroupCompliance]
    by_district: dict[str, GroupCompliance]
    by_requirement: dict[str, GroupCompliance]
