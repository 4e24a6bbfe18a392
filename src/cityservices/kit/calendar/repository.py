"""Store loaded holiday schedules and build the working-day calendar from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cityservices.kit import events
from cityservices.kit.calendar import WorkCalendar, YearSchedule
from cityservices.kit.calendar.holiday_file import parse_schedule, schedule_to_document
from cityservices.kit.calendar.models import HolidaySchedule


def store_schedule(session: Session, schedule: YearSchedule, *, file_sha256: str, announce: Iterable[str] = ()) -> None:
    """Store ``schedule``, replacing any schedule of the same year (the caller commits); once committed, an event
    of each topic in ``announce`` (the domains whose answers depend on the calendar) says so."""
    document = schedule_to_document(schedule)
    session.execute(delete(HolidaySchedule).where(HolidaySchedule.year == schedule.year))
    session.add(
        HolidaySchedule(
            year=schedule.year,
            official=schedule.official,
            source=schedule.source,
            source_url=schedule.source_url,
            published=schedule.published,
            note=schedule.note,
            holidays=document["holidays"],
            workdays=document["workdays"],
            file_sha256=file_sha256,
            loaded_at=dt.datetime.now(dt.UTC),
        )
    )
    session.flush()
    for topic in announce:
        events.publish_after_commit(session, topic, {"kind": "holiday_schedule", "key": schedule.year})


def list_schedules(session: Session) -> list[YearSchedule]:
    """Every loaded schedule, by year."""
    rows: Sequence[HolidaySchedule] = session.scalars(select(HolidaySchedule).order_by(HolidaySchedule.year)).all()
    return [_to_schedule(row) for row in rows]


def load_calendar(session: Session) -> WorkCalendar:
    """The built-in calendar with every loaded schedule applied (a loaded year replaces the built-in one)."""
    return WorkCalendar.builtin().with_schedules(list_schedules(session))


def _to_schedule(row: HolidaySchedule) -> YearSchedule:
    document = {
        "format": "cityservices-holiday-schedule",
        "version": 1,
        "year": row.year,
        "official": row.official,
        "source": row.source,
        "source_url": row.source_url,
        "published": row.published,
        "note": row.note,
        "holidays": row.holidays,
        "workdays": row.workdays,
    }
    return parse_schedule(document, source=f"holiday_schedules[{row.year}]")
