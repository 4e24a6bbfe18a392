"""Every query of the education resource library, the study records and the resources attached to plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cityservices.party_day.education.models import ActivityResource, Resource, StudyRecord


def resource_by_id(session: Session, resource_id: int) -> Resource | None:
    return session.get(Resource, resource_id)


def resources_by_ids(session: Session, ids: Sequence[int]) -> dict[int, Resource]:
    if not ids:
        return {}
    return {r.id: r for r in session.scalars(select(Resource).where(Resource.id.in_(ids)))}


def resources(session: Session, kind: str | None) -> Sequence[Resource]:
    """The library (of one kind), by id; tag filters and matching run in Python (``search.py``)."""
    query = select(Resource).order_by(Resource.id)
    if kind is not None:
        query = query.where(Resource.kind == kind)
    return session.scalars(query).all()


def count_resources(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Resource)) or 0


def study_records(session: Session, member_id: int, start: dt.date, end: dt.date) -> Sequence[StudyRecord]:
    query = select(StudyRecord).where(
        StudyRecord.member_id == member_id, StudyRecord.studied_on >= start, StudyRecord.studied_on < end
    )
    return session.scalars(query.order_by(StudyRecord.studied_on, StudyRecord.id)).all()


def activity_resource_ids(session: Session, activity_id: int) -> list[int]:
    query = select(ActivityResource.resource_id).where(ActivityResource.activity_id == activity_id)
    return list(session.scalars(query.order_by(ActivityResource.resource_id)))


def activity_resources(session: Session, activity_id: int) -> Sequence[Resource]:
    query = (
        select(Resource)
        .join(ActivityResource, ActivityResource.resource_id == Resource.id)
        .where(ActivityResource.activity_id == activity_id)
        .order_by(Resource.id)
    )
    return session.scalars(query).all()


def replace_activity_resources(session: Session, activity_id: int, resource_ids: Sequence[int]) -> None:
    session.execute(delete(ActivityResource).where(ActivityResource.activity_id == activity_id))
    session.add_all(ActivityResource(activity_id=activity_id, resource_id=r) for r in resource_ids)
    session.flush()


def study_minutes_of_members(
    session: Session, member_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, int]:
    """Minutes of study per member in [start, end) (members without records are absent)."""
    if not member_ids:
        return {}
    rows = session.execute(
        select(StudyRecord.member_id, func.sum(StudyRecord.minutes))
        .where(StudyRecord.member_id.in_(member_ids), StudyRecord.studied_on >= start, StudyRecord.studied_on < end)
        .group_by(StudyRecord.member_id)
    ).all()
    return {int(m): int(s or 0) for m, s in rows}
