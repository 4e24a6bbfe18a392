"""Request and response bodies of the accounts API (``/api/staff``: sign-in, accounts, the audit log)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ScopeName = Annotated[str, StringConstraints(min_length=1, max_length=32)]
ScopeValue = Annotated[str, StringConstraints(max_length=64)]
Scopes = Annotated[
    dict[ScopeName, ScopeValue],
    Field(max_length=10, description="权限范围: 范围类型 → 值 (类型由已安装的业务领域声明，如 district、department)"),
]


class LoginRequest(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=256)
    otp: str | None = Field(default=None, max_length=20, description="动态验证码或恢复码 (账户启用了第二因素时)")


class TotpStart(BaseModel):
    password: str = Field(max_length=256)


class TotpRead(BaseModel):
    secret: str
    uri: str


class TotpConfirm(BaseModel):
    otp: str = Field(max_length=20)


class RecoveryCodesRead(BaseModel):
    recovery_codes: list[str]


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class StaffRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    scopes: dict[str, str]
    phone: str | None = None  # always masked
    is_active: bool
    totp_enabled: bool = False


class LoginRead(BaseModel):
    account: StaffRead
    csrf_token: str


class CsrfRead(BaseModel):
    csrf_token: str


class AccountCreate(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)
    display_name: str = Field(default="", max_length=100)
    role: Literal["admin", "editor", "viewer"]
    scopes: Scopes = Field(default_factory=dict)
    phone: str | None = Field(default=None, max_length=20)


class ScopesWrite(BaseModel):
    scopes: Scopes


class RoleWrite(BaseModel):
    role: Literal["admin", "editor", "viewer"]


class ReauthRequest(BaseModel):
    password: str = Field(max_length=256)
    otp: str | None = Field(default=None, max_length=20, description="动态验证码或恢复码 (账户启用了第二因素时)")


class ReauthRead(BaseModel):
    reauthenticated_at: dt.datetime
    valid_until: dt.datetime


class PhoneRead(BaseModel):
    id: int
    phone: str | None


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    actor_name: str
    action: str
    target_kind: str | None
    target_key: str | None
    detail: dict[str, Any]
    ip: str | None


class AuditPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[AuditRead]
