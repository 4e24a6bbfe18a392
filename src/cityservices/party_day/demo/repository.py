"""Every query of the demo loader: removing the previous demo rows and writing the new ones in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from cityservices.party_day.activities.models import Activity, ActivityParticipant
from cityservices.party_day.attendance.models import Attendance
from cityservices.party_day.compliance.models import Meeting
from cityservices.party_day.dues.models import DuesMonth
from cityservices.party_day.education.models import ActivityResource, Resource, StudyRecord
from cityservices.party_day.organisation.models import Organisation, PartyMember
from cityservices.party_day.records.models import Minutes
from cityservices.party_day.review.models import CaseNomination, ReviewComment, SelfCheck


def has_organisations(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(Organisation)) or 0) > 0


def delete_demo(session: Session) -> None:
    """Remove every demo row (children first); rows staff entered are kept."""
    demo_activities = select(Activity.id).where(Activity.is_demo.is_(True))
    demo_members = select(PartyMember.id).where(PartyMember.is_demo.is_(True))
    demo_resources = select(Resource.id).where(Resource.is_demo.is_(True))
    for table in (Attendance, ActivityParticipant, Minutes, SelfCheck, ReviewComment, CaseNomination, ActivityResource):
        session.execute(delete(table).where(table.activity_id.in_(demo_activities)))
    session.execute(delete(ActivityResource).where(ActivityResource.resource_id.in_(demo_resources)))
    session.execute(delete(StudyRecord).where(StudyRecord.is_demo.is_(True) | StudyRecord.member_id.in_(demo_members)))
    # A record staff entered keeps its minutes when the demo resource it named goes.
    session.execute(update(StudyRecord).where(StudyRecord.resource_id.in_(demo_resources)).values(resource_id=None))
    session.execute(delete(Resource).where(Resource.is_demo.is_(True)))
    session.execute(delete(DuesMonth).where(DuesMonth.member_id.in_(demo_members)))
    session.execute(delete(Activity).where(Activity.is_demo.is_(True)))
    session.execute(delete(Meeting).where(Meeting.is_demo.is_(True)))
    session.execute(delete(PartyMember).where(PartyMember.is_demo.is_(True)))
    depth = func.length(Organisation.path) - func.length(func.replace(Organisation.path, ".", ""))
    levels = session.scalars(select(depth).where(Organisation.is_demo.is_(True)).distinct()).all()
    for level in sorted(levels, reverse=True):  # leaves first: the parent key refers upwards
        session.execute(delete(Organisation).where(Organisation.is_demo.is_(True), depth == level))


def insert_rows(session: Session, table: Any, rows: Sequence[dict[str, Any]], batch: int = 5000) -> None:
    for start in range(0, len(rows), batch):
        session.execute(insert(table), list(rows[start : start + batch]))


def member_ids_by_id_number(session: Session, branch_ids: Sequence[int]) -> dict[str, int]:
    rows = session.execute(select(PartyMember.id_number, PartyMember.id).where(PartyMember.branch_id.in_(branch_ids)))
    return {str(number): int(member_id) for number, member_id in rows.all()}
