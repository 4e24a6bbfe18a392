"""The filings table: one row per filing (异地就医备案) of a member, with its category, treatment place,
validity, the documents given and its status (active, cancelled, or replaced by a change)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class InsuranceFiling(Base):
    __tablename__ = "insurance_filings"

    filing_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("insurance_members.psn_no"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    mdtrtarea_admvs: Mapped[str] = mapped_column(String(6))  # the treatment place
    begin_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)  # None: until cancelled
    admission_date: Mapped[dt.date | None] = mapped_column(Date)  # filed before discharge of this admission
    documents: Mapped[list[Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="active")  # active, cancelled, replaced
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date)
    replaced_by: Mapped[str | None] = mapped_column(String(32))
    dcla_souc: Mapped[str] = mapped_column(String(2), default="02")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(80))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class InsuranceFilingDocument(Base):
    """A document uploaded for a filing (PDF, JPEG or PNG, checked by content and size); personal data."""

    __tablename__ = "insurance_filing_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    filing_id: Mapped[str] = mapped_column(ForeignKey("insurance_filings.filing_id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    uploaded_by: Mapped[str] = mapped_column(String(80))
