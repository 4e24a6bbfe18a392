"""Queries of the public read API (/api/v1 venues, items, guides, bundles, divisions, departments).

Lists are filtered in SQL and cut into pages by ``fetch_page`` (offset, or keyset after a cursor's key);
everything a page shows is loaded with a fixed number of queries (``selectinload`` and ``IN`` lookups),
whatever the page size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, defer, load_only, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from cityservices.db import Base
from cityservices.kit.pagination import PageRequest, PageSlice, cut
from cityservices.service_map.catalogue.models import (
    Bundle,
    BundleItem,
    Department,
    Division,
    Guide,
    Item,
    ItemImplementation,
    OpeningException,
    OpeningInterval,
    Venue,
    VenueItem,
    venue_departments,
)
from cityservices.service_map.where.hours import Interval

M = TypeVar("M")
# applicant filter → stored applicant_type values: an item for "个人;企业" serves both.
APPLICANT_MATCHES: dict[str, tuple[str, ...]] = {
    "个人": ("个人", "个人;企业"),
    "企业": ("企业", "个人;企业"),
    "个人;企业": ("个人;企业",),
}


@dataclass(frozen=True)
class VenueFilter:
    """Venue filters; ``district`` is a known division code (checked by the caller)."""

    level: str | None = None
    district: str | None = None
    department: str | None = None
    item: str | None = None
    q: str | None = None


@dataclass(frozen=True)
class ItemFilter:
    department: str | None = None
    item_type: str | None = None
    applicant: str | None = None
    level: str | None = None
    district: str | None = None
    venue: str | None = None
    category: str | None = None
    core: bool | None = None
    q: str | None = None


# --- building blocks ------------------------------------------------------------------------------


def contains_pattern(text: str) -> str:
    """A LIKE pattern (escape ``\\``) matching ``text`` anywhere, its ``%`` and ``_`` taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def division_subtree(code: str) -> Select[tuple[str]]:
    """The codes of a division and of every division below it (a recursive query on ``parent_code``)."""
    tree = select(Division.code).where(Division.code == code).cte("subtree", recursive=True)
    tree = tree.union(select(Division.code).where(Division.parent_code == tree.c.code))
    return select(tree.c.code)


def fetch_page(
    session: Session,
    stmt: Select[M],
    key: InstrumentedAttribute[str],
    request: PageRequest,
    *options: ORMOption,
) -> PageSlice[M]:
    """One page of ``stmt`` ordered by the unique ``key``: the total, and the page from the offset or after
    the cursor's key (its offset counted), fetched with one row more to know whether another page follows."""
    total = _count(session, stmt)
    offset = request.offset
    if request.after is not None:
        after = str(request.after[0])
        offset = _count(session, stmt.where(key <= after))
        stmt = stmt.where(key > after)
    else:
        stmt = stmt.offset(offset)
    rows = session.scalars(stmt.options(*options).order_by(key).limit(request.limit + 1)).all()
    page, next_key = cut(rows, request.limit, lambda row: (getattr(row, key.key),))
    return PageSlice(rows=page, total=total, offset=offset, next_key=next_key)


def _count(session: Session, stmt: Select[Any]) -> int:
    counting = stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    return int(session.scalar(counting) or 0)


# --- divisions and departments --------------------------------------------------------------------


def get_division(session: Session, code: str, *, boundary: bool = False) -> Division | None:
    options = [] if boundary else [defer(Division.boundary, raiseload=True)]
    return session.scalars(select(Division).where(Division.code == code).options(*options)).one_or_none()


def division_rows(session: Session, codes: Iterable[str | None]) -> dict[str, tuple[str, str]]:
    """``code → (name, level)`` of the given divisions (boundaries are not read)."""
    wanted = sorted({c for c in codes if c})
    stmt = select(Division.code, Division.name, Division.level).where(Division.code.in_(wanted))
    return {code: (name, level) for code, name, level in session.execute(stmt).all()}


