"""Use cases of "where to go" shared by the API and the CLI: a venue's hours, a route to a venue, due dates.

Rules only: no FastAPI, no commits. Coordinates in and out are WGS-84; CRS conversion happens at the edges.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from cityservices.errors import NotFound
from cityservices.kit.calendar import UnknownCalendarYear, WorkCalendar, to_china_time
from cityservices.kit.calendar.repository import load_calendar
from cityservices.kit.geo import haversine_m
from cityservices.service_map.catalogue.models import Venue
from cityservices.service_map.routing.graph import RoadGraph
from cityservices.service_map.routing.service import Route, plan_route
from cityservices.service_map.where import repository as repo
from cityservices.service_map.where.hours import (
    WEEKDAY_KEYS,
    DayPlan,
    OpenState,
    format_intervals,
    hours_of_venue,
    make_hours,
    open_state,
    parse_hhmm,
    plan_day,
)
from cityservices.service_map.where.travel import ModeChoice, choose_mode

DUE_DATE_RULE = "受理当日不计入；期限按工作日计算：法定节假日不计，调休上班日计入；0 个工作日 (即办件) 为受理当日。"


@dataclass(frozen=True)
class VenueHoursReport:
    venue: Venue
    state: OpenState
    days: list[DayPlan]
    days_unknown: str | None
    weekly: dict[str, list[list[str]]]


def describe_venue_hours(session: Session, *, venue_id: str, at: dt.datetime, days: int = 7) -> VenueHoursReport:
    """Open state at ``at`` and the plan of the next ``days`` days (stopping at a year nobody has loaded)."""
    venue = repo.get_venue_with_hours(session, venue_id)
    if venue is None:
        raise NotFound(f"未知的场所: {venue_id}")
    hours = hours_of_venue(venue)
    calendar = load_calendar(session)
    local = to_china_time(at)
    state = open_state(hours, local, calendar)
    plans: list[DayPlan] = []
    unknown: str | None = None
    for offset in range(days):
        try:
            plans.append(plan_day(hours, local.date() + dt.timedelta(days=offset), calendar))
        except UnknownCalendarYear as exc:
            unknown = exc.detail
            break
    weekly = {key: format_intervals(hours.weekly[i]) for i, key in enumerate(WEEKDAY_KEYS)}
    return VenueHoursReport(venue, state, plans, unknown, weekly)


def route_to_venue(
    session: Session, graph: RoadGraph | None, *, origin: tuple[float, float], venue_id: str, mode: ModeChoice
) -> tuple[Venue, Route]:
    """The route from ``origin`` (WGS-84) to a venue in the requested mode, or for "auto" the mode that suits the
    distance (walking for short trips, public transport or driving beyond); NotFound for an unknown venue."""
    venue = repo.get_venue(session, venue_id)
    if venue is None:
        raise NotFound(f"未知的场所: {venue_id}")
    chosen = choose_mode(haversine_m(*origin, venue.lat, venue.lng), mode)
    route = plan_route(
        graph, origin=origin, destination=(venue.lat, venue.lng), destination_name=venue.name, mode=chosen
    )
    return venue, route


def compute_due_date(calendar: WorkCalendar, *, start: dt.date, working_days: int) -> tuple[dt.date, dict[int, str]]:
    """The due date of a time limit in working days, and the calendar source of every year it crossed."""
    due = calendar.add_working_days(start, working_days)
    sources = {}
    for year in range(start.year, due.year + 1):
        info = calendar.year_info(year)
        sources[year] = info.source + ("" if info.official else " (非官方)")
    return due, sources


def open_states_of_weekly(
    session: Session, weekly: Mapping[str, Sequence[Sequence[tuple[str, str]]]], *, at: dt.datetime
) -> dict[str, OpenState | None]:
    """Open state at ``at`` of places that are not venues but keep weekly hours (``"HH:MM"`` pairs per day, Monday
    first): the venue rules (holidays closed, make-up working days on weekday hours) without dated exceptions.
    None for a place on a day whose year nobody has loaded a holiday schedule for."""
    calendar = load_calendar(session)
    local = to_china_time(at)
    states: dict[str, OpenState | None] = {}
    for key, days in weekly.items():
        hours = make_hours([[(parse_hhmm(a), parse_hhmm(b)) for a, b in day] for day in days])
        try:
            states[key] = open_state(hours, local, calendar)
        except UnknownCalendarYear:
            states[key] = None
    return states
