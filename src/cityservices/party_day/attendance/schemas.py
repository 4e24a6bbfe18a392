"""Shapes of attendance in and out."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class SignInToken(BaseModel):
    token: str
    opens: dt.datetime
    closes: dt.datetime


class QrSignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=200)
    id_number: str = Field(min_length=18, max_length=18)


class MemberMark(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: int


class LeaveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: int
    reason: str = Field(max_length=200)


class LeaveDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool


class AttendanceRead(BaseModel):
    id: int
    activity_id: int
    member_id: int
    state: str
    state_name: str
    how: str | None
    at: dt.datetime


class AttendanceSummary(BaseModel):
    activity_id: int
    expected: int
    states: dict[str, int]
    items: list[AttendanceRead]
