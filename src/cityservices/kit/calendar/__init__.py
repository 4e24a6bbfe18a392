"""China's working-day calendar: statutory holidays and make-up working days (调休).

Years up to the last one ``chinese-calendar`` knows come built in; later years come from holiday-schedule
files that staff load (``cityservices load-holidays FILE``, stored in the database), because the State
Council publishes each next year's schedule in November. A loaded year replaces the built-in one. Asking
about a year that nobody has loaded raises :class:`UnknownCalendarYear` — never a silent guess.

Rules: a date listed as a holiday is a rest day; a date listed as a make-up working day is a working day;
any other date is a working day from Monday to Friday and a rest day on Saturday and Sunday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from cityservices.errors import Conflict

DayKind = Literal["workday", "weekend", "holiday", "makeup_workday"]
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
BUILTIN_SOURCE = "chinese-calendar"

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class UnknownCalendarYear(Conflict):
    """The holiday schedule of a year is not known: load it first."""

    status_code = 409
    code = "calendar_year_unknown"

    def __init__(self, year: int, known: Iterable[int]) -> None:
        years = sorted(known)
        span = f"{years[0]}–{years[-1]}" if years else "无"
        super().__init__(
            f"{year} 年的法定节假日和调休安排尚未载入 (已知年份: {span})。"
            f"请在国务院办公厅公布后用 `cityservices load-holidays FILE` 载入 {year} 年的安排。"
        )
        self.year = year


@dataclass(frozen=True)
class HolidayPeriod:
    """One holiday as published: a name and the first and last rest day (inclusive)."""

    name: str
    start: dt.date
    end: dt.date

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass(frozen=True)
class MakeupWorkday:
    """A weekend day that is a working day (调休上班), and the holiday it makes up for."""

    date: dt.date
    name: str


@dataclass(frozen=True)
class YearSchedule:
    """The holidays and make-up working days of one year, and where they came from."""

    year: int
    holidays: tuple[HolidayPeriod, ...]
    workdays: tuple[MakeupWorkday, ...]
    source: str
    official: bool = True
    source_url: str | None = None
    published: dt.date | None = None
    note: str = ""


@dataclass(frozen=True)
class YearInfo:
    year: int
    source: str
    official: bool


@dataclass(frozen=True)
class WorkCalendar:
    """Holidays and make-up working days of the years it knows (immutable; build a new one to change it)."""

    years: Mapping[int, YearInfo]
    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    workdays: Mapping[dt.date, str] = field(default_factory=dict)

    @classmethod
    def builtin(cls) -> WorkCalendar:
        """The years ``chinese-calendar`` knows."""
        return _builtin_calendar()

    def with_schedules(self, schedules: Iterable[YearSchedule]) -> WorkCalendar:
        """This calendar with each schedule's year replaced by the schedule."""
        years = dict(self.years)
        holidays, workdays = dict(self.holidays), dict(self.workdays)
        for schedule in sorted(schedules, key=lambda s: s.year):
            for table in (holidays, workdays):
                for day in [d for d in table if d.year == schedule.year]:
                    del table[day]
            for period in schedule.holidays:
                holidays.update(dict.fromkeys(period.days(), period.name))
            workdays.update({w.date: w.name for w in schedule.workdays})
            years[schedule.year] = YearInfo(schedule.year, schedule.source, schedule.official)
        return WorkCalendar(years=years, holidays=holidays, workdays=workdays)

    def knows(self, year: int) -> bool:
        return year in self.years

    def year_info(self, year: int) -> YearInfo:
        """Where the schedule of ``year`` came from; UnknownCalendarYear when nobody has loaded it."""
        info = self.years.get(year)
        if info is None:
            raise UnknownCalendarYear(year, self.years)
        return info

    def day_kind(self, day: dt.date) -> DayKind:
        self.year_info(day.year)
        if day in self.holidays:
            return "holiday"
        if day in self.workdays:
            return "makeup_workday"
        return "workday" if day.weekday() < 5 else "weekend"

    def holiday_name(self, day: dt.date) -> str | None:
        """The holiday's name (Chinese) on a holiday or make-up working day, else None."""
        self.year_info(day.year)
        name = self.holidays.get(day) or self.workdays.get(day)
        return HOLIDAY_NAMES_ZH.get(name, name) if name else None

    def is_workday(self, day: dt.date) -> bool:
        return self.day_kind(day) in ("workday", "makeup_workday")

    def is_holiday(self, day: dt.date) -> bool:
        """True on a statutory holiday (including the weekend days inside a holiday period)."""
        return self.day_kind(day) == "holiday"

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The due date of a time limit of ``days`` working days counted from ``start``.

        The start day itself is not counted (期间开始之日不计算在内): the result is the ``days``-th working day
        after ``start``; ``days == 0`` (即办件) gives ``start``. Raises UnknownCalendarYear if the count runs
        into a year nobody has loaded.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day, counted = start, 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day


@lru_cache(maxsize=1)
def _builtin_calendar() -> WorkCalendar:
    from chinese_calendar import constants

    holidays: dict[dt.date, str] = {d: str(name) for d, name in constants.holidays.items()}
    workdays: dict[dt.date, str] = {d: str(name) for d, name in constants.workdays.items()}
    first, last = min(holidays).year, max(holidays).year
    years = {y: YearInfo(y, BUILTIN_SOURCE, True) for y in range(first, last + 1)}
    return WorkCalendar(years=years, holidays=holidays, workdays=workdays)


def to_china_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` as China Standard Time (UTC+8, no daylight saving); a naive time is taken as China time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=CHINA_TZ)
    return moment.astimezone(CHINA_TZ)


def now_in_china() -> dt.datetime:
    return dt.datetime.now(CHINA_TZ)
