"""The member's own records as answered (ID number masked; no other member appears)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class MyDay(BaseModel):
    activity_id: int
    theme: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    method: str
    place: str | None


class MyAttendance(BaseModel):
    activity_id: int
    theme: str
    starts_at: dt.datetime
    outcome: str  # present | made_up | leave | absent
    outcome_name: str
    make_up_due: dt.date | None  # the last day of 补学 when absent or on leave and the window is still open


class MyStudy(BaseModel):
    year: int
    total_hours: str
    required_hours: int
    remaining_hours: str
    met: bool
    status: str  # where the yearly requirement comes from


class MyDuesMonth(BaseModel):
    month: str
    due: str
    paid: str
    owed: bool


class MyParty(BaseModel):
    name: str  # masked
    id_number: str  # masked
    branch_name: str
    status_name: str
    roles: list[str]
    upcoming: list[MyDay]
    attendance: list[MyAttendance]
    study: MyStudy
    dues: list[MyDuesMonth]
    arrears: str
    is_demo: bool
