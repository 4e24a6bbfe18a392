"""Queries about citizen feedback: the staff queue (always within a scope condition), one entry, the names it
refers to, satisfaction per venue or item, and current guides not verified for a while."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, update
from sqlalchemy.orm import Session

from cityservices.service_map.catalogue.models import Feedback, Guide, Item, Venue

STALE_GUIDES_LIMIT = 500


def page_feedback(
    session: Session, *, scope: ColumnElement[bool], status: str | None, limit: int, offset: int
) -> tuple[list[tuple[Feedback, str | None, str | None]], int]:
    """``(entry, venue name, item name)`` of the entries within ``scope`` (of a status), newest first; the total."""
    query = (
        select(Feedback, Venue.name, Item.name)
        .outerjoin(Venue, Venue.id == Feedback.venue_id)
        .outerjoin(Item, Item.id == Feedback.item_id)
        .where(scope)
    )
    if status:
        query = query.where(Feedback.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(Feedback.id.desc()).limit(limit).offset(offset)).all()
    return [(feedback, venue, item) for feedback, venue, item in rows], int(total)


def get_feedback_within(session: Session, feedback_id: int, *, scope: ColumnElement[bool]) -> Feedback | None:
    """The entry ``feedback_id`` if it is within ``scope``."""
    return session.scalar(select(Feedback).where(Feedback.id == feedback_id, scope))


def get_venue(session: Session, venue_id: str) -> Venue | None:
    return session.get(Venue, venue_id)


def get_item_by_id(session: Session, item_id: int) -> Item | None:
    return session.get(Item, item_id)


def satisfaction_rows(session: Session, *, scope: ColumnElement[bool], by: str) -> list[tuple[Any, ...]]:
    """Per venue (``by="venue"``) or per item: key, name, number of ratings, average rating, error reports and
    open entries, of the entries within ``scope``."""
    join: tuple[Any, ColumnElement[bool]]
    if by == "venue":
        key_col, name_col, join = Venue.id, Venue.name, (Venue, Venue.id == Feedback.venue_id)
    else:
        key_col, name_col, join = Item.code, Item.name, (Item, Item.id == Feedback.item_id)
    query = (
        select(
            key_col, name_col, func.count(Feedback.rating), func.avg(Feedback.rating),
            func.sum(case((Feedback.reports_error.is_(True), 1), else_=0)),
            func.sum(case((Feedback.status == "open", 1), else_=0)),
        )
        .join(*join)
        .where(scope)
        .group_by(key_col, name_col)
    )  # fmt: skip
    return [tuple(row) for row in session.execute(query).all()]


def stale_guide_rows(session: Session, *, cutoff: dt.date, within: ColumnElement[bool]) -> list[tuple[Any, ...]]:
    """``(item code, item name, department code, version, last verified)`` of the current guides not verified
    since ``cutoff`` (or never), of the items ``within`` selects (an account's scopes); never verified first."""
    query = (
        select(Item.code, Item.name, Item.department_code, Guide.version, Guide.last_verified)
        .join(Guide, (Guide.item_id == Item.id) & Guide.is_current.is_(True))
        .where(Guide.last_verified.is_(None) | (Guide.last_verified < cutoff), within)
        .order_by(Guide.last_verified.is_not(None), Guide.last_verified, Item.code)
    )
    return [tuple(row) for row in session.execute(query.limit(STALE_GUIDES_LIMIT)).all()]


def mark_resolved(session: Session, feedback_id: int, *, note: str, by: str, at: dt.datetime) -> bool:
    """Resolve an open entry as a compare-and-set (``… WHERE status = 'open'``): of two staff resolving the same
    entry at once, exactly one changes it. False when it was not open any more."""
    result = session.execute(
        update(Feedback)
        .where(Feedback.id == feedback_id, Feedback.status == "open")
        .values(status="resolved", resolution_note=note, resolved_by=by, resolved_at=at)
    )
    return bool(getattr(result, "rowcount", 0))
