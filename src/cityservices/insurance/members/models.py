"""Tables of members (insured persons), insurance relations with their status history by
month, monthly contributions (base and amounts), personal accounts with every movement, and annual counters.

Column names follow the national platform's vocabulary (``psn_no``, ``emp_no``, ``insutype``, ``psn_insu_stas``,
``crt_insu_date`` …). Amounts are ``Numeric(14, 2)``; ``demo`` marks generated records.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base

AMOUNT = Numeric(14, 2)


class InsuranceMember(Base):
    """An insured person (参保人); ``certno`` is the ID number (GB 11643, checked), never shown unmasked."""

    __tablename__ = "insurance_members"

    psn_no: Mapped[str] = mapped_column(String(30), primary_key=True)
    psn_name: Mapped[str] = mapped_column(String(50))
    certno: Mapped[str] = mapped_column(String(18), unique=True)
    psn_cert_type: Mapped[str] = mapped_column(String(2), default="01")
    psn_type: Mapped[str] = mapped_column(String(4))
    emp_no: Mapped[str | None] = mapped_column(ForeignKey("insurance_enterprises.emp_no"), index=True)
    insuplc_admdvs: Mapped[str] = mapped_column(String(6))
    assistance: Mapped[bool] = mapped_column(Boolean, default=False)  # a medical-assistance beneficiary
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class InsuranceRelation(Base):
    """A member's enrolment in one insurance type (310, 320, 390, 510 …)."""

    __tablename__ = "insurance_relations"
    __table_args__ = (UniqueConstraint("psn_no", "insutype"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("insurance_members.psn_no"))
    insutype: Mapped[str] = mapped_column(String(3))
    emp_no: Mapped[str | None] = mapped_column(ForeignKey("insurance_enterprises.emp_no"))
    crt_insu_date: Mapped[dt.date] = mapped_column(Date)


class InsuranceRelationStatus(Base):
    """The relation's status from a month on (1 enrolled, 2 suspended, 4 stopped) until a later row."""

    __tablename__ = "insurance_relation_statuses"
    __table_args__ = (UniqueConstraint("relation_id", "effective_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    relation_id: Mapped[int] = mapped_column(ForeignKey("insurance_relations.id", ondelete="CASCADE"))
    effective_month: Mapped[dt.date] = mapped_column(Date)  # the first day of the month
    psn_insu_stas: Mapped[str] = mapped_column(String(1))


class InsuranceContribution(Base):
    """One month's contribution of a member to one insurance type: base, shares and the account allocation."""

    __tablename__ = "insurance_contributions"
    __table_args__ = (UniqueConstraint("psn_no", "insutype", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("insurance_members.psn_no"), index=True)
    insutype: Mapped[str] = mapped_column(String(3))
    month: Mapped[dt.date] = mapped_column(Date)
    base: Mapped[Decimal] = mapped_column(AMOUNT)
    employer_amt: Mapped[Decimal] = mapped_column(AMOUNT)
    employee_amt: Mapped[Decimal] = mapped_column(AMOUNT)
    account_amt: Mapped[Decimal] = mapped_column(AMOUNT)
    rule_ids: Mapped[str] = mapped_column(String(200))


class InsuranceAccount(Base):
    """A member's personal account (个人账户) balance."""

    __tablename__ = "insurance_accounts"

    psn_no: Mapped[str] = mapped_column(ForeignKey("insurance_members.psn_no"), primary_key=True)
    balance: Mapped[Decimal] = mapped_column(AMOUNT)


class InsuranceAccountMovement(Base):
    """Every change of an account: contribution allocation, outpatient / inpatient use, reversal, mutual aid."""

    __tablename__ = "insurance_account_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    psn_no: Mapped[str] = mapped_column(ForeignKey("insurance_members.psn_no"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(AMOUNT)  # signed: + in, − out
    balance_after: Mapped[Decimal] = mapped_column(AMOUNT)
    ref: Mapped[str | None] = mapped_column(String(40))


class InsuranceAnnualCounter(Base):
    """What a member's settlements used in a calendar year (the engine's ``Counters``)."""

    __tablename__ = "insurance_annual_counters"

    psn_no: Mapped[str] = mapped_column(ForeignKey("insurance_members.psn_no"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    admissions: Mapped[int] = mapped_column(Integer, default=0)
    dedc_year_outpatient: Mapped[Decimal] = mapped_column(AMOUNT)
    dedc_year_inpatient: Mapped[Decimal] = mapped_column(AMOUNT)
    hifp_paid: Mapped[Decimal] = mapped_column(AMOUNT)
    layer_paid: Mapped[Decimal] = mapped_column(AMOUNT)
    cvlserv_paid: Mapped[Decimal] = mapped_column(AMOUNT)
    maf_paid: Mapped[Decimal] = mapped_column(AMOUNT)


__all__ = [
    "InsuranceAccount",
    "InsuranceAccountMovement",
    "InsuranceAnnualCounter",
    "InsuranceContribution",
    "InsuranceMember",
    "InsuranceRelation",
    "InsuranceRelationStatus",
]
