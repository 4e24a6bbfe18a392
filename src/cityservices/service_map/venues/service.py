"""Use cases of the public venue API: filtered pages (open at a moment included), one venue, GeoJSON.

Rules only: no web framework, no commits. "Open at T" cannot be said in SQL (holidays, make-up working days,
dated exceptions, lunch breaks): the SQL filters narrow the venues, ``hours.is_open_at`` decides over all of
them with the loaded calendar, and only then is the page cut, so ``total`` counts exactly the open ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from cityservices.errors import NotFound, RequestInvalid
from cityservices.kit.calendar import WorkCalendar, to_china_time
from cityservices.kit.calendar.repository import load_calendar
from cityservices.kit.geo import Crs, from_wgs84
from cityservices.kit.pagination import PageRequest, PageSlice, slice_in_memory
from cityservices.service_map.catalogue import repository as repo
from cityservices.service_map.catalogue.models import Venue
from cityservices.service_map.catalogue.schemas import DepartmentRefRead, HoursExceptionRead, VenueRead
from cityservices.service_map.catalogue.service import missing_venue_attributes
from cityservices.service_map.interchange.dump import venue_record
from cityservices.service_map.interchange.geojson import venue_feature
from cityservices.service_map.venues import repository as venue_repo
from cityservices.service_map.venues.repository import VenueFilter
from cityservices.service_map.where.hours import WEEKDAY_KEYS, format_intervals, hours_of_venue, is_open_at, make_hours

FILTER_DIVISION_LEVELS = frozenset({"district", "street", "town", "other"})


def check_district(session: Session, code: str | None, *, field: str = "district") -> None:
    """``code`` must be a stored division of a district or below; RequestInvalid naming ``field`` otherwise."""
    if code is None:
        return
    division = repo.division_rows(session, [code]).get(code)
    if division is None:
        raise RequestInvalid(field, f"未知的区划代码 {code!r}，应为区(市)或街道(镇)代码，如 370202")
    if division.level not in FILTER_DIVISION_LEVELS:
        raise RequestInvalid(field, f"{code} 是{division.name}，请给出区(市)或街道(镇)代码")


def venue_page(
    session: Session, f: VenueFilter, request: PageRequest, *, open_at: dt.datetime | None = None
) -> PageSlice[Venue]:
    """A page of venues matching ``f`` (and open at ``open_at``), by id; only their summary columns loaded."""
    where = venue_repo.venue_conditions(f)
    if open_at is None:
        return venue_repo.page_venues(session, where, request)
    after = None if request.after is None else str(request.after[0])
    ids, first_after = _open_venue_ids(session, where, to_china_time(open_at), after=after)
    page = slice_in_memory(ids, request, lambda venue_id: (venue_id,), first_after=first_after)
    return PageSlice(venue_repo.venue_summaries_by_ids(session, page.rows), page.total, page.offset, page.next_key)


def item_venue_page(
    session: Session, code: str, f: VenueFilter, request: PageRequest, *, open_at: dt.datetime | None = None
) -> PageSlice[Venue]:
    """A page of the venues that handle the item ``code``; NotFound for an unknown item."""
    if repo.item_id_of(session, code) is None:
        raise NotFound(f"未知的事项: {code}")
    filters = VenueFilter(level=f.level, district=f.district, department=f.department, item=code, q=f.q)
    return venue_page(session, filters, request, open_at=open_at)


def _checked_calendar(session: Session, at: dt.datetime) -> WorkCalendar:
    """The loaded calendar; UnknownCalendarYear (409) when nobody has loaded the year of ``at``."""
    calendar = load_calendar(session)
    calendar.year_info(at.year)
    return calendar


def _open_venue_ids(
    session: Session, where: Sequence[ColumnElement[bool]], at: dt.datetime, *, after: str | None
) -> tuple[list[str], int | None]:
    """Ids of the matching venues open at ``at`` (by id), and the position of the first after ``after``."""
    calendar = _checked_calendar(session, at)
    weekly = venue_repo.weekly_intervals(session, where)
    exceptions = venue_repo.exceptions_on(session, where, at.date())
    ids: list[str] = []
    first_after: int | None = None
    for venue_id, status, is_after in venue_repo.venue_keys(session, where, after=after):
        hours = make_hours(weekly[venue_id], exceptions.get(venue_id), status=status)
        if is_open_at(hours, at, calendar):
            if is_after and first_after is None:
                first_after = len(ids)
            ids.append(venue_id)
    return ids, first_after


def venue_collection(session: Session, f: VenueFilter, *, open_at: dt.datetime | None = None) -> dict[str, Any]:
    """Every venue matching ``f`` (and open at ``open_at``) as a GeoJSON FeatureCollection (WGS-84)."""
    venues: Sequence[Venue] = venue_repo.all_venues(session, venue_repo.venue_conditions(f))
    if open_at is not None:
        at = to_china_time(open_at)
        calendar = _checked_calendar(session, at)
        venues = [v for v in venues if is_open_at(hours_of_venue(v), at, calendar)]
    return {"type": "FeatureCollection", "features": [venue_feature(venue_record(v)) for v in venues]}


def venue_detail(session: Session, venue_id: str, *, crs: Crs) -> VenueRead:
    """One venue with every attribute, its hours and departments, coordinates in ``crs``."""
    venue = venue_repo.get_venue_detail(session, venue_id)
    if venue is None:
        raise NotFound(f"未知的场所: {venue_id}")
    division = repo.division_rows(session, [venue.division_code]).get(venue.division_code)
    hours = hours_of_venue(venue)
    lat, lng = from_wgs84(venue.lat, venue.lng, crs)
    return VenueRead(
        **{name: getattr(venue, name) for name in _PLAIN_ATTRIBUTES},
        crs=crs,
        division_name=division.name if division else None,
        lat=round(lat, 7),
        lng=round(lng, 7),
        hours={key: format_intervals(hours.weekly[i]) for i, key in enumerate(WEEKDAY_KEYS)},
        hours_exceptions=[
            HoursExceptionRead(date=e.on_date, intervals=[list(i) for i in e.intervals], note=e.note)
            for e in venue.exceptions
        ],
        departments=[DepartmentRefRead(code=d.code, name=d.name, category=d.category) for d in venue.departments],
        item_count=venue_repo.count_items_per_venue(session, [venue_id]).get(venue_id, 0),
        missing_attributes=missing_venue_attributes(venue),
    )


_PLAIN_ATTRIBUTES = (
    "id", "name", "level", "division_code", "address", "postcode", "source_crs", "source_lat", "source_lng",
    "photos", "phones", "hours_note", "windows", "transport", "parking", "accessibility", "appointment_url",
    "kiosks", "status", "last_verified", "description", "website", "demo_fields",
)  # fmt: skip
