"""Queries behind "where to go": venues with hours for the in-memory index, one venue's hours, nearby POIs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from cityservices.service_map.catalogue.models import (
    Bundle,
    BundleItem,
    Division,
    Item,
    ItemImplementation,
    OpeningException,
    OpeningInterval,
    Poi,
    Venue,
    VenueItem,
)


class NamedPoint(NamedTuple):
    name: str
    address: str
    lat: float
    lng: float


def fetch_venue_rows(session: Session) -> Sequence[Any]:
    stmt = select(
        Venue.id,
        Venue.name,
        Venue.level,
        Venue.division_code,
        Venue.address,
        Venue.lat,
        Venue.lng,
        Venue.status,
        Venue.parking,
        Venue.accessibility,
        Venue.demo_fields,
    ).order_by(Venue.id)
    return session.execute(stmt).all()


def fetch_intervals(session: Session) -> Sequence[Any]:
    stmt = select(OpeningInterval.venue_id, OpeningInterval.weekday, OpeningInterval.opens, OpeningInterval.closes)
    return session.execute(stmt).all()


def fetch_exceptions(session: Session) -> Sequence[Any]:
    stmt = select(
        OpeningException.venue_id, OpeningException.on_date, OpeningException.intervals, OpeningException.note
    )
    return session.execute(stmt).all()


def fetch_venue_items(session: Session) -> Sequence[Any]:
    return session.execute(select(VenueItem.item_id, VenueItem.venue_id).order_by(VenueItem.item_id)).all()


def fetch_items(session: Session) -> Sequence[Any]:
    return session.execute(select(Item.id, Item.code, Item.name, Item.aliases)).all()


def fetch_item_levels(session: Session) -> Sequence[Any]:
    return session.execute(select(ItemImplementation.item_id, ItemImplementation.level)).all()


def fetch_bundles(session: Session) -> Sequence[Any]:
    stmt = (
        select(
            Bundle.code, Bundle.name, BundleItem.item_id, BundleItem.kind, BundleItem.choice_group, BundleItem.condition
        )
        .join(BundleItem, BundleItem.bundle_id == Bundle.id)
        .order_by(Bundle.code, BundleItem.position)
    )
    return session.execute(stmt).all()


def fetch_district_names(session: Session) -> Sequence[Any]:
    return session.execute(select(Division.code, Division.name).where(Division.level == "district")).all()


def get_venue_with_hours(session: Session, venue_id: str) -> Venue | None:
    stmt = (
        select(Venue).where(Venue.id == venue_id).options(selectinload(Venue.intervals), selectinload(Venue.exceptions))
    )
    return session.scalars(stmt).one_or_none()


def get_venue(session: Session, venue_id: str) -> Venue | None:
    return session.get(Venue, venue_id)


def list_pois_in_box(
    session: Session,
    *,
    min_lat: float,
    max_lat: float,
    min_lng: float,
    max_lng: float,
    categories: Sequence[str] | None,
) -> Sequence[Poi]:
    """POIs inside a bounding box (uses the (lat, lng) index), optionally of some categories."""
    stmt = select(Poi).where(Poi.lat.between(min_lat, max_lat), Poi.lng.between(min_lng, max_lng))
    if categories:
        stmt = stmt.where(Poi.category.in_(categories))
    return session.scalars(stmt).all()


def list_venue_points(session: Session) -> list[NamedPoint]:
    """Every venue's name, address and point, by id (to locate a place named like a venue)."""
    rows = session.execute(select(Venue.name, Venue.address, Venue.lat, Venue.lng).order_by(Venue.id)).all()
    return [NamedPoint(*r) for r in rows]


def list_sourced_poi_points(session: Session) -> list[NamedPoint]:
    """The name, address and point of every POI whose name and position are sourced, by id (to locate a place
    named like it); generated POIs (any demo field) are left out, so demo data is never a start point."""
    rows = session.execute(select(Poi.name, Poi.address, Poi.lat, Poi.lng, Poi.demo_fields).order_by(Poi.id)).all()
    generated = {"*", "name", "lat", "lng"}
    return [NamedPoint(name, address, lat, lng) for name, address, lat, lng, demo in rows if not generated & set(demo)]


def division_count_and_highest_code(session: Session) -> tuple[int, str]:
    """How many divisions there are and the highest code (the base map's fingerprint)."""
    count, top = session.execute(select(func.count(), func.max(Division.code))).one()
    return int(count or 0), str(top or "")


def list_divisions_with_boundaries(session: Session) -> Sequence[Division]:
    """Every division with its boundary, by code."""
    return session.scalars(select(Division).order_by(Division.code)).all()
