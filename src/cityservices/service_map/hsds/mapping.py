"""Our Open Referral HSDS 3.x profile: its URI, ids, and the mappings shared by export and import.

A document is one JSON object with ``profile``, ``hsds_version`` and the arrays ``organizations``,
``services``, ``locations`` and ``service_at_locations``. Whatever HSDS has no field for travels in
``x_cityservices`` members. See docs/data-format.md, section "HSDS 3.x profile"; the writer is
``hsds_export``, the reader ``hsds_import``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cityservices.service_map.catalogue.models import WEEKDAYS
from cityservices.service_map.interchange.records import VenueRecord

PROFILE_URI = "https://cityservices.example/hsds-profile/v1"
HSDS_VERSION = "3.1"
EXT = "x_cityservices"
EXT_VERSION = 1
EXTRA = "hsds"  # the x_cityservices member holding an imported object's HSDS fields our model has no place for
EXTERNAL_ID_TYPE = "cityservices-venue-id"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, PROFILE_URI)
UTC_OFFSET = "+08:00"  # China Standard Time: every time in our data is local Beijing time
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # iCal, in the order of WEEKDAYS
CLOSED_DAY = "当日不开放"

# Keys of our free-form dicts that map onto HSDS fields (string values only); all other keys, and
# non-string values, stay verbatim in the HSDS object's own ``x_cityservices`` member.
PHONE_KEYS = {"label": "description", "number": "number"}
MATERIAL_KEYS = {"name": "document"}
FEE_KEYS = {"name": "option", "amount": "amount_description"}

_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$")


def hsds_uuid(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


def hsds_id(kind: str, key: str) -> str:
    """The stable HSDS id (a UUID) of one of our records, e.g. ``hsds_id("venue", "V370202001")``."""
    return str(hsds_uuid(kind, key))


def venue_item_key(venue_id: str, item_code: str) -> str:
    """The key of a venue item in its id: ``hsds_id("venue_item", venue_item_key(…))``."""
    return f"{venue_id}/{item_code}"


def child_id(parent: str, kind: str, index: int) -> str:
    """The stable id of the ``index``-th nested object (phone, schedule, …) of an HSDS object."""
    return str(uuid.uuid5(NAMESPACE, f"{parent}/{kind}/{index}"))


def generated_code(prefix: str, foreign_id: str) -> str:
    """A code for a record imported from plain HSDS: stable for the same HSDS id."""
    return f"HSDS-{prefix}-{uuid.uuid5(NAMESPACE, foreign_id).hex[:12]}"


def to_hsds_object(data: Mapping[str, Any], keys: Mapping[str, str], links: dict[str, Any]) -> dict[str, Any]:
    """One of our free-form dicts as an HSDS object: mapped string values, the rest in ``x_cityservices``."""
    obj = dict(links)
    obj.update({theirs: data[ours] for ours, theirs in keys.items() if isinstance(data.get(ours), str)})
    rest = {key: value for key, value in data.items() if not (key in keys and isinstance(value, str))}
    if rest:
        obj[EXT] = rest
    return obj


def from_hsds_object(obj: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    """The inverse of ``to_hsds_object`` (mapped keys first, then the extension's keys)."""
    data = {ours: obj[theirs] for ours, theirs in keys.items() if theirs in obj}
    extension = obj.get(EXT)
    if isinstance(extension, dict):
        data.update(extension)
    return data


# --- opening hours <-> schedules -----------------------------------------------------------------


def hours_to_schedules(location_id: str, venue: VenueRecord) -> list[dict[str, Any]]:
    """One WEEKLY schedule per weekly interval; one per interval of a dated exception (valid_from = valid_to)."""
    schedules: list[dict[str, Any]] = []

    def add(**fields: Any) -> None:
        schedule_id = child_id(location_id, "schedule", len(schedules))
        schedules.append({"id": schedule_id, "location_id": location_id, **fields})

    for day, code in zip(WEEKDAYS, DAY_CODES, strict=True):
        for opens, closes in venue.hours.get(day, []):
            add(freq="WEEKLY", wkst="MO", byday=code, opens_at=opens + UTC_OFFSET, closes_at=closes + UTC_OFFSET)
    for exception in venue.hours_exceptions:
        date = exception.date.isoformat()
        base = {"valid_from": date, "valid_to": date, "dtstart": date, "freq": "WEEKLY", "wkst": "MO",
                "byday": DAY_CODES[exception.date.weekday()]}  # fmt: skip
        if exception.note:
            base["notes"] = exception.note
        if not exception.intervals:
            add(**base, description=CLOSED_DAY)
        for opens, closes in exception.intervals:
            add(**base, opens_at=opens + UTC_OFFSET, closes_at=closes + UTC_OFFSET)
    return schedules


class ScheduleError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass
class Hours:
    """Weekly hours and dated exceptions read from HSDS schedules, and the problems found (path, message)."""

    weekly: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: {day: [] for day in WEEKDAYS})
    exceptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)

    def exception_list(self) -> list[dict[str, Any]]:
        return [{**e, "intervals": sorted(e["intervals"])} for _, e in sorted(self.exceptions.items())]


