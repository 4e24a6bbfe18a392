"""What the certificate routes answer: the issued certificate (masked), and a verification's verdict."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field


class Period(BaseModel):
    """A run of months in one insurance type with one status (``end`` null: up to now)."""

    insutype: str
    label: str
    start: dt.date
    end: dt.date | None
    psn_insu_stas: str
    status_label: str


class CertificateRequest(BaseModel):
    psn_no: str = Field(pattern=r"^[A-Za-z0-9]{4,30}$", description="人员编号 psn_no")


class RevocationRequest(BaseModel):
    reason: str = Field(min_length=2, max_length=200, description="作废原因")


class CertificateRead(BaseModel):
    """An issued certificate: its number, the masked facts, where to verify it and where to fetch the PDF."""

    cert_no: str
    psn_no: str
    psn_name: str  # masked
    certno: str  # masked
    emp_name: str | None
    issued_at: dt.datetime
    periods: list[Period]
    token: str
    verify_url: str
    pdf_path: str
    revoked_at: dt.datetime | None


class Verification(BaseModel):
    """The verdict on a token: ``genuine``, ``revoked`` or ``not_genuine`` (then no facts are shown)."""

    verdict: Literal["genuine", "revoked", "not_genuine"]
    cert_no: str | None = None
    psn_name: str | None = None  # masked
    certno: str | None = None  # masked
    emp_name: str | None = None
    issued_at: dt.datetime | None = None
    periods: list[Period] = []
    revoked_at: dt.datetime | None = None
    revoke_reason: str | None = None
    demo: bool = False
