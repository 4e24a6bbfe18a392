"""Opening hours: is a venue open at T, when does it next open — weekly intervals, dated exceptions, holidays.

The plan of one day, in order of precedence:

1. the venue is not ``open`` (temporarily or permanently closed): closed;
2. a dated exception of the venue for that day: its intervals (``[]`` = closed) — staff know best;
3. a statutory holiday (including the weekend days inside a holiday period): closed;
4. a make-up working day (调休上班, a Saturday or Sunday): the venue's **usual weekday hours** — the
   Monday–Friday interval set that occurs on most of those days (ties: the earliest weekday);
5. otherwise the weekly intervals of that weekday.

All times are China Standard Time (UTC+8). A day in a year whose holiday schedule nobody has loaded raises
``UnknownCalendarYear`` (step 2 still answers, because a dated exception needs no calendar).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from cityservices.kit.calendar import CHINA_TZ, UnknownCalendarYear, WorkCalendar, to_china_time
from cityservices.service_map.catalogue.models import Venue

Interval = tuple[dt.time, dt.time]
DayIntervals = tuple[Interval, ...]
PlanKind = Literal["regular", "exception", "holiday", "makeup_workday", "venue_closed"]
NEXT_OPENING_HORIZON_DAYS = 60
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PLAN_KIND_ZH: dict[str, str] = {
    "regular": "常规安排",
    "exception": "特别安排",
    "holiday": "法定节假日",
    "makeup_workday": "调休上班日",
    "venue_closed": "场所暂停服务",
}


@dataclass(frozen=True)
class VenueHours:
    """A venue's weekly intervals (Monday first), dated exceptions and status."""

    weekly: tuple[DayIntervals, ...]
    exceptions: Mapping[dt.date, DayIntervals] = field(default_factory=dict)
    exception_notes: Mapping[dt.date, str] = field(default_factory=dict)
    status: str = "open"

    @property
    def usual_weekday_hours(self) -> DayIntervals:
        """The hours used on a make-up working day (rule 4 above)."""
        counts = Counter(self.weekly[:5])
        best = max(counts.values())
        return next(day for day in self.weekly[:5] if counts[day] == best)


@dataclass(frozen=True)
class DayPlan:
    day: dt.date
    intervals: DayIntervals
    kind: PlanKind
    note: str = ""


@dataclass(frozen=True)
class OpenState:
    """Open or not at ``at``; until when; and if closed, when it next opens."""

    at: dt.datetime
    is_open: bool
    plan: DayPlan
    closes_at: dt.datetime | None = None
    next_opening: dt.datetime | None = None
    next_opening_unknown: str | None = None


def parse_hhmm(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def merge_intervals(intervals: Iterable[Interval]) -> DayIntervals:
    """Sorted intervals with touching or overlapping ones merged (09–12 + 12–17 = 09–17)."""
    merged: list[Interval] = []
    for opens, closes in sorted(intervals):
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(closes, merged[-1][1]))
        else:
            merged.append((opens, closes))
    return tuple(merged)


def make_hours(
    weekly: Sequence[Iterable[Interval]],
    exceptions: Mapping[dt.date, Sequence[Sequence[str]]] | None = None,
    *,
    notes: Mapping[dt.date, str] | None = None,
    status: str = "open",
) -> VenueHours:
    """Build VenueHours from intervals per weekday and exceptions stored as ``[["09:00", "12:00"], …]``."""
    if len(weekly) != 7:
        raise ValueError("weekly hours need seven days, Monday first")
    parsed = {
        day: merge_intervals((parse_hhmm(a), parse_hhmm(b)) for a, b in spans)
        for day, spans in (exceptions or {}).items()
    }
    return VenueHours(
        weekly=tuple(merge_intervals(day) for day in weekly),
        exceptions=parsed,
        exception_notes=dict(notes or {}),
        status=status,
    )


def plan_day(hours: VenueHours, day: dt.date, calendar: WorkCalendar) -> DayPlan:
    """The opening intervals of ``day`` and which rule gave them."""
    if hours.status != "open":
        return DayPlan(
            day, (), "venue_closed", "场所暂停服务" if hours.status == "temporarily_closed" else "场所已关闭"
        )
    if day in hours.exceptions:
        return DayPlan(day, hours.exceptions[day], "exception", hours.exception_notes.get(day, ""))
    kind = calendar.day_kind(day)
    if kind == "holiday":
        return DayPlan(day, (), "holiday", f"法定节假日 ({calendar.holiday_name(day)})")
    if kind == "makeup_workday":
        return DayPlan(day, hours.usual_weekday_hours, "makeup_workday", f"调休上班日 ({calendar.holiday_name(day)})")
    return DayPlan(day, hours.weekly[day.weekday()], "regular")


def next_opening(
    hours: VenueHours, after: dt.datetime, calendar: WorkCalendar, *, horizon_days: int = NEXT_OPENING_HORIZON_DAYS
) -> dt.datetime | None:
    """The start of the first opening interval that begins after ``after``; None within the horizon."""
    local = to_china_time(after)
    if hours.status != "open" or not (any(hours.weekly) or any(d >= local.date() for d in hours.exceptions)):
        return None
    for offset in range(horizon_days + 1):
        day = local.date() + dt.timedelta(days=offset)
        for opens, _ in plan_day(hours, day, calendar).intervals:
            start = dt.datetime.combine(day, opens, tzinfo=CHINA_TZ)
            if start > local:
                return start
    return None


def open_state(hours: VenueHours, at: dt.datetime, calendar: WorkCalendar) -> OpenState:
    """Open or closed at ``at``. The day of ``at`` must be in a known year; a next opening beyond the known
    years is reported in ``next_opening_unknown`` instead of being guessed."""
    local = to_china_time(at)
    plan = plan_day(hours, local.date(), calendar)
    now = local.time()
    for opens, closes in plan.intervals:
        if opens <= now < closes:
            return OpenState(local, True, plan, closes_at=dt.datetime.combine(local.date(), closes, tzinfo=CHINA_TZ))
    try:
        upcoming = next_opening(hours, local, calendar)
    except UnknownCalendarYear as exc:
        return OpenState(local, False, plan, next_opening_unknown=exc.detail)
    return OpenState(local, False, plan, next_opening=upcoming)


def is_open_at(hours: VenueHours, at: dt.datetime, calendar: WorkCalendar) -> bool:
    """Open at ``at`` (the cheap half of ``open_state``: no search for the next opening)."""
    local = to_china_time(at)
    now = local.time()
    return any(opens <= now < closes for opens, closes in plan_day(hours, local.date(), calendar).intervals)


def format_intervals(intervals: DayIntervals) -> list[list[str]]:
    return [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in intervals]


def hours_of_venue(venue: Venue) -> VenueHours:
    """VenueHours of a venue loaded with its ``intervals`` and ``exceptions``."""
    weekly: list[list[Interval]] = [[] for _ in range(7)]
    for interval in venue.intervals:
        weekly[interval.weekday].append((interval.opens, interval.closes))
    exceptions = {e.on_date: e.intervals for e in venue.exceptions}
    notes = {e.on_date: e.note for e in venue.exceptions}
    return make_hours(weekly, exceptions, notes=notes, status=venue.status)
