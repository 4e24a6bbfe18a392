"""Opening hours: intervals with lunch breaks, dated exceptions, holidays, make-up days, next opening."""

from __future__ import annotations

import datetime as dt

import pytest

from cityservices.kit.calendar import CHINA_TZ, HolidayPeriod, UnknownCalendarYear, WorkCalendar, YearSchedule
from cityservices.service_map.where.hours import VenueHours, make_hours, next_opening, open_state, plan_day

CAL = WorkCalendar.builtin()
T = dt.time


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=CHINA_TZ)


def week(**days: list[tuple[str, str]]) -> list[list[tuple[dt.time, dt.time]]]:
    keys = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return [[(T.fromisoformat(a), T.fromisoformat(b)) for a, b in days.get(k, [])] for k in keys]


LUNCH = [("09:00", "12:00"), ("13:30", "17:00")]
HOURS = make_hours(
    week(mon=[("09:00", "17:00")], tue=LUNCH, wed=LUNCH, thu=LUNCH, fri=LUNCH, sat=[("09:00", "12:00")]),
    {dt.date(2026, 12, 18): [], dt.date(2026, 12, 19): [["10:00", "11:00"]]},
    notes={dt.date(2026, 12, 18): "系统升级"},
)


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (at(2026, 12, 1, 9, 0), True),  # Tuesday, opening minute
        (at(2026, 12, 1, 12, 30), False),  # lunch break
        (at(2026, 12, 1, 13, 30), True),
        (at(2026, 12, 1, 17, 0), False),  # closing minute is closed
        (at(2026, 12, 5, 11, 0), True),  # Saturday morning
        (at(2026, 12, 6, 11, 0), False),  # Sunday
        (at(2026, 12, 18, 10, 0), False),  # dated exception: closed all day
        (at(2026, 12, 19, 10, 30), True),  # dated exception on a Saturday: 10–11 only
        (at(2026, 12, 19, 9, 30), False),
        (at(2026, 10, 1, 10, 0), False),  # National Day holiday (a Thursday)
        (at(2026, 10, 10, 10, 0), True),  # Saturday make-up day: weekday hours
        (at(2026, 10, 10, 16, 0), True),  # … the usual Tue–Fri hours, not Saturday's 09–12
        (at(2026, 10, 10, 12, 30), False),  # … with their lunch break
    ],
)
def test_open_at(moment: dt.datetime, is_open: bool) -> None:
    assert open_state(HOURS, moment, CAL).is_open is is_open


def test_open_state_says_until_when() -> None:
    state = open_state(HOURS, at(2026, 12, 1, 10, 0), CAL)
    assert state.closes_at == at(2026, 12, 1, 12, 0)
    assert state.next_opening is None


def test_next_opening_after_lunch_and_over_a_holiday() -> None:
    assert next_opening(HOURS, at(2026, 12, 1, 12, 30), CAL) == at(2026, 12, 1, 13, 30)
    assert next_opening(HOURS, at(2026, 12, 5, 12, 0), CAL) == at(2026, 12, 7, 9, 0)  # Sat noon → Monday
    assert next_opening(HOURS, at(2026, 9, 30, 18, 0), CAL) == at(2026, 10, 8, 9, 0)  # over National Day
    assert next_opening(HOURS, at(2026, 12, 17, 18, 0), CAL) == at(2026, 12, 19, 10, 0)  # exception days


def test_closed_state_carries_the_reason_and_next_opening() -> None:
    state = open_state(HOURS, at(2026, 10, 3, 10, 0), CAL)
    assert not state.is_open
    assert state.plan.kind == "holiday"
    assert "国庆节" in state.plan.note
    assert state.next_opening == at(2026, 10, 8, 9, 0)


def test_make_up_days_use_the_most_common_weekday_hours() -> None:
    plan = plan_day(HOURS, dt.date(2026, 2, 14), CAL)
    assert plan.kind == "makeup_workday"
    assert plan.intervals == ((T(9), T(12)), (T(13, 30), T(17))), "Tue–Fri hours beat Monday's"
    day = [("08:30", "17:30")]
    uniform = make_hours(week(mon=day, tue=day, wed=day, thu=day, fri=[("08:30", "12:00")]))
    assert uniform.usual_weekday_hours == ((T(8, 30), T(17, 30)),)


def test_an_exception_wins_over_a_holiday() -> None:
    hours = make_hours(week(mon=[("09:00", "17:00")]), {dt.date(2026, 10, 1): [["09:00", "11:00"]]})
    assert open_state(hours, at(2026, 10, 1, 10, 0), CAL).is_open
    assert plan_day(hours, dt.date(2026, 10, 1), CAL).kind == "exception"


def test_touching_intervals_are_merged() -> None:
    hours = make_hours(week(mon=[("09:00", "12:00"), ("12:00", "17:00")]))
    assert hours.weekly[0] == ((T(9), T(17)),)


def test_a_closed_venue_never_opens() -> None:
    hours = make_hours(week(mon=LUNCH), status="temporarily_closed")
    state = open_state(hours, at(2026, 12, 7, 10, 0), CAL)
    assert not state.is_open
    assert state.plan.kind == "venue_closed"
    assert state.next_opening is None


def test_a_day_in_an_unknown_year_is_refused() -> None:
    with pytest.raises(UnknownCalendarYear):
        open_state(HOURS, at(2027, 3, 1, 10, 0), CAL)


def test_a_dated_exception_answers_without_a_calendar() -> None:
    hours = make_hours(week(), {dt.date(2027, 1, 1): []}, notes={dt.date(2027, 1, 1): "元旦休息"})
    assert plan_day(hours, dt.date(2027, 1, 1), CAL).note == "元旦休息"


def test_a_next_opening_in_an_unknown_year_is_reported_not_guessed() -> None:
    state = open_state(HOURS, at(2026, 12, 31, 18, 0), CAL)
    assert not state.is_open
    assert state.next_opening is None
    assert state.next_opening_unknown is not None
    assert "2027" in state.next_opening_unknown
    loaded = CAL.with_schedules(
        [YearSchedule(2027, (HolidayPeriod("测试", dt.date(2027, 1, 1), dt.date(2027, 1, 3)),), (), "test")]
    )
    assert open_state(HOURS, at(2026, 12, 31, 18, 0), loaded).next_opening == at(2027, 1, 4, 9, 0)


def test_no_hours_means_no_next_opening() -> None:
    assert next_opening(VenueHours(weekly=((),) * 7), at(2026, 12, 1), CAL) is None
