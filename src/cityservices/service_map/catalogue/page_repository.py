"""The queries behind the citizen pages: an item and its guide, a venue and what it handles, bundles, browsing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from cityservices.service_map.catalogue import repository as core_repo
from cityservices.service_map.catalogue.models import (
    Bundle,
    BundleItem,
    Department,
    Division,
    Guide,
    Item,
    Poi,
    Venue,
    VenueItem,
)


class NamedPoint(NamedTuple):
    name: str
    address: str
    lat: float
    lng: float


class DivisionRow(NamedTuple):
    code: str
    name: str
    level: str
    parent_code: str | None


class VenueItemRow(NamedTuple):
    code: str
    name: str
    category: str
    is_core: bool
    window_number: str | None


def list_venue_points(session: Session) -> list[NamedPoint]:
    rows = session.execute(select(Venue.name, Venue.address, Venue.lat, Venue.lng).order_by(Venue.id)).all()
    return [NamedPoint(*r) for r in rows]


def list_poi_points(session: Session) -> list[NamedPoint]:
    rows = session.execute(select(Poi.name, Poi.address, Poi.lat, Poi.lng).order_by(Poi.id)).all()
    return [NamedPoint(*r) for r in rows]


def get_item(session: Session, code: str) -> Item | None:
    stmt = select(Item).where(Item.code == code).options(selectinload(Item.implementations))
    return session.scalars(stmt).one_or_none()


def get_current_guide(session: Session, item_id: int) -> Guide | None:
    stmt = select(Guide).where(Guide.item_id == item_id, Guide.is_current.is_(True)).order_by(Guide.version.desc())
    return session.scalars(stmt.limit(1)).first()


def current_guides(session: Session, item_ids: Iterable[int]) -> dict[int, Guide]:
    stmt = select(Guide).where(Guide.item_id.in_(list(item_ids)), Guide.is_current.is_(True))
    return {g.item_id: g for g in session.scalars(stmt).all()}


def guide_demo_fields(session: Session, item_codes: Iterable[str]) -> dict[str, list[str]]:
    """The ``demo_fields`` of the current guide of each item (by item code)."""
    stmt = (
        select(Item.code, Guide.demo_fields)
        .join(Guide, Guide.item_id == Item.id)
        .where(Item.code.in_(list(item_codes)), Guide.is_current.is_(True))
    )
    return {str(code): list(fields or []) for code, fields in session.execute(stmt).all()}


def department_names(session: Session, codes: Iterable[str | None]) -> dict[str, str]:
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    rows = session.execute(select(Department.code, Department.name).where(Department.code.in_(wanted))).all()
    return {str(code): str(name) for code, name in rows}


def divisions(session: Session, codes: Iterable[str | None]) -> dict[str, DivisionRow]:
    """Divisions by code, without their (large) boundaries."""
    wanted = sorted({c for c in codes if c})
    stmt = select(Division.code, Division.name, Division.level, Division.parent_code).where(Division.code.in_(wanted))
    return {r.code: DivisionRow(*r) for r in session.execute(stmt).all()}


def list_districts(session: Session) -> list[DivisionRow]:
    stmt = (
        select(Division.code, Division.name, Division.level, Division.parent_code)
        .where(Division.level == "district")
        .order_by(Division.code)
    )
    return [DivisionRow(*r) for r in session.execute(stmt).all()]


def bundles_of_item(session: Session, item_id: int) -> Sequence[Bundle]:
    stmt = select(Bundle).join(BundleItem, BundleItem.bundle_id == Bundle.id).where(BundleItem.item_id == item_id)
    return session.scalars(stmt.order_by(Bundle.code)).all()


def list_bundles(session: Session) -> list[tuple[Bundle, int]]:
    counts = select(BundleItem.bundle_id, func.count().label("n")).group_by(BundleItem.bundle_id).subquery("counts")
    stmt = select(Bundle, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.bundle_id == Bundle.id)
    return [(b, int(n)) for b, n in session.execute(stmt.order_by(Bundle.code)).all()]


def get_bundle(session: Session, code: str) -> Bundle | None:
    stmt = select(Bundle).where(Bundle.code == code).options(selectinload(Bundle.items))
    return session.scalars(stmt).one_or_none()


def items_by_id(session: Session, ids: Iterable[int]) -> dict[int, Item]:
    return {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(list(ids)))).all()}


def get_venue_detail(session: Session, venue_id: str) -> Venue | None:
    stmt = (
        select(Venue)
        .where(Venue.id == venue_id)
        .options(selectinload(Venue.departments), selectinload(Venue.intervals), selectinload(Venue.exceptions))
    )
    return session.scalars(stmt).one_or_none()


def list_venue_items(
    session: Session, venue_id: str, *, text: str, limit: int, offset: int
) -> tuple[list[VenueItemRow], int]:
    """The items a venue handles, core items first, optionally those whose name or category contains ``text``."""
    where: list[Any] = [VenueItem.venue_id == venue_id]
    if text:
        pattern = f"%{_escape_like(text)}%"
        where.append(or_(Item.name.like(pattern, escape="\\"), Item.category.like(pattern, escape="\\")))
    base = select(Item.code, Item.name, Item.category, Item.is_core, VenueItem.window_number).join(
        VenueItem, VenueItem.item_id == Item.id
    )
    stmt = base.where(*where).order_by(Item.is_core.desc(), Item.code).limit(limit).offset(offset)
    total = session.scalar(select(func.count()).select_from(VenueItem).join(Item).where(*where))
    return [VenueItemRow(*r) for r in session.execute(stmt).all()], int(total or 0)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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


def count_items_per_venue(session: Session, venue_ids: Iterable[str]) -> dict[str, int]:
    stmt = (
        select(VenueItem.venue_id, func.count())
        .where(VenueItem.venue_id.in_(list(venue_ids)))
        .group_by(VenueItem.venue_id)
    )
    return {str(v): int(n) for v, n in session.execute(stmt).all()}


def home_counts(session: Session) -> dict[str, Any]:
    """The few figures the home page shows (cheap counts, not the full statistics)."""
    return {
        "venues_by_level": core_repo.count_by(session, Venue.level),
        "items": core_repo.count_rows(session, Item),
        "venue_items": core_repo.count_rows(session, VenueItem),
        "guides": core_repo.count_current_guides(session),
    }
