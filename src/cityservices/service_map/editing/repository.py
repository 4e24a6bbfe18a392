"""Every query of the editing sub-domain: record versions and the staff record lists (scoped)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.service_map.catalogue.models import Bundle, Guide, Item, Venue
from cityservices.service_map.editing.models import RecordVersion
from cityservices.service_map.scopes import record_filter


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
