"""Nearby places around a venue: parking, petrol, food and the other POI categories, sorted by distance."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from sqlalchemy.orm import Session

from cityservices.errors import NotFound
from cityservices.kit.geo import EARTH_RADIUS_M, haversine_m
from cityservices.service_map.catalogue.models import Poi, Venue
from cityservices.service_map.where import repository as repo

PoiCategory = Literal["parking", "petrol", "food", "ev_charging", "atm", "pharmacy", "toilet", "metro", "bus"]
POI_CATEGORIES: tuple[str, ...] = get_args(PoiCategory)
MAX_RADIUS_M = 5000.0


@dataclass(frozen=True)
class NearbyPlace:
    poi: Poi
    distance_m: float


def find_nearby_places(
    session: Session,
    *,
    venue_id: str,
    radius_m: float = 1000.0,
    categories: Sequence[str] | None = None,
    limit: int = 20,
) -> tuple[Venue, list[NearbyPlace]]:
    """POIs within ``radius_m`` of the venue (great-circle), nearest first; NotFound for an unknown venue."""
    venue = repo.get_venue(session, venue_id)
    if venue is None:
        raise NotFound(f"未知的场所: {venue_id}")
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlng = dlat / max(math.cos(math.radians(venue.lat)), 1e-6)
    rows = repo.list_pois_in_box(
        session,
        min_lat=venue.lat - dlat,
        max_lat=venue.lat + dlat,
        min_lng=venue.lng - dlng,
        max_lng=venue.lng + dlng,
        categories=categories,
    )
    places = [NearbyPlace(p, haversine_m(venue.lat, venue.lng, p.lat, p.lng)) for p in rows]
    places = sorted((p for p in places if p.distance_m <= radius_m), key=lambda p: (p.distance_m, p.poi.id))
    return venue, places[:limit]
