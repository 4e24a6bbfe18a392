"""Every query of the dues ledger."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.party_day.dues.models import DuesMonth
from cityservices.party_day.organisation.models import PartyMember


def dues_month(session: Session, member_id: int, month: str) -> DuesMonth | None:
    return session.scalar(select(DuesMonth).where(DuesMonth.member_id == member_id, DuesMonth.month == month))


def ledger_of(session: Session, member_id: int) -> Sequence[DuesMonth]:
    return session.scalars(select(DuesMonth).where(DuesMonth.member_id == member_id).order_by(DuesMonth.month)).all()


def ledgers_of_branch(session: Session, branch_id: int) -> dict[int, list[DuesMonth]]:
    rows = session.scalars(
        select(DuesMonth)
        .join(PartyMember, PartyMember.id == DuesMonth.member_id)
        .where(PartyMember.branch_id == branch_id)
        .order_by(DuesMonth.member_id, DuesMonth.month)
    ).all()
    out: dict[int, list[DuesMonth]] = {}
    for row in rows:
        out.setdefault(row.member_id, []).append(row)
    return out
