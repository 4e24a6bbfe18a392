"""Every query on members, relations, contributions, accounts and annual counters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from cityservices.insurance.enterprises.models import InsuranceEnterprise
from cityservices.insurance.members.models import (
    InsuranceAccount,
    InsuranceAccountMovement,
    InsuranceAnnualCounter,
    InsuranceContribution,
    InsuranceMember,
    InsuranceRelation,
    InsuranceRelationStatus,
)

ZERO = Decimal("0.00")


def get_member(session: Session, psn_no: str, *, region: str | None = None) -> InsuranceMember | None:
    """A member; with ``region`` (a staff scope) only when insured in that region (admdvs prefix)."""
    query = select(InsuranceMember).where(InsuranceMember.psn_no == psn_no)
    if region:
        query = query.where(InsuranceMember.insuplc_admdvs.startswith(region, autoescape=True))
    return session.scalars(query).first()


def member_with_certno(session: Session, certno: str) -> InsuranceMember | None:
    return session.scalars(select(InsuranceMember).where(InsuranceMember.certno == certno)).first()


def add(session: Session, row: Any) -> None:
    session.add(row)
    session.flush()


def get_relation(session: Session, psn_no: str, insutype: str) -> InsuranceRelation | None:
    query = select(InsuranceRelation).where(InsuranceRelation.psn_no == psn_no, InsuranceRelation.insutype == insutype)
    return session.scalars(query).first()


def status_row(session: Session, relation_id: int, month: dt.date) -> InsuranceRelationStatus | None:
    query = select(InsuranceRelationStatus).where(
        InsuranceRelationStatus.relation_id == relation_id, InsuranceRelationStatus.effective_month == month
    )
    return session.scalars(query).first()


def statuses_on(session: Session, psn_no: str, month: dt.date) -> dict[str, str]:
    """Each insurance type of the member → its status in that month (the latest row effective by then)."""
    query = (
        select(
            InsuranceRelation.insutype, InsuranceRelationStatus.psn_insu_stas, InsuranceRelationStatus.effective_month
        )
        .join(InsuranceRelationStatus, InsuranceRelationStatus.relation_id == InsuranceRelation.id)
        .where(InsuranceRelation.psn_no == psn_no, InsuranceRelationStatus.effective_month <= month)
        .order_by(InsuranceRelationStatus.effective_month)
    )
    return {insutype: status for insutype, status, _month in session.execute(query).all()}


def status_history(session: Session, psn_no: str, insutype: str) -> list[tuple[dt.date, str]]:
    query = (
        select(InsuranceRelationStatus.effective_month, InsuranceRelationStatus.psn_insu_stas)
        .join(InsuranceRelation, InsuranceRelationStatus.relation_id == InsuranceRelation.id)
        .where(InsuranceRelation.psn_no == psn_no, InsuranceRelation.insutype == insutype)
        .order_by(InsuranceRelationStatus.effective_month)
    )
    return [(month, status) for month, status in session.execute(query).all()]


def contribution(session: Session, psn_no: str, insutype: str, month: dt.date) -> InsuranceContribution | None:
    query = select(InsuranceContribution).where(
        InsuranceContribution.psn_no == psn_no,
        InsuranceContribution.insutype == insutype,
        InsuranceContribution.month == month,
    )
    return session.scalars(query).first()


def account(session: Session, psn_no: str, *, lock: bool) -> InsuranceAccount | None:
    query = select(InsuranceAccount).where(InsuranceAccount.psn_no == psn_no)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def account_movements(session: Session, psn_no: str) -> list[InsuranceAccountMovement]:
    query = (
        select(InsuranceAccountMovement)
        .where(InsuranceAccountMovement.psn_no == psn_no)
        .order_by(InsuranceAccountMovement.id)
    )
    return list(session.scalars(query).all())


def counters_for_update(session: Session, psn_no: str, year: int) -> InsuranceAnnualCounter:
    """The member's counters of the year, locked for this transaction (created at zero when missing)."""
    query = (
        select(InsuranceAnnualCounter)
        .where(InsuranceAnnualCounter.psn_no == psn_no, InsuranceAnnualCounter.year == year)
        .with_for_update()
    )
    row = session.scalars(query).first()
    if row is None:
        row = InsuranceAnnualCounter(
            psn_no=psn_no,
            year=year,
            admissions=0,
            dedc_year_outpatient=ZERO,
            dedc_year_inpatient=ZERO,
            hifp_paid=ZERO,
            layer_paid=ZERO,
            cvlserv_paid=ZERO,
            maf_paid=ZERO,
        )
        session.add(row)
        session.flush()
    return row


def counters(session: Session, psn_no: str, year: int) -> InsuranceAnnualCounter | None:
    return session.get(InsuranceAnnualCounter, (psn_no, year))


