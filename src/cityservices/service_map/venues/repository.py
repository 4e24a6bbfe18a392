"""Queries about venues: filtered lists and pages, one venue in detail, the items a venue handles, counts per
venue, and what "open at a moment" needs (weekly intervals, the day's exceptions, ids with their status).

Lists are filtered in SQL; everything a page shows is loaded with a fixed number of queries (``selectinload``
and ``IN`` lookups), whatever the page size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session, load_only, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from cityservices.kit.pagination import PageRequest, PageSlice
from cityservices.service_map.catalogue.models import (
    Division,
    Item,
    OpeningException,
    OpeningInterval,
    Venue,
    VenueItem,
    venue_departments,
)
from cityservices.service_map.catalogue.repository import contains_pattern, division_subtree, fetch_page
from cityservices.service_map.where.hours import Interval


@dataclass(frozen=True)
class VenueFilter:
    """Venue filters; ``district`` is a known division code (checked by the caller)."""

    level: str | None = None
    district: str | None = None
    department: str | None = None
    item: str | None = None
    q: str | None = None


class VenueItemRow(NamedTuple):
    code: str
    name: str
    category: str
    is_core: bool
    window_number: str | None


# --- lists and pages ------------------------------------------------------------------------------


def venue_conditions(f: VenueFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.level:
        where.append(Venue.level == f.level)
    if f.district:
        where.append(Venue.division_code.in_(division_subtree(f.district)))
    if f.department:
        present = select(venue_departments.c.venue_id).where(venue_departments.c.department_code == f.department)
        where.append(Venue.id.in_(present))
    if f.item:
        handling = select(VenueItem.venue_id).join(Item, Item.id == VenueItem.item_id).where(Item.code == f.item)
        where.append(Venue.id.in_(handling))
    if f.q:
        pattern = contains_pattern(f.q)
        where.append(or_(Venue.name.ilike(pattern, escape="\\"), Venue.address.ilike(pattern, escape="\\")))
    return where


def _venue_summary_columns() -> ORMOption:
    """Only the columns of a venue list entry (``VenueSummaryRead``); touching another one raises."""
    return load_only(
        Venue.id, Venue.name, Venue.level, Venue.division_code, Venue.address, Venue.lat, Venue.lng,
        Venue.status, Venue.last_verified, Venue.demo_fields, raiseload=True,
    )  # fmt: skip


def page_venues(session: Session, where: Sequence[ColumnElement[bool]], request: PageRequest) -> PageSlice[Venue]:
    """A page of venue list entries (only their summary columns are loaded)."""
    return fetch_page(session, select(Venue).where(*where), Venue.id, request, _venue_summary_columns())


def venue_summaries_by_ids(session: Session, ids: Sequence[str]) -> list[Venue]:
    """The venue list entries ``ids`` (summary columns only), in that order."""
    stmt = select(Venue).where(Venue.id.in_(list(ids))).options(_venue_summary_columns())
    found = {v.id: v for v in session.scalars(stmt).all()}
    return [found[i] for i in ids if i in found]


def all_venues(session: Session, where: Sequence[ColumnElement[bool]]) -> Sequence[Venue]:
    """Every matching venue with hours, exceptions and departments loaded (for whole-collection exports)."""
    stmt = select(Venue).where(*where).order_by(Venue.id)
    options = (selectinload(Venue.intervals), selectinload(Venue.exceptions), selectinload(Venue.departments))
    return session.scalars(stmt.options(*options)).all()


def list_venues(session: Session, *, level: str | None, district: str | None) -> Sequence[Venue]:
    """Venues of a level and of a district (the district's own venue and those of its streets and towns)."""
    stmt = select(Venue)
    if level:
        stmt = stmt.where(Venue.level == level)
    if district:
        streets = select(Division.code).where(Division.parent_code == district)
        stmt = stmt.where(or_(Venue.division_code == district, Venue.division_code.in_(streets)))
    level_order = case({"city": 0, "district": 1, "street": 2}, value=Venue.level, else_=3)
    return session.scalars(stmt.order_by(level_order, Venue.division_code, Venue.id)).all()


def list_venues_with_hours(session: Session) -> Sequence[Venue]:
    """Every venue with its weekly intervals and departments loaded, by level and id."""
    stmt = (
        select(Venue)
        .options(selectinload(Venue.intervals), selectinload(Venue.departments))
        .order_by(Venue.level, Venue.id)
    )
    return session.scalars(stmt).all()


# --- one venue ------------------------------------------------------------------------------------


def get_venue_detail(session: Session, venue_id: str) -> Venue | None:
    """A venue with its weekly intervals, dated exceptions and departments loaded."""
    options = (selectinload(Venue.intervals), selectinload(Venue.exceptions), selectinload(Venue.departments))
    return session.scalars(select(Venue).where(Venue.id == venue_id).options(*options)).one_or_none()


def venue_ids(session: Session) -> list[str]:
    return list(session.scalars(select(Venue.id).order_by(Venue.id)))


def venue_exists(session: Session, venue_id: str) -> bool:
    return session.scalar(select(Venue.id).where(Venue.id == venue_id)) is not None


def count_items_per_venue(session: Session, venue_ids: Iterable[str]) -> dict[str, int]:
    """``venue id → number of items handled there`` (venues handling none are absent)."""
    stmt = (
        select(VenueItem.venue_id, func.count())
        .where(VenueItem.venue_id.in_(list(venue_ids)))
        .group_by(VenueItem.venue_id)
    )
    return {str(v): int(n) for v, n in session.execute(stmt).all()}


def list_venue_items(
    session: Session, venue_id: str, *, text: str, limit: int, offset: int
) -> tuple[list[VenueItemRow], int]:
    """The items a venue handles, core items first, optionally those whose name or category contains ``text``."""
    where: list[Any] = [VenueItem.venue_id == venue_id]
    if text:
        pattern = contains_pattern(text)
        where.append(or_(Item.name.like(pattern, escape="\\"), Item.category.like(pattern, escape="\\")))
    base = select(Item.code, Item.name, Item.category, Item.is_core, VenueItem.window_number).join(
        VenueItem, VenueItem.item_id == Item.id
    )
    stmt = base.where(*where).order_by(Item.is_core.desc(), Item.code).limit(limit).offset(offset)
    total = session.scalar(select(func.count()).select_from(VenueItem).join(Item).where(*where))
    return [VenueItemRow(*r) for r in session.execute(stmt).all()], int(total or 0)


def window_numbers(session: Session, venue_id: str, item_ids: Iterable[int]) -> dict[int, str | None]:
    """``item id → window number`` at the venue, for the given items."""
    stmt = select(VenueItem.item_id, VenueItem.window_number).where(
        VenueItem.venue_id == venue_id, VenueItem.item_id.in_(list(item_ids))
    )
    return {int(item_id): window for item_id, window in session.execute(stmt).all()}


# --- "open at" ------------------------------------------------------------------------------------


def venue_keys(
    session: Session, where: Sequence[ColumnElement[bool]], *, after: str | None
) -> list[tuple[str, str, bool]]:
    """``(id, status, sorts after the cursor key)`` of every matching venue, by id (the database's order)."""
    if after is None:
        rows = session.execute(select(Venue.id, Venue.status).where(*where).order_by(Venue.id)).all()
        return [(venue_id, status, True) for venue_id, status in rows]
    stmt = select(Venue.id, Venue.status, Venue.id > after).where(*where).order_by(Venue.id)
    return [(venue_id, status, bool(flag)) for venue_id, status, flag in session.execute(stmt).all()]


def weekly_intervals(session: Session, where: Sequence[ColumnElement[bool]]) -> dict[str, list[list[Interval]]]:
    """The weekly opening intervals of the matching venues: ``id → seven lists`` (Monday first)."""
    weekly: dict[str, list[list[Interval]]] = defaultdict(lambda: [[] for _ in range(7)])
    stmt = select(
        OpeningInterval.venue_id, OpeningInterval.weekday, OpeningInterval.opens, OpeningInterval.closes
    ).where(OpeningInterval.venue_id.in_(select(Venue.id).where(*where)))
    for venue_id, weekday, opens, closes in session.execute(stmt).all():
        weekly[venue_id][weekday].append((opens, closes))
    return weekly


def exceptions_on(
    session: Session, where: Sequence[ColumnElement[bool]], day: dt.date
) -> dict[str, dict[dt.date, list[list[str]]]]:
    """The dated exceptions of the matching venues on ``day`` (the only ones that decide "open on that day")."""
    stmt = select(OpeningException.venue_id, OpeningException.intervals).where(
        OpeningException.on_date == day, OpeningException.venue_id.in_(select(Venue.id).where(*where))
    )
    return {venue_id: {day: intervals} for venue_id, intervals in session.execute(stmt).all()}
