"""Every query of minutes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cityservices.party_day.records.models import Minutes


def minutes_of(session: Session, activity_id: int) -> Minutes | None:
    return session.get(Minutes, activity_id)