def count_rows(session: Session) -> dict[str, int]:
    def count(model: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)

    return {
        "insurance_enterprises": count(InsuranceEnterprise),
        "insurance_members": count(InsuranceMember),
        "insurance_contributions": count(InsuranceContribution),
    }


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Bulk insert (the demo generator); nothing when ``rows`` is empty."""
    if rows:
        session.execute(insert(model), rows)


def demo_member_numbers(session: Session) -> list[str]:
    return list(session.scalars(select(InsuranceMember.psn_no).where(InsuranceMember.demo.is_(True))).all())


def delete_demo(session: Session) -> None:
    """Every demo member with everything hanging off them."""
    demo = select(InsuranceMember.psn_no).where(InsuranceMember.demo.is_(True))
    for model in (InsuranceAccountMovement, InsuranceAnnualCounter, InsuranceContribution, InsuranceAccount):
        session.execute(delete(model).where(model.psn_no.in_(demo)))
    relations = select(InsuranceRelation.id).where(InsuranceRelation.psn_no.in_(demo))
    session.execute(delete(InsuranceRelationStatus).where(InsuranceRelationStatus.relation_id.in_(relations)))
    session.execute(delete(InsuranceRelation).where(InsuranceRelation.psn_no.in_(demo)))
    session.execute(delete(InsuranceMember).where(InsuranceMember.demo.is_(True)))


def set_balances(session: Session, balances: dict[str, Decimal]) -> None:
    for psn_no, balance in balances.items():
        session.execute(update(InsuranceAccount).where(InsuranceAccount.psn_no == psn_no).values(balance=balance))


def relation_ids(session: Session, psn_nos: list[str]) -> dict[tuple[str, str], int]:
    query = select(InsuranceRelation.psn_no, InsuranceRelation.insutype, InsuranceRelation.id).where(
        InsuranceRelation.psn_no.in_(psn_nos)
    )
    return {(p, t): i for p, t, i in session.execute(query).all()}


def relations_of(session: Session, psn_no: str) -> list[tuple[InsuranceRelation, str | None]]:
    """The member's relations with their enterprise's name."""
    query = (
        select(InsuranceRelation, InsuranceEnterprise.emp_name)
        .outerjoin(InsuranceEnterprise, InsuranceEnterprise.emp_no == InsuranceRelation.emp_no)
        .where(InsuranceRelation.psn_no == psn_no)
        .order_by(InsuranceRelation.insutype)
    )
    return [(relation, name) for relation, name in session.execute(query).all()]


def members_with_certnos(session: Session, certnos: list[str]) -> dict[str, InsuranceMember]:
    """The members holding these ID numbers (queried in chunks)."""
    found: dict[str, InsuranceMember] = {}
    for start in range(0, len(certnos), 500):
        chunk = certnos[start : start + 500]
        found.update(
            (m.certno, m) for m in session.scalars(select(InsuranceMember).where(InsuranceMember.certno.in_(chunk)))
        )
    return found


# ---- set-based reads for batches (one query per chunk of numbers, not one per row) --------------------------------


def relations_of_members(session: Session, psn_nos: list[str]) -> dict[tuple[str, str], InsuranceRelation]:
    """(member number, insurance type) → relation, for these members."""
    found: dict[tuple[str, str], InsuranceRelation] = {}
    for start in range(0, len(psn_nos), 500):
        query = select(InsuranceRelation).where(InsuranceRelation.psn_no.in_(psn_nos[start : start + 500]))
        found.update(((r.psn_no, r.insutype), r) for r in session.scalars(query))
    return found


def status_rows_of_relations(session: Session, relation_ids: list[int]) -> dict[int, list[InsuranceRelationStatus]]:
    """Relation id → its status rows, earliest month first."""
    found: dict[int, list[InsuranceRelationStatus]] = {}
    for start in range(0, len(relation_ids), 500):
        query = (
            select(InsuranceRelationStatus)
            .where(InsuranceRelationStatus.relation_id.in_(relation_ids[start : start + 500]))
            .order_by(InsuranceRelationStatus.effective_month)
        )
        for row in session.scalars(query):
            found.setdefault(row.relation_id, []).append(row)
    return found


def contribution_months(session: Session, psn_nos: list[str], insutype: str) -> set[tuple[str, dt.date]]:
    """(member number, month) of the contributions these members have in that insurance type."""
    found: set[tuple[str, dt.date]] = set()
    for start in range(0, len(psn_nos), 500):
        query = select(InsuranceContribution.psn_no, InsuranceContribution.month).where(
            InsuranceContribution.psn_no.in_(psn_nos[start : start + 500]), InsuranceContribution.insutype == insutype
        )
        found.update((psn_no, month) for psn_no, month in session.execute(query).all())
    return found


def accounts_of(session: Session, psn_nos: list[str], *, lock: bool) -> dict[str, InsuranceAccount]:
    """Member number → personal account (locked for update when asked)."""
    found: dict[str, InsuranceAccount] = {}
    for start in range(0, len(psn_nos), 500):
        chunk = sorted(psn_nos[start : start + 500])
        query = select(InsuranceAccount).where(InsuranceAccount.psn_no.in_(chunk)).order_by(InsuranceAccount.psn_no)
        if lock:  # in member-number order, so that two batches lock shared accounts in the same order
            query = query.with_for_update()
        found.update((a.psn_no, a) for a in session.scalars(query))
    return found
