"""Every query of the editing sub-domain: one record's rows and their writes, the stored keys an edit refers to,
record versions, and the staff record lists (scoped)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.service_map.catalogue.models import (
    Bundle,
    BundleItem,
    Department,
    Division,
    Guide,
    Item,
    OpeningException,
    OpeningInterval,
    Venue,
    venue_departments,
)
from cityservices.service_map.editing.models import RecordVersion
from cityservices.service_map.interchange.references import KnownKeys
from cityservices.service_map.scopes.repository import record_filter

# ----- reading ------------------------------------------------------------------------------------------


def get_venue(session: Session, venue_id: str) -> Venue | None:
    return session.get(Venue, venue_id)


def venue_photo_urls(session: Session, venue_id: str) -> set[str]:
    """The media URLs (photos and thumbnails) the venue shows now."""
    photos = session.scalar(select(Venue.photos).where(Venue.id == venue_id)) or []
    return {url for photo in photos for url in (photo.get("url"), photo.get("thumbnail_url")) if isinstance(url, str)}


def venue_intervals(session: Session, venue_id: str) -> list[OpeningInterval]:
    query = select(OpeningInterval).where(OpeningInterval.venue_id == venue_id)
    return list(session.scalars(query.order_by(OpeningInterval.weekday, OpeningInterval.opens)))


def venue_exceptions(session: Session, venue_id: str) -> list[OpeningException]:
    query = select(OpeningException).where(OpeningException.venue_id == venue_id)
    return list(session.scalars(query.order_by(OpeningException.on_date)))


def venue_department_codes(session: Session, venue_id: str) -> list[str]:
    query = select(venue_departments.c.department_code).where(venue_departments.c.venue_id == venue_id)
    return sorted(session.scalars(query))


def get_item(session: Session, code: str) -> Item | None:
    return session.scalar(select(Item).where(Item.code == code))


def item_id(session: Session, code: str) -> int | None:
    return session.scalar(select(Item.id).where(Item.code == code))


def item_ids(session: Session, codes: Collection[str]) -> dict[str, int]:
    return dict(session.execute(select(Item.code, Item.id).where(Item.code.in_(codes))).tuples().all())


def current_guide(session: Session, item_code: str) -> Guide | None:
    query = select(Guide).join(Item, Item.id == Guide.item_id).where(Item.code == item_code, Guide.is_current.is_(True))
    return session.scalar(query)


def get_bundle(session: Session, code: str) -> Bundle | None:
    return session.scalar(select(Bundle).where(Bundle.code == code))


def bundle_members(session: Session, bundle_id: int) -> list[dict[str, Any]]:
    """A bundle's steps in order: position, item code, note and the plan fields (kind, choice group, condition,
    what the step produces)."""
    query = (
        select(
            BundleItem.position,
            Item.code.label("item_code"),
            BundleItem.note,
            BundleItem.kind,
            BundleItem.choice_group,
            BundleItem.condition,
            BundleItem.produces,
        )
        .join(Item, Item.id == BundleItem.item_id)
        .where(BundleItem.bundle_id == bundle_id)
        .order_by(BundleItem.position)
    )
    return [dict(row) for row in session.execute(query).mappings()]


def item_named(session: Session, name: str, *, other_than: str) -> str | None:
    """The code of another item called ``name``."""
    return session.scalar(select(Item.code).where(Item.name == name, Item.code != other_than))


def bundle_named(session: Session, name: str, *, other_than: str) -> str | None:
    """The code of another bundle called ``name``."""
    return session.scalar(select(Bundle.code).where(Bundle.name == name, Bundle.code != other_than))


def guide_version_taken(session: Session, item_id: int, version: int, *, other_than: int | None) -> bool:
    """Whether a guide of the item other than ``other_than`` already has ``version``."""
    query = select(Guide.id).where(Guide.item_id == item_id, Guide.version == version)
    if other_than is not None:
        query = query.where(Guide.id != other_than)
    return session.scalar(query) is not None


def existing_keys(
    session: Session,
    *,
    divisions: Collection[str] = (),
    departments: Collection[str] = (),
    items: Collection[str] = (),
    venues: Collection[str] = (),
) -> KnownKeys:
    """Which of the given keys are stored (venues with their level); one ``IN`` query per non-empty kind."""
    known = KnownKeys()
    if divisions:
        known.divisions = set(session.scalars(select(Division.code).where(Division.code.in_(divisions))))
    if departments:
        known.departments = set(session.scalars(select(Department.code).where(Department.code.in_(departments))))
    if items:
        known.items = set(session.scalars(select(Item.code).where(Item.code.in_(items))))
    if venues:
        known.venue_levels = dict(
            session.execute(select(Venue.id, Venue.level).where(Venue.id.in_(venues))).tuples().all()
        )
    return known


# ----- writing ------------------------------------------------------------------------------------------


def insert_item(session: Session, values: dict[str, Any]) -> None:
    session.execute(insert(Item).values(**values))


def update_item(session: Session, code: str, values: dict[str, Any]) -> None:
    session.execute(update(Item).where(Item.code == code).values(**values))


def insert_guide(session: Session, item_id: int, values: dict[str, Any]) -> None:
    session.execute(insert(Guide).values(item_id=item_id, **values))


def update_guide(session: Session, guide_id: int, values: dict[str, Any]) -> None:
    session.execute(update(Guide).where(Guide.id == guide_id).values(**values))


def insert_bundle(session: Session, values: dict[str, Any]) -> int | None:
    return session.scalar(insert(Bundle).values(**values).returning(Bundle.id))


def update_bundle(session: Session, code: str, values: dict[str, Any]) -> int | None:
    """Update the bundle ``code`` and drop its items (the caller writes them again); its id."""
    bundle_id = session.scalar(select(Bundle.id).where(Bundle.code == code))
    session.execute(update(Bundle).where(Bundle.id == bundle_id).values(**values))
    session.execute(delete(BundleItem).where(BundleItem.bundle_id == bundle_id))
    return bundle_id


def insert_bundle_items(session: Session, rows: list[dict[str, Any]]) -> None:
    session.execute(insert(BundleItem), rows)


# ----- versions and lists -------------------------------------------------------------------------------


def latest_version(session: Session, kind: str, key: str) -> int:
    query = select(func.max(RecordVersion.version)).where(
        RecordVersion.entity_kind == kind, RecordVersion.entity_key == key
    )
    return session.scalar(query) or 0


def list_versions(session: Session, kind: str, key: str) -> list[RecordVersion]:
    query = (
        select(RecordVersion)
        .where(RecordVersion.entity_kind == kind, RecordVersion.entity_key == key)
        .order_by(RecordVersion.version.desc())
    )
    return list(session.scalars(query))


def get_version(session: Session, kind: str, key: str, version: int) -> RecordVersion | None:
    query = select(RecordVersion).where(
        RecordVersion.entity_kind == kind, RecordVersion.entity_key == key, RecordVersion.version == version
    )
    return session.scalar(query)


def search_records(
    session: Session, kind: str, *, account: StaffAccount, q: str, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Rows of the staff record lists inside the account's scopes: key, name and a short description,
    filtered by name or key."""
    if kind == "venue":
        query: Any = select(Venue.id, Venue.name, Venue.division_code).order_by(Venue.id)
        columns = (Venue.id, Venue.name)
    elif kind == "bundle":
        query = select(Bundle.code, Bundle.name, Bundle.life_event).order_by(Bundle.code)
        columns = (Bundle.code, Bundle.name)
    else:
        query = select(Item.code, Item.name, Item.department_code).order_by(Item.code)
        if kind == "guide":
            query = query.join(Guide, (Guide.item_id == Item.id) & Guide.is_current.is_(True))
        columns = (Item.code, Item.name)
    query = query.where(record_filter(account, kind))
    if q:
        query = query.where(columns[0].contains(q, autoescape=True) | columns[1].contains(q, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = [
        {"key": k, "name": n, "note": note or ""} for k, n, note in session.execute(query.limit(limit).offset(offset))
    ]
    return rows, total
