"""Every query of attendance."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.party_day.attendance.models import Attendance
from cityservices.party_day.organisation.models import PartyMember


def attendance_of(session: Session, activity_id: int, member_id: int) -> Attendance | None:
    return session.scalar(
        select(Attendance).where(Attendance.activity_id == activity_id, Attendance.member_id == member_id)
    )


def attendance_by_id(session: Session, attendance_id: int) -> Attendance | None:
    return session.get(Attendance, attendance_id)


def attendances(session: Session, activity_id: int) -> list[Attendance]:
    query = select(Attendance).where(Attendance.activity_id == activity_id).order_by(Attendance.member_id)
    return list(session.scalars(query))


def state_counts(session: Session, activity_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Attendance.state, func.count()).where(Attendance.activity_id == activity_id).group_by(Attendance.state)
    ).all()
    return {str(state): int(n) for state, n in rows}


def member_with_id_number(session: Session, id_number: str) -> PartyMember | None:
    return session.scalar(select(PartyMember).where(PartyMember.id_number == id_number))
