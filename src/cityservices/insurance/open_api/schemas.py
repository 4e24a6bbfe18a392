"""What the open platform answers: an employee's current status, the platform's public key."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field


class EmployeeStatus(BaseModel):
    """An employee of the calling app's enterprise, masked, with each insurance type's status this month
    (1 enrolled, 2 suspended, 4 stopped)."""

    psn_no: str
    psn_name: str
    certno: str
    emp_no: str
    month: dt.date
    psn_insu_stas: dict[str, str]


class ServerRsaKey(BaseModel):
    """The platform's RSA public key (PEM) that signs answers to RSA-SHA256 apps."""

    profile: str
    public_key_pem: str
    padding: str


class ServerKey(BaseModel):
    """The platform's SM2 public key (``04 ‖ x ‖ y`` hex) that signs answers to SM2-SM3 apps."""

    profile: str
    public_key: str
    user_id: str


class AppCreate(BaseModel):
    """A new app of an enterprise, registered by staff; it stays pending until an administrator approves it."""

    emp_no: str = Field(pattern=r"^[A-Za-z0-9]{1,30}$")
    name: str = Field(min_length=1, max_length=100)
    operations: list[str] = Field(min_length=1, max_length=20)


class AppDecision(BaseModel):
    """Approve, or refuse with a reason (required for an app an enterprise requested)."""

    approve: bool
    reason: str | None = Field(default=None, max_length=300)


class AppSuspension(BaseModel):
    reason: str = Field(min_length=1, max_length=300)


class RateLimitSet(BaseModel):
    rate_limit_per_minute: int = Field(ge=1, le=100_000, description="每分钟最多调用次数")


class AppRequest(BaseModel):
    """An app an enterprise account asks for: its name, operations, how it will sign (``public_key`` for SM2-SM3
    as hex or RSA-SHA256 as PEM; none for an HMAC profile, whose secret the platform makes) and its webhook URL."""

    name: str = Field(min_length=1, max_length=100)
    operations: list[str] = Field(min_length=1, max_length=20)
    profile: Literal["HMAC-SM3", "HMAC-SHA256", "SM2-SM3", "RSA-SHA256"]
    public_key: str | None = Field(default=None, max_length=2000)
    webhook_url: str | None = Field(default=None, max_length=500)


class KeyCreate(BaseModel):
    """``HMAC-SM3`` / ``HMAC-SHA256`` (the platform makes the secret), ``SM2-SM3`` with ``public_key`` (hex) or
    ``RSA-SHA256`` with ``public_key`` (PEM)."""

    profile: Literal["HMAC-SM3", "HMAC-SHA256", "SM2-SM3", "RSA-SHA256"]
    public_key: str | None = Field(default=None, max_length=2000)
    overlap_days: int = Field(default=7, ge=0, le=90)


class KeyRead(BaseModel):
    serial: str
    profile: str
    public_key: str | None
    not_before: dt.datetime
    not_after: dt.datetime | None
    revoked_at: dt.datetime | None
    secret_pending: bool = False  # an HMAC secret the enterprise has not been shown yet


class KeyIssued(KeyRead):
    secret: str | None  # an HMAC secret, shown this once


class AppRead(BaseModel):
    app_id: str
    emp_no: str
    name: str
    status: str
    operations: list[str]
    rate_limit_per_minute: int
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    status_reason: str | None = None
    requested_profile: str | None = None
    webhook_url: str | None = None
    keys: list[KeyRead]


class SecretShown(BaseModel):
    """An HMAC secret, shown this once."""

    app_id: str
    serial: str
    secret: str
