"""Every query of the service map domain."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from cityservices.db import Base
from cityservices.service_map.models import Guide, Item, Venue, VenueItem


def count_by(session: Session, column: InstrumentedAttribute[str]) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).group_by(column)).all()
    return {str(key): int(n) for key, n in rows}


def count_rows(session: Session, model: type[Base]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def count_core_items(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Item).where(Item.is_core.is_(True))) or 0)


def count_current_guides(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Guide).where(Guide.is_current.is_(True))) or 0)


def count_items_without_guide(session: Session) -> int:
    has_guide = select(Guide.item_id).where(Guide.is_current.is_(True))
    return int(session.scalar(select(func.count()).select_from(Item).where(Item.id.not_in(has_guide))) or 0)


def list_venues_with_hours(session: Session) -> Sequence[Venue]:
    stmt = (
        select(Venue)
        .options(selectinload(Venue.intervals), selectinload(Venue.departments))
        .order_by(Venue.level, Venue.id)
    )
    return session.scalars(stmt).all()


def list_venues(session: Session, *, level: str | None, limit: int, offset: int) -> tuple[Sequence[Venue], int]:
    stmt = select(Venue)
    total_stmt = select(func.count()).select_from(Venue)
    if level:
        stmt = stmt.where(Venue.level == level)
        total_stmt = total_stmt.where(Venue.level == level)
    rows = session.scalars(stmt.order_by(Venue.id).limit(limit).offset(offset)).all()
    return rows, int(session.scalar(total_stmt) or 0)


def count_venue_items_by_level(session: Session) -> dict[str, int]:
    stmt = select(Venue.level, func.count()).join(VenueItem, VenueItem.venue_id == Venue.id).group_by(Venue.level)
    return {str(level): int(n) for level, n in session.execute(stmt).all()}
