"""Tables of settlements: one row per settlement (the national output kept whole as JSON, the reconciled amounts
as columns, the counter delta for an exact reversal) and its per-fund amounts for reconciliation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base

AMOUNT = Numeric(14, 2)


class InsuranceSettlement(Base):
    __tablename__ = "insurance_settlements"
    __table_args__ = (Index("ix_insurance_settlements_day_institution", "setl_date", "fixmedins_code"),)

    setl_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    psn_no: Mapped[str] = mapped_column(ForeignKey("insurance_members.psn_no"), index=True)
    fixmedins_code: Mapped[str] = mapped_column(String(30))
    med_type: Mapped[str] = mapped_column(String(2))
    insutype: Mapped[str] = mapped_column(String(3))
    setl_date: Mapped[dt.date] = mapped_column(Date)
    setl_time: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10))  # settled | reversed
    medfee_sumamt: Mapped[Decimal] = mapped_column(AMOUNT)
    fund_pay_sumamt: Mapped[Decimal] = mapped_column(AMOUNT)
    psn_part_amt: Mapped[Decimal] = mapped_column(AMOUNT)
    acct_pay: Mapped[Decimal] = mapped_column(AMOUNT)
    psn_cash_pay: Mapped[Decimal] = mapped_column(AMOUNT)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    delta: Mapped[dict[str, Any]] = mapped_column(JSON)
    rules_version: Mapped[str] = mapped_column(String(40))
    reversal_request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    reversed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class InsuranceSettlementFund(Base):
    __tablename__ = "insurance_settlement_funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    setl_id: Mapped[str] = mapped_column(ForeignKey("insurance_settlements.setl_id", ondelete="CASCADE"), index=True)
    fund_pay_type: Mapped[str] = mapped_column(String(6))
    fund_payamt: Mapped[Decimal] = mapped_column(AMOUNT)
