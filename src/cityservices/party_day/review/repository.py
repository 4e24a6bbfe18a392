"""Every query of reviews."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.party_day.activities.models import Activity
from cityservices.party_day.organisation.models import Organisation
from cityservices.party_day.review.models import CaseNomination, ReviewComment, SelfCheck


def self_check_of(session: Session, activity_id: int) -> SelfCheck | None:
    return session.get(SelfCheck, activity_id)


def comments_of(session: Session, activity_id: int) -> list[tuple[ReviewComment, str]]:
    rows = session.execute(
        select(ReviewComment, Organisation.code)
        .join(Organisation, Organisation.id == ReviewComment.organisation_id)
        .where(ReviewComment.activity_id == activity_id)
        .order_by(ReviewComment.at, ReviewComment.id)
    ).all()
    return [(comment, str(code)) for comment, code in rows]


def nomination_by_id(session: Session, nomination_id: int) -> CaseNomination | None:
    return session.get(CaseNomination, nomination_id)


def nomination_of(session: Session, activity_id: int) -> CaseNomination | None:
    return session.scalar(select(CaseNomination).where(CaseNomination.activity_id == activity_id))


def selected_cases(session: Session, year: int) -> list[tuple[CaseNomination, Activity, Organisation]]:
    rows = session.execute(
        select(CaseNomination, Activity, Organisation)
        .join(Activity, Activity.id == CaseNomination.activity_id)
        .join(Organisation, Organisation.id == Activity.branch_id)
        .where(CaseNomination.year == year, CaseNomination.status == "selected")
        .order_by(Activity.starts_at, CaseNomination.id)
    ).all()
    return [(n, a, o) for n, a, o in rows]
