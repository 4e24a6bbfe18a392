"""Queries of the dataset interchange: bulk writes of a validated dataset (``INSERT … RETURNING`` where ids are
needed), the keys already stored, the venue upsert, and reading every service-map row back in a stable order.

The rules (what is checked, which rows go where) are in ``store``, ``geojson`` and ``dump``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, selectinload

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
    Poi,
    Venue,
    VenueItem,
    venue_departments,
)
from cityservices.service_map.hsds.models import HsdsExtra

# Children before parents: the order rows are deleted in when a dataset is replaced.
DELETE_ORDER: tuple[Any, ...] = (
    HsdsExtra, VenueItem, BundleItem, Bundle, Guide, OpeningException, OpeningInterval, venue_departments,
    Venue, ItemImplementation, Item, Poi, Department, Division,
)  # fmt: skip

# What ``dump.venue_record`` reads besides the venue's columns: load these with the venues.
VENUE_LOADS = (selectinload(Venue.intervals), selectinload(Venue.exceptions), selectinload(Venue.departments))


# --- writing --------------------------------------------------------------------------------------


def delete_everything(session: Session) -> None:
    """Remove every service-map row (children first)."""
    for table in DELETE_ORDER:
        session.execute(delete(table))


def count_rows(session: Session) -> int:
    """How many service-map rows are stored (used to check that a failed import changed nothing)."""
    return sum(session.scalar(select(func.count()).select_from(t)) or 0 for t in DELETE_ORDER)


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """One bulk ``INSERT`` of ``rows`` (nothing when there are none)."""
    if rows:
        session.execute(insert(model), rows)


def insert_items(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert items in bulk; ``code → id`` of the new ones."""
    stmt = insert(Item).returning(Item.code, Item.id, sort_by_parameter_order=True)
    return dict(session.execute(stmt, rows).all())


def insert_implementations(session: Session, rows: list[dict[str, Any]]) -> Sequence[int]:
    """Insert implementations in bulk; their ids in the order of ``rows``."""
    stmt = insert(ItemImplementation).returning(ItemImplementation.id, sort_by_parameter_order=True)
    return session.scalars(stmt, rows).all()


def insert_bundles(session: Session, rows: list[dict[str, Any]]) -> Sequence[int]:
    """Insert bundles in bulk; their ids in the order of ``rows``."""
    stmt = insert(Bundle).returning(Bundle.id, sort_by_parameter_order=True)
    return session.scalars(stmt, rows).all()


def delete_venue_children(session: Session, venue_ids: list[str]) -> None:
    """Remove the weekly intervals, dated exceptions and departments of the venues ``venue_ids``."""
    for table, column in (
        (OpeningInterval, OpeningInterval.venue_id),
        (OpeningException, OpeningException.venue_id),
        (venue_departments, venue_departments.c.venue_id),
    ):
        session.execute(delete(table).where(column.in_(venue_ids)))


def update_venues(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk ``UPDATE`` of venues by primary key (each row holds ``id``)."""
    session.execute(update(Venue), rows)


# --- keys already stored --------------------------------------------------------------------------


def division_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Division.code)))


def department_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Department.code)))


def item_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Item.code)))


def item_ids_by_code(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Item.code, Item.id)).all())


def implementation_ids(session: Session) -> dict[tuple[str, str], int]:
    """``(item code, level) → implementation id`` of every stored implementation."""
    stmt = select(Item.code, ItemImplementation.level, ItemImplementation.id).join(
        Item, Item.id == ItemImplementation.item_id
    )
    return {(code, level): impl_id for code, level, impl_id in session.execute(stmt)}


def venue_levels(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Venue.id, Venue.level)).all())


def venues_with_items(session: Session, venue_ids: Iterable[str]) -> set[str]:
    """Those of ``venue_ids`` that handle at least one item."""
    stmt = select(VenueItem.venue_id).where(VenueItem.venue_id.in_(list(venue_ids))).distinct()
    return set(session.scalars(stmt))


# --- reading everything back ----------------------------------------------------------------------


def list_divisions(session: Session) -> Sequence[Division]:
    return session.scalars(select(Division).order_by(Division.code)).all()


def list_departments(session: Session) -> Sequence[Department]:
    return session.scalars(select(Department).order_by(Department.code)).all()


def item_codes_by_id(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Item.id, Item.code)).all())


def list_items(session: Session) -> Sequence[Item]:
    return session.scalars(select(Item).order_by(Item.code)).all()


def list_implementations(session: Session) -> Sequence[ItemImplementation]:
    return session.scalars(select(ItemImplementation)).all()


def list_venues(session: Session) -> Sequence[Venue]:
    """Every venue by id with what a venue record needs (``VENUE_LOADS``)."""
    return session.scalars(select(Venue).options(*VENUE_LOADS).order_by(Venue.id)).all()


def list_venue_items(session: Session) -> Sequence[VenueItem]:
    return session.scalars(select(VenueItem)).all()


def list_guides(session: Session) -> Sequence[Guide]:
    return session.scalars(select(Guide)).all()


def list_bundle_items(session: Session) -> Sequence[BundleItem]:
    return session.scalars(select(BundleItem).order_by(BundleItem.bundle_id, BundleItem.position)).all()


def list_bundles(session: Session) -> Sequence[Bundle]:
    return session.scalars(select(Bundle).order_by(Bundle.code)).all()


def list_pois(session: Session) -> Sequence[Poi]:
    return session.scalars(select(Poi).order_by(Poi.id)).all()


def replace_hsds_extras(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows``, first removing stored extras with the same (kind, key): those of records since deleted."""
    for kind in {row["kind"] for row in rows}:
        keys = [row["key"] for row in rows if row["kind"] == kind]
        session.execute(delete(HsdsExtra).where(HsdsExtra.kind == kind, HsdsExtra.key.in_(keys)))
    insert_rows(session, HsdsExtra, rows)


def list_hsds_extras(session: Session) -> Sequence[HsdsExtra]:
    return session.scalars(select(HsdsExtra).order_by(HsdsExtra.kind, HsdsExtra.key)).all()