def page_divisions(
    session: Session, *, level: str | None, parent: str | None, request: PageRequest
) -> PageSlice[Division]:
    stmt = select(Division)
    if level:
        stmt = stmt.where(Division.level == level)
    if parent:
        stmt = stmt.where(Division.parent_code == parent)
    return fetch_page(session, stmt, Division.code, request, defer(Division.boundary, raiseload=True))


def child_divisions(session: Session, code: str) -> Sequence[Division]:
    stmt = select(Division).where(Division.parent_code == code).options(defer(Division.boundary, raiseload=True))
    return session.scalars(stmt.order_by(Division.code)).all()


def count_venues_within(session: Session, code: str) -> int:
    stmt = select(func.count()).select_from(Venue).where(Venue.division_code.in_(division_subtree(code)))
    return int(session.scalar(stmt) or 0)


def page_departments(
    session: Session, *, category: str | None, district: str | None, request: PageRequest
) -> PageSlice[Department]:
    stmt = select(Department)
    if category:
        stmt = stmt.where(Department.category == category)
    if district:
        stmt = stmt.where(Department.division_code.in_(division_subtree(district)))
    return fetch_page(session, stmt, Department.code, request)


def departments_by_code(session: Session, codes: Iterable[str | None]) -> dict[str, Department]:
    wanted = sorted({c for c in codes if c})
    return {d.code: d for d in session.scalars(select(Department).where(Department.code.in_(wanted))).all()}


# --- venues ---------------------------------------------------------------------------------------


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


def get_venue_detail(session: Session, venue_id: str) -> Venue | None:
    options = (selectinload(Venue.intervals), selectinload(Venue.exceptions), selectinload(Venue.departments))
    return session.scalars(select(Venue).where(Venue.id == venue_id).options(*options)).one_or_none()


def venue_exists(session: Session, venue_id: str) -> bool:
    return session.scalar(select(Venue.id).where(Venue.id == venue_id)) is not None


def count_items_at(session: Session, venue_id: str) -> int:
    stmt = select(func.count()).select_from(VenueItem).where(VenueItem.venue_id == venue_id)
    return int(session.scalar(stmt) or 0)


# --- items ----------------------------------------------------------------------------------------


