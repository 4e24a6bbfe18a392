"""Issued insurance certificates (参保证明): what the certificate states, frozen when it was issued (so that
verification shows what the paper shows), its digest (the signed token binds the number to that digest), and
its revocation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class InsuranceCertificate(Base):
    """One issued certificate; ``facts`` holds the name, the masked ID number, the unit and the periods."""

    __tablename__ = "insurance_certificates"

    cert_no: Mapped[str] = mapped_column(String(24), primary_key=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("insurance_members.psn_no"), index=True)
    emp_no: Mapped[str | None] = mapped_column(String(30), index=True)  # the unit at the time of issue
    channel: Mapped[str] = mapped_column(String(12))  # open_api | staff
    issued_by: Mapped[str] = mapped_column(String(64))  # app:<app_id> or a staff user name
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    facts_digest: Mapped[str] = mapped_column(String(64))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    revoke_reason: Mapped[str | None] = mapped_column(String(200))


__all__ = ["InsuranceCertificate"]
