"""Shapes of a branch's notices."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class Notice(BaseModel):
    kind: str  # upcoming | no_minutes | no_self_check | due | overdue | dues
    level: str  # info | warning | overdue
    text: str  # Chinese, for the secretary
    activity_id: int | None = None
    at: dt.datetime | None = None


class BranchNotices(BaseModel):
    branch_code: str
    on: dt.date
    notices: list[Notice]
