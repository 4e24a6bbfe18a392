"""Answers of the disclosure routes."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class StaffReadRead(BaseModel):
    at: dt.datetime  # Beijing time
    record_label: str  # which kind of record was read, in Chinese
    staff_name: str  # the staff member's display name, or the masked user name
    office: str  # the office (insurance region) the account belongs to


class StaffReadsRead(BaseModel):
    items: list[StaffReadRead]
    shown_max: int
