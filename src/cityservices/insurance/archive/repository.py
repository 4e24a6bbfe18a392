"""Every query of the member's archive. Each one is scoped by the signed-in citizen's ID number (``certno``):
the filter is part of the query, so that no other member's row can be read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.insurance.certificates.models import InsuranceCertificate
from cityservices.insurance.maternity.models import MaternityApplication
from cityservices.insurance.members.models import (
    InsuranceAccount,
    InsuranceAccountMovement,
    InsuranceAnnualCounter,
    InsuranceContribution,
    InsuranceMember,
    InsuranceRelation,
    InsuranceRelationStatus,
)
from cityservices.insurance.settlement.models import InsuranceSettlement, InsuranceSettlementAdjustment


def own_member(session: Session, certno: str) -> InsuranceMember | None:
    return session.scalars(select(InsuranceMember).where(InsuranceMember.certno == certno)).first()


def own_relations(session: Session, certno: str) -> list[InsuranceRelation]:
    query = (
        select(InsuranceRelation)
        .join(InsuranceMember, InsuranceMember.psn_no == InsuranceRelation.psn_no)
        .where(InsuranceMember.certno == certno)
        .order_by(InsuranceRelation.insutype)
    )
    return list(session.scalars(query))


def own_statuses(session: Session, certno: str) -> list[tuple[str, dt.date, str]]:
    """(insurance type, effective month, status) of every status row, oldest first."""
    query = (
        select(
            InsuranceRelation.insutype, InsuranceRelationStatus.effective_month, InsuranceRelationStatus.psn_insu_stas
        )
        .join(InsuranceRelation, InsuranceRelation.id == InsuranceRelationStatus.relation_id)
        .join(InsuranceMember, InsuranceMember.psn_no == InsuranceRelation.psn_no)
        .where(InsuranceMember.certno == certno)
        .order_by(InsuranceRelationStatus.effective_month, InsuranceRelation.insutype)
    )
    return [(t, m, s) for t, m, s in session.execute(query).all()]


def own_contributions(session: Session, certno: str, start: dt.date, end: dt.date) -> list[InsuranceContribution]:
    query = (
        select(InsuranceContribution)
        .join(InsuranceMember, InsuranceMember.psn_no == InsuranceContribution.psn_no)
        .where(
            InsuranceMember.certno == certno, InsuranceContribution.month >= start, InsuranceContribution.month < end
        )
        .order_by(InsuranceContribution.month.desc(), InsuranceContribution.insutype)
    )
    return list(session.scalars(query))


def own_account(session: Session, certno: str) -> InsuranceAccount | None:
    query = select(InsuranceAccount).join(InsuranceMember, InsuranceMember.psn_no == InsuranceAccount.psn_no)
    return session.scalars(query.where(InsuranceMember.certno == certno)).first()


def own_movements(
    session: Session, certno: str, start: dt.datetime, end: dt.datetime, *, limit: int
) -> list[InsuranceAccountMovement]:
    query = (
        select(InsuranceAccountMovement)
        .join(InsuranceMember, InsuranceMember.psn_no == InsuranceAccountMovement.psn_no)
        .where(
            InsuranceMember.certno == certno, InsuranceAccountMovement.at >= start, InsuranceAccountMovement.at < end
        )
        .order_by(InsuranceAccountMovement.at.desc(), InsuranceAccountMovement.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def own_adjustments(session: Session, certno: str, setl_ids: list[str]) -> list[InsuranceSettlementAdjustment]:
    """The re-settlement adjustments of the member's own settlements among ``setl_ids``, oldest first."""
    if not setl_ids:
        return []
    a = InsuranceSettlementAdjustment
    query = (
        select(a)
        .join(InsuranceMember, InsuranceMember.psn_no == a.psn_no)
        .where(InsuranceMember.certno == certno, a.setl_id.in_(setl_ids))
        .order_by(a.setl_id, a.id)
    )
    return list(session.scalars(query))


def own_settlements(session: Session, certno: str, start: dt.date, end: dt.date) -> list[InsuranceSettlement]:
    query = (
        select(InsuranceSettlement)
        .join(InsuranceMember, InsuranceMember.psn_no == InsuranceSettlement.psn_no)
        .where(
            InsuranceMember.certno == certno,
            InsuranceSettlement.setl_date >= start,
            InsuranceSettlement.setl_date < end,
        )
        .order_by(InsuranceSettlement.setl_date.desc(), InsuranceSettlement.setl_id)
    )
    return list(session.scalars(query))


def own_counters(session: Session, certno: str, year: int) -> InsuranceAnnualCounter | None:
    query = (
        select(InsuranceAnnualCounter)
        .join(InsuranceMember, InsuranceMember.psn_no == InsuranceAnnualCounter.psn_no)
        .where(InsuranceMember.certno == certno, InsuranceAnnualCounter.year == year)
    )
    return session.scalars(query).first()


def demo_members(session: Session, limit: int) -> list[InsuranceMember]:
    """The first generated members with a settlement (their archives have something to show)."""
    with_settlement = select(InsuranceSettlement.psn_no).where(InsuranceSettlement.demo.is_(True)).distinct()
    query = (
        select(InsuranceMember)
        .where(InsuranceMember.demo.is_(True), InsuranceMember.psn_no.in_(with_settlement))
        .order_by(InsuranceMember.psn_no)
        .limit(limit)
    )
    return list(session.scalars(query))


def own_certificates(session: Session, certno: str, *, limit: int) -> list[InsuranceCertificate]:
    """The member's 参保证明, newest first."""
    query = (
        select(InsuranceCertificate)
        .join(InsuranceMember, InsuranceMember.psn_no == InsuranceCertificate.psn_no)
        .where(InsuranceMember.certno == certno)
        .order_by(InsuranceCertificate.issued_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def own_maternity(session: Session, certno: str) -> list[MaternityApplication]:
    """The member's maternity-allowance applications, newest birth first."""
    query = (
        select(MaternityApplication)
        .join(InsuranceMember, InsuranceMember.psn_no == MaternityApplication.psn_no)
        .where(InsuranceMember.certno == certno)
        .order_by(MaternityApplication.birth_date.desc())
    )
    return list(session.scalars(query))
