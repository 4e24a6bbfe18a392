"""Maternity allowance applications (生育津贴): the birth facts, the computed days and amount with the rule rows
and parameters used (frozen at application), the payee and the status history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base

SUBMITTED = "submitted"
REVIEWED = "reviewed"
PAID = "paid"
REFUSED = "refused"


class MaternityApplication(Base):
    """One application; one per member and birth date."""

    __tablename__ = "insurance_maternity_applications"
    __table_args__ = (UniqueConstraint("psn_no", "birth_date"),)

    application_no: Mapped[str] = mapped_column(String(20), primary_key=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("insurance_members.psn_no"), index=True)
    emp_no: Mapped[str] = mapped_column(ForeignKey("insurance_enterprises.emp_no"), index=True)
    app_id: Mapped[str | None] = mapped_column(String(32))  # the open-platform app that applied
    birth_date: Mapped[dt.date] = mapped_column(Date)
    birth_kind: Mapped[str] = mapped_column(String(12))
    babies: Mapped[int] = mapped_column(Integer)
    pregnancy_weeks: Mapped[int | None] = mapped_column(Integer)
    days: Mapped[int] = mapped_column(Integer)
    average_base: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    payee: Mapped[str] = mapped_column(String(10))  # employer | member
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # the calculation, line by line, with citations
    rule_ids: Mapped[str] = mapped_column(String(300))
    rule_version: Mapped[str] = mapped_column(String(40))
    example_parameters: Mapped[bool] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), index=True)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # {status, at, by, note}
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


__all__ = ["MaternityApplication"]
