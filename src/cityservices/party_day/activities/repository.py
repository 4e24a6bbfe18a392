"""Every query of Party Day plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from cityservices.party_day.activities.models import Activity, ActivityParticipant
from cityservices.party_day.organisation.models import Organisation, PartyMember


def branch_member_ids(session: Session, branch_id: int) -> set[int]:
    return set(session.scalars(select(PartyMember.id).where(PartyMember.branch_id == branch_id)))


def activity_by_id(session: Session, activity_id: int) -> Activity | None:
    return session.get(Activity, activity_id)


def participant_ids(session: Session, activity_id: int) -> list[int]:
    query = select(ActivityParticipant.member_id).where(ActivityParticipant.activity_id == activity_id)
    return list(session.scalars(query.order_by(ActivityParticipant.member_id)))


def participant_counts(session: Session, activity_ids: Sequence[int]) -> dict[int, int]:
    if not activity_ids:
        return {}
    rows = session.execute(
        select(ActivityParticipant.activity_id, func.count())
        .where(ActivityParticipant.activity_id.in_(activity_ids))
        .group_by(ActivityParticipant.activity_id)
    ).all()
    return {int(activity_id): int(n) for activity_id, n in rows}


def list_activities(
    session: Session,
    *,
    scope: ColumnElement[bool],
    branch_id: int | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[tuple[Activity, str]], int]:
    condition = scope
    if branch_id is not None:
        condition = condition & (Activity.branch_id == branch_id)
    if start is not None:
        condition = condition & (Activity.starts_at >= start)
    if end is not None:
        condition = condition & (Activity.starts_at < end)
    base = select(Activity, Organisation.code).join(Organisation, Organisation.id == Activity.branch_id)
    total = session.scalar(select(func.count()).select_from(base.where(condition).subquery())) or 0
    rows = session.execute(base.where(condition).order_by(Activity.starts_at, Activity.id).limit(limit).offset(offset))
    return [(activity, str(code)) for activity, code in rows.all()], total


def count_activities(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Activity)) or 0
