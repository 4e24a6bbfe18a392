"""Rules of the service map domain (no web framework here; never commits)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from cityservices.service_map import repository as repo
from cityservices.service_map.models import Bundle, Division, Guide, Item, Poi, Venue, VenueItem

# The 20 venue attributes (docs/data-format.md). Each maps to a test of "filled".
VENUE_ATTRIBUTES: tuple[str, ...] = (
    "name", "level", "division_code", "address", "postcode", "coordinates", "photos", "phones", "hours",
    "windows", "departments", "transport", "parking", "accessibility", "appointment_url", "kiosks",
    "status", "last_verified", "description", "website",
)  # fmt: skip


def venue_attribute_values(venue: Venue) -> dict[str, Any]:
    """The value of each of the 20 attributes; the venue's intervals and departments must be loaded."""
    values: dict[str, Any] = {name: getattr(venue, name, None) for name in VENUE_ATTRIBUTES}
    values["coordinates"] = (venue.lat, venue.lng, venue.source_crs) if venue.source_crs else None
    values["hours"] = venue.intervals
    values["departments"] = venue.departments
    return values


def missing_venue_attributes(venue: Venue) -> list[str]:
    """The attributes of ``venue`` that are empty."""
    return [name for name, value in venue_attribute_values(venue).items() if value in (None, "", [], {}, ())]


def collect_stats(session: Session) -> dict[str, Any]:
    """Counts of everything stored, and how complete the venues are."""
    venues = repo.list_venues_with_hours(session)
    incomplete = {v.id: missing for v in venues if (missing := missing_venue_attributes(v))}
    return {
        "divisions": repo.count_by(session, Division.level),
        "venues": {"total": len(venues), "by_level": repo.count_by(session, Venue.level)},
        "venues_with_all_attributes": len(venues) - len(incomplete),
        "venue_attributes": len(VENUE_ATTRIBUTES),
        "venues_missing_attributes": incomplete,
        "items": {"total": repo.count_rows(session, Item), "core": repo.count_core_items(session)},
        "items_without_guide": repo.count_items_without_guide(session),
        "venue_items": repo.count_rows(session, VenueItem),
        "venue_items_by_level": repo.count_venue_items_by_level(session),
        "guides": {"total": repo.count_rows(session, Guide), "current": repo.count_current_guides(session)},
        "bundles": repo.count_rows(session, Bundle),
        "pois": {"total": repo.count_rows(session, Poi), "by_category": repo.count_by(session, Poi.category)},
    }