def schedules_to_hours(schedules: Any) -> Hours:
    """Read WEEKLY schedules (``byday`` lists allowed) and single-day exceptions; anything else is a problem."""
    hours = Hours()
    if not isinstance(schedules, list):
        hours.problems.append(("schedules", "schedules 必须是数组"))
        return hours
    for index, schedule in enumerate(schedules):
        path = f"schedules[{index}]"
        if not isinstance(schedule, dict):
            hours.problems.append((path, "必须是对象"))
            continue
        try:
            _read_schedule(schedule, hours)
        except ScheduleError as exc:
            hours.problems.append((f"{path}.{exc.field}", exc.message))
    for intervals in hours.weekly.values():
        intervals.sort()
    return hours


def _read_schedule(schedule: dict[str, Any], hours: Hours) -> None:
    valid_from, valid_to = schedule.get("valid_from"), schedule.get("valid_to")
    if valid_from is not None or valid_to is not None:
        if not isinstance(valid_from, str) or valid_from != valid_to:
            raise ScheduleError("valid_to", "只支持单日的例外安排 (valid_from 与 valid_to 为同一天)")
        try:
            date = dt.date.fromisoformat(valid_from).isoformat()
        except ValueError:
            raise ScheduleError("valid_from", f"日期 {valid_from!r} 应为 YYYY-MM-DD") from None
        note = schedule.get("notes") or ""
        day = hours.exceptions.setdefault(date, {"date": date, "intervals": [], "note": note})
        interval = _interval(schedule, required=False)
        if interval is not None:
            day["intervals"].append(interval)
        return
    if schedule.get("freq") != "WEEKLY":
        raise ScheduleError("freq", f"只支持每周重复的日程 (freq = WEEKLY)，实际为 {schedule.get('freq')!r}")
    if schedule.get("interval") not in (None, 1):
        raise ScheduleError("interval", "只支持每周 (interval = 1)")
    days = _days(schedule.get("byday"))
    interval = _interval(schedule, required=True)
    if interval is not None:
        for code in days:
            hours.weekly[WEEKDAYS[DAY_CODES.index(code)]].append(interval)


def _days(byday: Any) -> list[str]:
    codes = [part.strip().upper() for part in byday.split(",")] if isinstance(byday, str) else []
    if not codes or any(code not in DAY_CODES for code in codes):
        raise ScheduleError("byday", f"应为逗号分隔的 {','.join(DAY_CODES)}，实际为 {byday!r}")
    return codes


def _interval(schedule: dict[str, Any], *, required: bool) -> tuple[str, str] | None:
    opens, closes = schedule.get("opens_at"), schedule.get("closes_at")
    if opens is None and closes is None and not required:
        return None
    return _time(opens, "opens_at"), _time(closes, "closes_at")


def _time(value: Any, field_name: str) -> str:
    """``HH:MM`` from ``HH:MM[:SS][offset]``; only local Beijing time (no offset, or +08:00)."""
    match = _TIME.match(value) if isinstance(value, str) else None
    if match is None:
        raise ScheduleError(field_name, f"时间 {value!r} 应为 HH:MM（可带 {UTC_OFFSET}）")
    hh, mm, ss, offset = match.groups()
    if ss not in (None, "00"):
        raise ScheduleError(field_name, f"时间 {value!r} 只能精确到分钟")
    if offset not in (None, UTC_OFFSET, UTC_OFFSET.replace(":", "")):
        raise ScheduleError(field_name, f"时间 {value!r} 应为北京时间 ({UTC_OFFSET})")
    return f"{hh}:{mm}"
