"""Working days: statutory holidays and make-up days of 2025/2026 (chinese-calendar), loaded years,
unknown years refused, due dates of time limits in working days."""

from __future__ import annotations

import datetime as dt

import pytest

from cityservices.kit.calendar import (
    CHINA_TZ,
    HolidayPeriod,
    MakeupWorkday,
    UnknownCalendarYear,
    WorkCalendar,
    YearSchedule,
    to_china_time,
)

D = dt.date
CAL = WorkCalendar.builtin()
TEST_2027 = YearSchedule(
    year=2027,
    holidays=(HolidayPeriod("测试假期", D(2027, 1, 1), D(2027, 1, 3)),),
    workdays=(MakeupWorkday(D(2027, 1, 9), "测试假期"),),
    source="test fixture, not an official schedule",
    official=False,
)


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (D(2025, 1, 26), "makeup_workday"),  # Sunday, Spring Festival make-up day
        (D(2025, 2, 8), "makeup_workday"),  # Saturday
        (D(2025, 1, 29), "holiday"),  # Spring Festival
        (D(2025, 10, 1), "holiday"),  # National Day
        (D(2025, 10, 11), "makeup_workday"),  # Saturday
        (D(2026, 1, 1), "holiday"),
        (D(2026, 1, 4), "makeup_workday"),  # Sunday
        (D(2026, 2, 14), "makeup_workday"),  # Saturday before Spring Festival
        (D(2026, 2, 16), "holiday"),  # a Monday inside Spring Festival
        (D(2026, 2, 15), "holiday"),  # a Sunday inside Spring Festival counts as holiday
        (D(2026, 2, 28), "makeup_workday"),
        (D(2026, 5, 9), "makeup_workday"),
        (D(2026, 10, 7), "holiday"),
        (D(2026, 10, 10), "makeup_workday"),
        (D(2026, 12, 1), "workday"),  # ordinary Tuesday
        (D(2026, 12, 5), "weekend"),  # ordinary Saturday
    ],
)
def test_day_kinds_of_2025_and_2026(day: dt.date, kind: str) -> None:
    assert CAL.day_kind(day) == kind
    assert CAL.is_workday(day) == (kind in ("workday", "makeup_workday"))
    assert CAL.is_holiday(day) == (kind == "holiday")


def test_holiday_names_are_chinese() -> None:
    assert CAL.holiday_name(D(2026, 10, 1)) == "国庆节"
    assert CAL.holiday_name(D(2026, 2, 14)) == "春节"
    assert CAL.holiday_name(D(2026, 12, 1)) is None


def test_a_year_nobody_loaded_is_refused_loudly() -> None:
    with pytest.raises(UnknownCalendarYear) as info:
        CAL.is_workday(D(2027, 1, 4))
    assert info.value.year == 2027
    assert "load-holidays" in info.value.detail
    assert info.value.status_code == 409
    with pytest.raises(UnknownCalendarYear):
        CAL.day_kind(D(2003, 6, 2))


def test_a_loaded_year_becomes_known() -> None:
    cal = CAL.with_schedules([TEST_2027])
    assert cal.knows(2027)
    assert cal.day_kind(D(2027, 1, 1)) == "holiday"
    assert cal.day_kind(D(2027, 1, 4)) == "workday"
    assert cal.day_kind(D(2027, 1, 9)) == "makeup_workday"
    assert cal.year_info(2027).official is False
    assert not CAL.knows(2027)  # the built-in calendar is untouched


def test_a_loaded_year_replaces_the_built_in_one() -> None:
    correction = YearSchedule(2026, (HolidayPeriod("元旦", D(2026, 1, 1), D(2026, 1, 1)),), (), "correction")
    cal = CAL.with_schedules([correction])
    assert cal.day_kind(D(2026, 10, 1)) == "workday"  # the built-in National Day is gone
    assert cal.day_kind(D(2026, 10, 10)) == "weekend"
    assert cal.day_kind(D(2025, 10, 1)) == "holiday"  # other years stay
    assert cal.year_info(2026).source == "correction"


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 12, 1), 0, D(2026, 12, 1)),  # 即办件: the same day
        (D(2026, 12, 1), 1, D(2026, 12, 2)),  # the start day is not counted
        (D(2026, 12, 4), 1, D(2026, 12, 7)),  # Friday + 1 skips the weekend
        (D(2026, 9, 30), 1, D(2026, 10, 8)),  # skips the National Day holiday
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # a Saturday make-up day counts
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Saturday make-up day before Spring Festival
        (D(2026, 2, 13), 2, D(2026, 2, 24)),
        (D(2025, 12, 30), 2, D(2026, 1, 4)),  # across the year end: 12-31, then 01-04 (Sunday make-up)
    ],
)
def test_due_dates_in_working_days(start: dt.date, days: int, due: dt.date) -> None:
    assert CAL.add_working_days(start, days) == due


def test_a_due_date_that_runs_into_an_unknown_year_is_refused() -> None:
    with pytest.raises(UnknownCalendarYear):
        CAL.add_working_days(D(2026, 12, 28), 5)
    assert CAL.with_schedules([TEST_2027]).add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 5)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CAL.add_working_days(D(2026, 12, 1), -1)


def test_times_are_china_standard_time() -> None:
    naive = dt.datetime(2026, 12, 1, 9, 0)
    assert to_china_time(naive).utcoffset() == dt.timedelta(hours=8)
    utc = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)
    assert to_china_time(utc) == dt.datetime(2026, 12, 1, 9, 0, tzinfo=CHINA_TZ)
