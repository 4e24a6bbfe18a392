"""Shapes of the committee dashboards."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class StateCounts(BaseModel):
    """Requirement periods up to the given day: done, due this period, overdue."""

    done: int = 0
    due: int = 0
    overdue: int = 0


class DashboardGroup(BaseModel):
    """The branches of one kind, or under one subordinate organisation."""

    key: str
    name: str
    branches: int
    members: int
    states: StateCounts
    with_overdue: int
    expected: int  # attendance summed over the minutes of the year
    present: int
    attendance_rate: float | None  # present / expected; None when no minutes
    arrears: str  # yuan, months before the current one
    study_hours: str  # 学时 recorded this year
    study_hours_per_member: str


class RequirementStates(BaseModel):
    code: str
    label: str
    states: StateCounts


class Dashboard(BaseModel):
    organisation_code: str
    organisation_name: str
    level_name: str
    year: int
    on: dt.date
    total: DashboardGroup
    by_kind: list[DashboardGroup]
    by_unit: list[DashboardGroup]  # the organisations directly under this one
    by_requirement: list[RequirementStates]
    study_status: str  # the yearly requirement's status (示例参数，未经核实)
