"""Every query of the HSDS API: one page of rows (LIMIT / OFFSET, eager loads stated), counts, and detail rows.

Rows come back as records (``dump``), ready for the object builders of ``hsds_export``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from cityservices.service_map.catalogue.models import (
    Department,
    Division,
    Guide,
    Item,
    ItemImplementation,
    Venue,
    VenueItem,
)
from cityservices.service_map.interchange.dump import (
    department_record,
    guide_record,
    implementation_record,
    item_record,
    venue_record,
)
from cityservices.service_map.interchange.records import (
    DepartmentRecord,
    DivisionRecord,
    GuideRecord,
    ImplementationRecord,
    ItemRecord,
    VenueItemRecord,
    VenueRecord,
)
from cityservices.service_map.interchange.repository import VENUE_LOADS


@dataclass(frozen=True)
class ItemFilter:
    """Which items (services) a list keeps; every field set must hold. ``none`` keeps nothing (an unknown id)."""

    search: str | None = None
    department_code: str | None = None
    term: tuple[str, str] | None = None  # (taxonomy key = Item column, value)
    item_id: int | None = None
    venue_id: str | None = None  # service_at_locations only
    none: bool = False


@dataclass
class ServiceRows:
    """An item and what its service object is built from."""

    item: ItemRecord
    implementations: list[ImplementationRecord]
    guides: list[GuideRecord]


def contains_pattern(text: str) -> str:
    """A LIKE pattern (escape ``\\``) matching ``text`` anywhere, its ``%`` and ``_`` taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _item_where(f: ItemFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.none:
        where.append(Item.id.is_(None))
    if f.search:
        pattern = contains_pattern(f.search)
        where.append(or_(Item.name.ilike(pattern, escape="\\"), Item.code.ilike(pattern, escape="\\")))
    if f.department_code is not None:
        where.append(Item.department_code == f.department_code)
    if f.term is not None:
        column, value = f.term
        where.append(getattr(Item, column) == value)
    if f.item_id is not None:
        where.append(Item.id == f.item_id)
    return where


def _count(session: Session, stmt: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


# --- services ------------------------------------------------------------------------------------------------


def count_items(session: Session, f: ItemFilter) -> int:
    return _count(session, select(Item.id).where(*_item_where(f)))


def page_items(session: Session, f: ItemFilter, *, offset: int, limit: int) -> list[ServiceRows]:
    """One page of items by code, each with its current guide only (what a list's one-to-one fields need)."""
    stmt = select(Item).where(*_item_where(f)).order_by(Item.code).offset(offset).limit(limit)
    return _with_current_guides(session, list(session.scalars(stmt)))


def service_rows_by_id(session: Session, item_ids: Iterable[int]) -> dict[int, ServiceRows]:
    """Items by id, each with its current guide only."""
    wanted = set(item_ids)
    items = list(session.scalars(select(Item).where(Item.id.in_(wanted)))) if wanted else []
    return {item.id: rows for item, rows in zip(items, _with_current_guides(session, items), strict=True)}


def _with_current_guides(session: Session, items: list[Item]) -> list[ServiceRows]:
    codes = {item.id: item.code for item in items}
    guides: dict[int, list[GuideRecord]] = defaultdict(list)
    if codes:
        current = select(Guide).where(Guide.item_id.in_(codes), Guide.is_current.is_(True))
        for guide in session.scalars(current):
            guides[guide.item_id].append(guide_record(guide, codes[guide.item_id]))
    return [ServiceRows(item_record(item), [], guides[item.id]) for item in items]


def get_service_rows(session: Session, item_id: int) -> ServiceRows | None:
    """An item with its implementations and every guide version."""
    stmt = select(Item).where(Item.id == item_id).options(selectinload(Item.implementations), selectinload(Item.guides))
    item = session.scalars(stmt).one_or_none()
    if item is None:
        return None
    return ServiceRows(
        item_record(item),
        [implementation_record(r, item.code) for r in item.implementations],
        [guide_record(r, item.code) for r in item.guides],
    )


def departments_by_code(session: Session, codes: Iterable[str]) -> dict[str, DepartmentRecord]:
    rows = session.scalars(select(Department).where(Department.code.in_(set(codes))))
    return {row.code: department_record(row) for row in rows}


# --- organizations -------------------------------------------------------------------------------------------


def _department_where(search: str | None, code: str | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if search:
        pattern = contains_pattern(search)
        where.append(or_(Department.name.ilike(pattern, escape="\\"), Department.code.ilike(pattern, escape="\\")))
    if code is not None:
        where.append(Department.code == code)
    return where


def count_departments(session: Session, *, search: str | None) -> int:
    return _count(session, select(Department.code).where(*_department_where(search, None)))


def page_departments(session: Session, *, search: str | None, offset: int, limit: int) -> list[DepartmentRecord]:
    stmt = select(Department).where(*_department_where(search, None)).order_by(Department.code)
    return [department_record(row) for row in session.scalars(stmt.offset(offset).limit(limit))]


def department_items(session: Session, code: str) -> list[ItemRecord]:
    """The items of a department, by code (for the organization's ``services``)."""
    stmt = select(Item).where(Item.department_code == code).order_by(Item.code)
    return [item_record(row) for row in session.scalars(stmt)]


# --- venues and venue items ----------------------------------------------------------------------------------


def venues_by_id(session: Session, ids: Iterable[str]) -> dict[str, VenueRecord]:
    stmt = select(Venue).where(Venue.id.in_(set(ids))).options(*VENUE_LOADS)
    return {venue.id: venue_record(venue) for venue in session.scalars(stmt)}


def division_records(session: Session) -> list[DivisionRecord]:
    """Every division without its boundary (for the informative city / district names of addresses)."""
    rows = session.execute(select(Division.code, Division.name, Division.level, Division.parent_code))
    return [DivisionRecord(code=code, name=name, level=level, parent_code=parent) for code, name, level, parent in rows]


def _venue_item_query(f: ItemFilter) -> Select[str, int, str | None, str, str]:
    stmt = (
        select(VenueItem.venue_id, VenueItem.item_id, VenueItem.window_number, Item.code, ItemImplementation.level)
        .join(Item, Item.id == VenueItem.item_id)
        .join(ItemImplementation, ItemImplementation.id == VenueItem.implementation_id)
        .where(*_item_where(f))
    )
    if f.venue_id is not None:
        stmt = stmt.where(VenueItem.venue_id == f.venue_id)
    return stmt


def count_venue_items(session: Session, f: ItemFilter) -> int:
    stmt = select(VenueItem.item_id).join(Item, Item.id == VenueItem.item_id).where(*_item_where(f))
    if f.venue_id is not None:
        stmt = stmt.where(VenueItem.venue_id == f.venue_id)
    return _count(session, stmt)


@dataclass(frozen=True)
class VenueItemRow:
    record: VenueItemRecord
    item_id: int


def page_venue_items(session: Session, f: ItemFilter, *, offset: int, limit: int | None) -> list[VenueItemRow]:
    """One page of venue items in key order (venue id, item id); ``limit`` None: all of them."""
    stmt = _venue_item_query(f).order_by(VenueItem.venue_id, VenueItem.item_id).offset(offset).limit(limit)
    return [_venue_item_row(v, i, w, c, lv) for v, i, w, c, lv in session.execute(stmt)]


def get_venue_item(session: Session, venue_id: str, item_id: int) -> VenueItemRow | None:
    stmt = _venue_item_query(ItemFilter(item_id=item_id, venue_id=venue_id))
    row = session.execute(stmt).one_or_none()
    if row is None:
        return None
    venue, item, window, code, level = row
    return _venue_item_row(venue, item, window, code, level)


def _venue_item_row(venue_id: str, item_id: int, window: str | None, code: str, level: str) -> VenueItemRow:
    record = VenueItemRecord(venue_id=venue_id, item_code=code, level=level, window_number=window)
    return VenueItemRow(record, item_id)


# --- the keys behind the HSDS ids (``ids``) -------------------------------------------------------


def item_codes_by_id(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Item.id, Item.code)).all())


def item_categories(session: Session) -> list[str]:
    """The item categories in use, sorted."""
    return sorted(set(session.scalars(select(Item.category).distinct())))


def venue_item_pairs(session: Session) -> list[tuple[str, int]]:
    """``(venue id, item id)`` of every venue item."""
    return [(venue_id, item_id) for venue_id, item_id in session.execute(select(VenueItem.venue_id, VenueItem.item_id))]


def department_codes(session: Session) -> list[str]:
    return list(session.scalars(select(Department.code)))


def venue_ids(session: Session) -> list[str]:
    return list(session.scalars(select(Venue.id)))
