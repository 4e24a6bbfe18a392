"""Every query of reviews."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.party_day.organisation.models import Organisation
from cityservices.party_day.review.models import ReviewComment, SelfCheck


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
