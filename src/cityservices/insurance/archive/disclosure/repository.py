"""Queries of the disclosure: the staff reads of one member's records (from the audit log) and every stored
settlement of the member. Both are scoped by the signed-in citizen's ID number inside the query."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.insurance.members.models import InsuranceMember
from cityservices.insurance.settlement.models import InsuranceSettlement
from cityservices.kit.audit import AuditEntry


def staff_reads(
    session: Session, certno: str, actions: Collection[str], *, limit: int
) -> list[tuple[AuditEntry, StaffAccount]]:
    """Audit rows of ``actions`` by a staff account whose target is the member (psn_no) or one of the member's
    settlements (setl_id), newest first. Rows without a staff account (the member, the system) are not staff
    reads and are left out by the join."""
    own_psn = select(InsuranceMember.psn_no).where(InsuranceMember.certno == certno)
    own_setl = (
        select(InsuranceSettlement.setl_id)
        .join(InsuranceMember, InsuranceMember.psn_no == InsuranceSettlement.psn_no)
        .where(InsuranceMember.certno == certno)
    )
    query = (
        select(AuditEntry, StaffAccount)
        .join(StaffAccount, StaffAccount.id == AuditEntry.actor_id)
        .where(
            AuditEntry.action.in_(list(actions)),
            or_(AuditEntry.target_key.in_(own_psn), AuditEntry.target_key.in_(own_setl)),
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return [(entry, account) for entry, account in session.execute(query).all()]


def all_own_settlements(session: Session, certno: str) -> list[InsuranceSettlement]:
    query = (
        select(InsuranceSettlement)
        .join(InsuranceMember, InsuranceMember.psn_no == InsuranceSettlement.psn_no)
        .where(InsuranceMember.certno == certno)
        .order_by(InsuranceSettlement.setl_date, InsuranceSettlement.setl_id)
    )
    return list(session.scalars(query))
