"""The holiday-schedule file: validation with field-level errors, the shipped demo example, storage."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cityservices.kit.calendar import UnknownCalendarYear
from cityservices.kit.calendar.holiday_file import HolidayScheduleInvalid, parse_schedule, read_schedule_file
from cityservices.kit.calendar.repository import list_schedules, load_calendar, store_schedule

ROOT = Path(__file__).resolve().parents[3]
DEMO_FILE = ROOT / "data" / "holidays" / "2027-demo-unofficial.json"


def document(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "cityservices-holiday-schedule",
        "version": 1,
        "year": 2027,
        "official": False,
        "source": "test fixture",
        "holidays": [
            {"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"},
            {"name": "春节", "start": "2027-02-05", "end": "2027-02-12"},
        ],
        "workdays": [{"date": "2027-02-14", "name": "春节"}],
    }
    data.update(overrides)
    return data


def test_a_valid_document_is_parsed() -> None:
    schedule = parse_schedule(document())
    assert schedule.year == 2027
    assert len(schedule.holidays[1].days()) == 8
    assert schedule.workdays[0].date == dt.date(2027, 2, 14)
    assert not schedule.official


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"format": "other"}, "format"),
        ({"year": "soon"}, "year"),
        ({"official": "maybe"}, "official"),
        ({"holidays": []}, "holidays"),
        ({"holidays": [{"name": "元旦", "start": "2027-01-03", "end": "2027-01-01"}]}, "holidays.0"),
        ({"holidays": [{"name": "元旦", "start": "2027-13-01", "end": "2027-01-01"}]}, "holidays.0.start"),
        ({"workdays": [{"date": "2027-02-10", "name": "春节"}]}, "workdays.0"),  # a Wednesday
        ({"surprise": 1}, "surprise"),
    ],
)
def test_errors_name_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(HolidayScheduleInvalid) as info:
        parse_schedule(document(**overrides), source="x.json")
    assert any(issue.startswith(field) for issue in info.value.issues), info.value.issues
    assert info.value.detail.startswith("x.json")


@pytest.mark.parametrize(
    ("overrides", "text"),
    [
        ({"holidays": [{"name": "A", "start": "2027-01-01", "end": "2027-01-03"},
                       {"name": "B", "start": "2027-01-03", "end": "2027-01-04"}]}, "同时属于"),
        ({"workdays": [{"date": "2027-01-02", "name": "元旦"}]}, "既是假期又是调休上班日"),
        ({"holidays": [{"name": "A", "start": "2029-01-01", "end": "2029-01-02"}]}, "不在 2027 年"),
    ],
)  # fmt: skip
def test_inconsistent_schedules_are_refused(overrides: dict[str, Any], text: str) -> None:
    with pytest.raises(HolidayScheduleInvalid, match=text):
        parse_schedule(document(**overrides))


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(HolidayScheduleInvalid, match="JSON"):
        read_schedule_file(bad)
    with pytest.raises(HolidayScheduleInvalid, match="无法读取"):
        read_schedule_file(tmp_path / "missing.json")


def test_the_shipped_2027_file_is_a_clearly_marked_unofficial_demo() -> None:
    schedule, digest = read_schedule_file(DEMO_FILE)
    assert schedule.year == 2027
    assert schedule.official is False
    assert "非官方" in schedule.source
    assert "演示" in schedule.note
    assert len(digest) == 64
    raw = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    assert raw["official"] is False


def test_stored_schedules_feed_the_calendar(session: Session) -> None:
    with pytest.raises(UnknownCalendarYear):
        load_calendar(session).is_workday(dt.date(2027, 1, 4))
    store_schedule(session, parse_schedule(document()), file_sha256="0" * 64)
    calendar = load_calendar(session)
    assert calendar.day_kind(dt.date(2027, 1, 1)) == "holiday"
    assert calendar.day_kind(dt.date(2027, 2, 14)) == "makeup_workday"
    assert calendar.day_kind(dt.date(2027, 1, 4)) == "workday"
    assert calendar.day_kind(dt.date(2026, 10, 1)) == "holiday"  # built-in years stay


def test_loading_a_year_again_replaces_it(session: Session) -> None:
    store_schedule(session, parse_schedule(document()), file_sha256="0" * 64)
    store_schedule(session, parse_schedule(document(official=True, workdays=[])), file_sha256="1" * 64)
    (schedule,) = list_schedules(session)
    assert schedule.official is True
    assert schedule.workdays == ()
