"""Shapes of the dues ledger. Amounts travel as strings with two decimals (``"30.00"``), never floats."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class DuesAssess(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    category: str
    base: str | None = Field(default=None, max_length=20)  # wage / pension, for wage and retiree
    amount: str | None = Field(default=None, max_length=20)  # farmers' chosen amount, hardship's approved amount
    approval: str | None = Field(default=None, max_length=100)
    is_demo: bool = False


class DuesPay(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    amount: str = Field(max_length=20)
    paid_on: dt.date
    method: str


class DuesMonthRead(BaseModel):
    month: str
    category: str
    base: str | None
    due: str
    paid: str
    outstanding: str
    paid_on: dt.date | None


class DuesLedger(BaseModel):
    member_id: int
    months: list[DuesMonthRead]
    arrears: str
    unpaid_months: int  # consecutive months unpaid up to the date asked
    lapse_flag: bool  # six months unpaid: the branch must act (treated as leaving the Party without a proper reason)
    source: str


class BranchDues(BaseModel):
    branch_code: str
    members: int
    arrears: str
    flagged_member_ids: list[int]
