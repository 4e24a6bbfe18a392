"""Every query of a member's own records. Each one is filtered by the member's own row: the ID number of the
signed-in citizen (members keep it in clear, so the match is an equality filter), then that member's id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.party_day.activities.models import Activity, ActivityParticipant
from cityservices.party_day.attendance.models import Attendance
from cityservices.party_day.dues.models import DuesMonth
from cityservices.party_day.education.models import StudyRecord
from cityservices.party_day.organisation.models import Organisation, PartyMember


def member_by_id_number(session: Session, id_number: str) -> PartyMember | None:
    return session.scalar(select(PartyMember).where(PartyMember.id_number == id_number))


def organisation(session: Session, org_id: int) -> Organisation | None:
    return session.get(Organisation, org_id)


def upcoming_days(session: Session, branch_id: int, now: dt.datetime, limit: int = 5) -> Sequence[Activity]:
    return session.scalars(
        select(Activity)
        .where(Activity.branch_id == branch_id, Activity.ends_at >= now)
        .order_by(Activity.starts_at, Activity.id)
        .limit(limit)
    ).all()


def past_days_of_member(
    session: Session, member_id: int, since: dt.datetime, now: dt.datetime
) -> Sequence[tuple[Activity, Attendance | None]]:
    """The activities the member was a participant of that ended in [since, now), with the member's attendance."""
    rows = session.execute(
        select(Activity, Attendance)
        .join(ActivityParticipant, ActivityParticipant.activity_id == Activity.id)
        .outerjoin(Attendance, (Attendance.activity_id == Activity.id) & (Attendance.member_id == member_id))
        .where(ActivityParticipant.member_id == member_id, Activity.ends_at >= since, Activity.ends_at < now)
        .order_by(Activity.starts_at.desc(), Activity.id.desc())
    ).all()
    return [(row[0], row[1]) for row in rows]


def study_minutes(session: Session, member_id: int, start: dt.date, end: dt.date) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(StudyRecord.minutes), 0)).where(
            StudyRecord.member_id == member_id, StudyRecord.studied_on >= start, StudyRecord.studied_on < end
        )
    )
    return int(total or 0)


def dues_months(session: Session, member_id: int) -> Sequence[DuesMonth]:
    return session.scalars(select(DuesMonth).where(DuesMonth.member_id == member_id).order_by(DuesMonth.month)).all()


def first_demo_member(session: Session) -> PartyMember | None:
    """The demo member who gets the demo citizen account (the first one written: deterministic)."""
    return session.scalar(select(PartyMember).where(PartyMember.is_demo.is_(True)).order_by(PartyMember.id).limit(1))
