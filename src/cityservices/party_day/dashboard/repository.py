"""Every query of the committee dashboards: per-branch sums over a subtree (attendance from the minutes, members,
dues arrears, study minutes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from cityservices.party_day.activities.models import Activity
from cityservices.party_day.dues.models import DuesMonth
from cityservices.party_day.education.models import StudyRecord
from cityservices.party_day.organisation.models import Organisation, PartyMember
from cityservices.party_day.records.models import Minutes


def roots(session: Session) -> Sequence[Organisation]:
    """The tops of the tree (organisations without a parent)."""
    return session.scalars(
        select(Organisation).where(Organisation.parent_id.is_(None)).order_by(Organisation.code)
    ).all()


def attendance_by_branch(
    session: Session, branch_ids: Sequence[int], start: dt.datetime, end: dt.datetime
) -> dict[int, tuple[int, int]]:
    """(expected, present) summed over the minutes of each branch's Party Days in [start, end)."""
    if not branch_ids:
        return {}
    rows = session.execute(
        select(Activity.branch_id, func.sum(Minutes.expected), func.sum(Minutes.present))
        .join(Minutes, Minutes.activity_id == Activity.id)
        .where(Activity.branch_id.in_(branch_ids), Activity.starts_at >= start, Activity.starts_at < end)
        .group_by(Activity.branch_id)
    ).all()
    return {int(b): (int(e or 0), int(p or 0)) for b, e, p in rows}


def members_by_branch(session: Session, branch_ids: Sequence[int]) -> dict[int, int]:
    if not branch_ids:
        return {}
    rows = session.execute(
        select(PartyMember.branch_id, func.count()).where(PartyMember.branch_id.in_(branch_ids))
        .group_by(PartyMember.branch_id)
    ).all()  # fmt: skip
    return {int(b): int(n) for b, n in rows}


def arrears_by_branch(session: Session, branch_ids: Sequence[int], before_month: str) -> dict[int, int]:
    """Unpaid dues (fen) of months before ``before_month`` (YYYY-MM), by the member's branch."""
    if not branch_ids:
        return {}
    owed = case((DuesMonth.due_fen > DuesMonth.paid_fen, DuesMonth.due_fen - DuesMonth.paid_fen), else_=0)
    rows = session.execute(
        select(PartyMember.branch_id, func.sum(owed))
        .join(PartyMember, PartyMember.id == DuesMonth.member_id)
        .where(PartyMember.branch_id.in_(branch_ids), DuesMonth.month < before_month)
        .group_by(PartyMember.branch_id)
    ).all()
    return {int(b): int(s or 0) for b, s in rows}


def study_minutes_by_branch(
    session: Session, branch_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, int]:
    """Minutes of study recorded in [start, end), by the member's branch."""
    if not branch_ids:
        return {}
    rows = session.execute(
        select(PartyMember.branch_id, func.sum(StudyRecord.minutes))
        .join(PartyMember, PartyMember.id == StudyRecord.member_id)
        .where(PartyMember.branch_id.in_(branch_ids), StudyRecord.studied_on >= start, StudyRecord.studied_on < end)
        .group_by(PartyMember.branch_id)
    ).all()
    return {int(b): int(s or 0) for b, s in rows}