def item_conditions(session: Session, f: ItemFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.department:
        implementing = select(ItemImplementation.item_id).where(ItemImplementation.department_code == f.department)
        where.append(or_(Item.department_code == f.department, Item.id.in_(implementing)))
    if f.item_type:
        where.append(Item.item_type == f.item_type)
    if f.applicant:
        where.append(Item.applicant_type.in_(APPLICANT_MATCHES.get(f.applicant, (f.applicant,))))
    if f.level:
        where.append(Item.id.in_(select(ItemImplementation.item_id).where(ItemImplementation.level == f.level)))
    if f.district:
        handled = select(VenueItem.item_id).join(Venue, Venue.id == VenueItem.venue_id)
        where.append(Item.id.in_(handled.where(Venue.division_code.in_(division_subtree(f.district)))))
    if f.venue:
        where.append(Item.id.in_(select(VenueItem.item_id).where(VenueItem.venue_id == f.venue)))
    if f.category:
        where.append(Item.category == f.category)
    if f.core is not None:
        where.append(Item.is_core.is_(f.core))
    if f.q:
        where.append(
            or_(Item.name.ilike(contains_pattern(f.q), escape="\\"), Item.id.in_(_alias_matches(session, f.q)))
        )
    return where


def _alias_matches(session: Session, text: str) -> list[int]:
    """Ids of items with an alias containing ``text`` (aliases are a JSON list: matched here, not in SQL)."""
    needle = text.casefold()
    rows = session.execute(select(Item.id, Item.aliases)).all()
    return [item_id for item_id, aliases in rows if any(needle in str(a).casefold() for a in aliases or [])]


def page_items(session: Session, where: Sequence[ColumnElement[bool]], request: PageRequest) -> PageSlice[Item]:
    return fetch_page(session, select(Item).where(*where), Item.code, request, selectinload(Item.implementations))


def get_item(session: Session, code: str) -> Item | None:
    stmt = select(Item).where(Item.code == code).options(selectinload(Item.implementations))
    return session.scalars(stmt).one_or_none()


def item_id_of(session: Session, code: str) -> int | None:
    return session.scalar(select(Item.id).where(Item.code == code))


def window_numbers(session: Session, venue_id: str, item_ids: Iterable[int]) -> dict[int, str | None]:
    stmt = select(VenueItem.item_id, VenueItem.window_number).where(
        VenueItem.venue_id == venue_id, VenueItem.item_id.in_(list(item_ids))
    )
    return {int(item_id): window for item_id, window in session.execute(stmt).all()}


def venue_counts_by_implementation(session: Session, item_id: int) -> dict[int, int]:
    stmt = (
        select(VenueItem.implementation_id, func.count())
        .where(VenueItem.item_id == item_id)
        .group_by(VenueItem.implementation_id)
    )
    return {impl_id: int(n) for impl_id, n in session.execute(stmt).all()}


def current_guides(session: Session, item_ids: Iterable[int]) -> dict[int, Guide]:
    """The current guide of each item (the highest current version, should several be marked current)."""
    stmt = select(Guide).where(Guide.item_id.in_(list(item_ids)), Guide.is_current.is_(True)).order_by(Guide.version)
    return {g.item_id: g for g in session.scalars(stmt).all()}


def get_guide(session: Session, item_id: int, version: int) -> Guide | None:
    return session.scalars(select(Guide).where(Guide.item_id == item_id, Guide.version == version)).one_or_none()


def guide_versions(session: Session, item_id: int) -> list[int]:
    return list(session.scalars(select(Guide.version).where(Guide.item_id == item_id).order_by(Guide.version)))


def bundles_of_item(session: Session, item_id: int) -> list[tuple[Bundle, int]]:
    """The bundles an item is in, with its position there."""
    stmt = (
        select(Bundle, BundleItem.position)
        .join(BundleItem, BundleItem.bundle_id == Bundle.id)
        .where(BundleItem.item_id == item_id)
        .order_by(Bundle.code, BundleItem.position)
    )
    return [(bundle, int(position)) for bundle, position in session.execute(stmt).all()]


def items_by_id(session: Session, ids: Iterable[int]) -> dict[int, Item]:
    stmt = select(Item).where(Item.id.in_(list(ids))).options(selectinload(Item.implementations))
    return {i.id: i for i in session.scalars(stmt).all()}


# --- bundles --------------------------------------------------------------------------------------


def page_bundles(session: Session, request: PageRequest) -> PageSlice[Bundle]:
    return fetch_page(session, select(Bundle), Bundle.code, request)


def count_bundle_items(session: Session, bundle_ids: Iterable[int]) -> dict[int, int]:
    stmt = (
        select(BundleItem.bundle_id, func.count())
        .where(BundleItem.bundle_id.in_(list(bundle_ids)))
        .group_by(BundleItem.bundle_id)
    )
    return {bundle_id: int(n) for bundle_id, n in session.execute(stmt).all()}


def get_bundle(session: Session, code: str) -> Bundle | None:
    stmt = select(Bundle).where(Bundle.code == code).options(selectinload(Bundle.items))
    return session.scalars(stmt).one_or_none()


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


def district_names(session: Session) -> dict[str, str]:
    """Every district (区/市) code → name: the values of the ``district`` staff scope."""
    rows = session.execute(
        select(Division.code, Division.name).where(Division.level == "district").order_by(Division.code)
    )
    return {str(code): str(name) for code, name in rows}


def department_names_all(session: Session) -> dict[str, str]:
    """Every department code → name: the values of the ``department`` staff scope."""
    rows = session.execute(select(Department.code, Department.name).order_by(Department.code))
    return {str(code): str(name) for code, name in rows}
