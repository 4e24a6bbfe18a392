"""Tables of settlements: one row per settlement (the national output kept whole as JSON, the reconciled amounts
as columns, the counter delta for an exact reversal) and its per-fund amounts for reconciliation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String
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
    # The claim header the engine used (with the lines below, enough to settle the claim again).
    hosp_lv: Mapped[str | None] = mapped_column(String(1))
    use_account: Mapped[bool | None] = mapped_column(Boolean)
    elsewhere: Mapped[str | None] = mapped_column(String(10))
    # A settlement at a place of treatment elsewhere: the place, and which filing was in force (filed, with the
    # filing's id), or emergency treatment deemed filed, or unfiled. The filing step leads the stored trace.
    mdtrtarea_admvs: Mapped[str | None] = mapped_column(String(6))
    filing_status: Mapped[str | None] = mapped_column(String(10))
    filing_id: Mapped[str | None] = mapped_column(String(32), index=True)


class InsuranceSettlementFund(Base):
    __tablename__ = "insurance_settlement_funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    setl_id: Mapped[str] = mapped_column(ForeignKey("insurance_settlements.setl_id", ondelete="CASCADE"), index=True)
    fund_pay_type: Mapped[str] = mapped_column(String(6))
    fund_payamt: Mapped[Decimal] = mapped_column(AMOUNT)


class InsuranceSettlementLine(Base):
    """One claim line of a settlement as sent (code, class, price, quantity, limit, own ratio) and how it split."""

    __tablename__ = "insurance_settlement_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    setl_id: Mapped[str] = mapped_column(ForeignKey("insurance_settlements.setl_id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))
    chrgitm_lv: Mapped[str] = mapped_column(String(2))
    unit_price: Mapped[Decimal] = mapped_column(AMOUNT)
    quantity: Mapped[Decimal] = mapped_column(Numeric(16, 4))
    price_limit: Mapped[Decimal | None] = mapped_column(AMOUNT)
    selfpay_prop: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    det_item_fee_sumamt: Mapped[Decimal] = mapped_column(AMOUNT)
    fulamt_ownpay_amt: Mapped[Decimal] = mapped_column(AMOUNT)
    overlmt_selfpay: Mapped[Decimal] = mapped_column(AMOUNT)
    preselfpay_amt: Mapped[Decimal] = mapped_column(AMOUNT)
    inscp_scp_amt: Mapped[Decimal] = mapped_column(AMOUNT)


class InsuranceSettlementAdjustment(Base):
    """A difference found by re-settling a year and applied (重新结算调整), linked to the settlement it corrects:
    ``pay`` 补付 when the fund owes the member, ``reclaim`` 追回 when the member owes the fund, ``counters`` when
    only the annual counters move. Amounts are signed changes to the settlement's own figures (the settlement
    as it now stands = its row plus all its adjustments); ``delta`` is the change to the annual counters."""

    __tablename__ = "insurance_settlement_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    setl_id: Mapped[str] = mapped_column(ForeignKey("insurance_settlements.setl_id", ondelete="CASCADE"), index=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("insurance_members.psn_no"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # pay | reclaim | counters
    fund_pay_diff: Mapped[Decimal] = mapped_column(AMOUNT)  # + the funds pay more
    psn_part_diff: Mapped[Decimal] = mapped_column(AMOUNT)  # + the member bears more
    acct_pay_diff: Mapped[Decimal] = mapped_column(AMOUNT)  # + more taken from the personal account
    cash_pay_diff: Mapped[Decimal] = mapped_column(AMOUNT)  # + more cash from the member
    delta: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)  # the settlement under the rules applied
    rules_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
