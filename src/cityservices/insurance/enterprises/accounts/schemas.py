"""Shapes of enterprise accounts: registration and staff creation (credit code, contact name, password), sign-in,
the account as shown (contact name masked), and staff decisions."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uscc: str = Field(min_length=18, max_length=18, description="统一社会信用代码（18 位，校验码正确）")
    contact_name: str = Field(min_length=1, max_length=50, description="经办人姓名（只保存脱敏形式）")
    password: str = Field(min_length=1, max_length=256)


class AccountSignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uscc: str = Field(min_length=1, max_length=18)
    password: str = Field(min_length=1, max_length=256)


class AccountRead(BaseModel):
    id: int
    uscc: str
    emp_no: str | None
    contact_masked: str
    status: str = Field(description="pending 待审核 / active 已开通 / refused 已拒绝")
    refusal_reason: str | None
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None


class AccountSignedIn(BaseModel):
    account: AccountRead
    csrf_token: str = Field(description="之后的写请求放在请求头 X-CSRF-Token 中")


class Decision(BaseModel):
    """Approve, or refuse with a reason (required when refusing)."""

    model_config = ConfigDict(extra="forbid")

    approve: bool
    reason: str | None = Field(default=None, max_length=300)
