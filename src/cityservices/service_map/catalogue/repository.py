"""Queries about items, guides, bundles, divisions and departments, for the API and the pages alike.

One query per question, so a page and the API never disagree: ``current_guides`` decides which guide version is
current for both. Venue queries are in ``service_map.venues.repository``.

Lists are filtered in SQL and cut into pages by ``fetch_page`` (offset, or keyset after a cursor's key);
everything a page shows is loaded with a fixed number of queries (``selectinload`` and ``IN`` lookups),
whatever the page size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, defer, selectinload
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
    Venue,
    VenueItem,
)

M = TypeVar("M")
# applicant filter → stored applicant_type values: an item for "个人;企业" serves both.
APPLICANT_MATCHES: dict[str, tuple[str, ...]] = {
    "个人": ("个人", "个人;企业"),
    "企业": ("企业", "个人;企业"),
    "个人;企业": ("个人;企业",),
}


class DivisionRow(NamedTuple):
    """A division without its (large) boundary."""

    code: str
    name: str
    level: str
    parent_code: str | None


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


def division_rows(session: Session, codes: Iterable[str | None]) -> dict[str, DivisionRow]:
    """The given divisions by code (boundaries are not read)."""
    wanted = sorted({c for c in codes if c})
    stmt = select(Division.code, Division.name, Division.level, Division.parent_code).where(Division.code.in_(wanted))
    return {row.code: DivisionRow(*row) for row in session.execute(stmt).all()}


def list_districts(session: Session) -> list[DivisionRow]:
    """Every district (区/市), by code."""
    stmt = (
        select(Division.code, Division.name, Division.level, Division.parent_code)
        .where(Division.level == "district")
        .order_by(Division.code)
    )
    return [DivisionRow(*row) for row in session.execute(stmt).all()]


def district_names(session: Session) -> dict[str, str]:
    """Every district (区/市) code → name: the values of the ``district`` staff scope."""
    return {d.code: d.name for d in list_districts(session)}


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


def department_names(session: Session, codes: Iterable[str | None] | None = None) -> dict[str, str]:
    """Department code → name of the given departments, or of every department (by code) when ``codes`` is None."""
    stmt = select(Department.code, Department.name).order_by(Department.code)
    if codes is not None:
        wanted = sorted({c for c in codes if c})
        if not wanted:
            return {}
        stmt = stmt.where(Department.code.in_(wanted))
    return {str(code): str(name) for code, name in session.execute(stmt).all()}


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


def venue_counts_by_implementation(session: Session, item_id: int) -> dict[int, int]:
    stmt = (
        select(VenueItem.implementation_id, func.count())
        .where(VenueItem.item_id == item_id)
        .group_by(VenueItem.implementation_id)
    )
    return {impl_id: int(n) for impl_id, n in session.execute(stmt).all()}


def current_guides(session: Session, item_ids: Iterable[int] | None) -> dict[int, Guide]:
    """The current guide of each item (of every item when ``item_ids`` is None): of its versions marked
    ``is_current``, the highest (should several be marked current); an item with no version marked current
    has none. The one rule of pages, API and search alike."""
    stmt = select(Guide).where(Guide.is_current.is_(True)).order_by(Guide.version)
    if item_ids is not None:
        stmt = stmt.where(Guide.item_id.in_(list(item_ids)))
    return {g.item_id: g for g in session.scalars(stmt).all()}  # a later (higher) version overwrites


def current_guide(session: Session, item_id: int) -> Guide | None:
    """The current guide of one item (``current_guides``' rule)."""
    return current_guides(session, [item_id]).get(item_id)


def guide_demo_fields(session: Session, item_codes: Iterable[str]) -> dict[str, list[str]]:
    """The ``demo_fields`` of the current guide of each item, by item code (``current_guides``' rule)."""
    stmt = (
        select(Item.code, Guide.demo_fields)
        .join(Guide, Guide.item_id == Item.id)
        .where(Item.code.in_(list(item_codes)), Guide.is_current.is_(True))
        .order_by(Guide.version)
    )
    return {str(code): list(fields or []) for code, fields in session.execute(stmt).all()}


def get_guide(session: Session, item_id: int, version: int) -> Guide | None:
    return session.scalars(select(Guide).where(Guide.item_id == item_id, Guide.version == version)).one_or_none()


def guide_versions(session: Session, item_id: int) -> list[int]:
    return list(session.scalars(select(Guide.version).where(Guide.item_id == item_id).order_by(Guide.version)))


def guide_versions_by_item(session: Session) -> dict[int, list[int]]:
    """Every item's guide versions in order (``guide_versions`` for all items at once)."""
    versions: dict[int, list[int]] = {}
    for item_id, version in session.execute(select(Guide.item_id, Guide.version).order_by(Guide.version)):
        versions.setdefault(item_id, []).append(version)
    return versions


def item_codes_and_names(session: Session) -> dict[int, tuple[str, str]]:
    """Every item's code and name, by id."""
    return {item_id: (code, name) for item_id, code, name in session.execute(select(Item.id, Item.code, Item.name))}


def bundle_codes(session: Session) -> list[str]:
    return list(session.scalars(select(Bundle.code).order_by(Bundle.code)))


def bundles_of_item(session: Session, item_id: int) -> list[tuple[Bundle, int]]:
    """The bundles an item is in, with its position there."""
    stmt = (
        select(Bundle, BundleItem.position)
        .join(BundleItem, BundleItem.bundle_id == Bundle.id)
        .where(BundleItem.item_id == item_id)
        .order_by(Bundle.code, BundleItem.position)
    )
    return [(bundle, int(position)) for bundle, position in session.execute(stmt).all()]


def venues_handling_item(session: Session, item_id: int, *, district: str = "", limit: int = 5) -> list[Venue]:
    """Open venues that handle an item, with their weekly hours: those in ``district`` first, then by name."""
    in_district = Venue.division_code.in_(division_subtree(district)) if district else None
    order = [in_district.desc()] if in_district is not None else []
    stmt = (
        select(Venue)
        .join(VenueItem, VenueItem.venue_id == Venue.id)
        .where(VenueItem.item_id == item_id, Venue.status == "open")
        .options(selectinload(Venue.intervals))
        .order_by(*order, Venue.name, Venue.id)
        .limit(limit)
    )
    return list(session.scalars(stmt).unique())


def venues_in_order(session: Session, ids: Sequence[str]) -> list[Venue]:
    """The venues of ``ids`` with their weekly hours, in the order given (unknown ids left out)."""
    stmt = select(Venue).where(Venue.id.in_(list(ids))).options(selectinload(Venue.intervals))
    found = {v.id: v for v in session.scalars(stmt).unique()}
    return [found[i] for i in ids if i in found]


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


def list_bundles(session: Session) -> list[tuple[Bundle, int]]:
    """Every bundle by code, with its number of items."""
    counts = select(BundleItem.bundle_id, func.count().label("n")).group_by(BundleItem.bundle_id).subquery("counts")
    stmt = select(Bundle, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.bundle_id == Bundle.id)
    return [(b, int(n)) for b, n in session.execute(stmt.order_by(Bundle.code)).all()]


def get_bundle(session: Session, code: str) -> Bundle | None:
    stmt = select(Bundle).where(Bundle.code == code).options(selectinload(Bundle.items))
    return session.scalars(stmt).one_or_none()


# --- counts ---------------------------------------------------------------------------------------


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


def count_venue_items_by_level(session: Session) -> dict[str, int]:
    stmt = select(Venue.level, func.count()).join(VenueItem, VenueItem.venue_id == Venue.id).group_by(Venue.level)
    return {str(level): int(n) for level, n in session.execute(stmt).all()}


def home_counts(session: Session) -> dict[str, Any]:
    """The few figures the home page shows (cheap counts, not the full statistics)."""
    return {
        "venues_by_level": count_by(session, Venue.level),
        "items": count_rows(session, Item),
        "venue_items": count_rows(session, VenueItem),
        "guides": count_current_guides(session),
    }
