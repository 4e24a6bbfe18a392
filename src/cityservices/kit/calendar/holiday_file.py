"""The holiday-schedule file staff load each year (format in docs/holiday-schedule.md).

A UTF-8 JSON object: the year, where it was published, whether it is official, the holiday periods
(first and last rest day) and the make-up working days. Every field is checked; an error names the field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cityservices.errors import RuleViolation
from cityservices.kit.calendar import HolidayPeriod, MakeupWorkday, YearSchedule

FORMAT_NAME = "cityservices-holiday-schedule"
MAX_PERIOD_DAYS = 15


class HolidayScheduleInvalid(RuleViolation):
    """A holiday-schedule file that cannot be used; ``issues`` are ``field: message`` lines."""

    status_code = 422
    code = "invalid_holiday_schedule"

    def __init__(self, source: str, issues: list[str]) -> None:
        super().__init__(f"{source}: 节假日安排文件有误: " + "; ".join(issues))
        self.issues = issues


class _Period(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> _Period:
        if self.end < self.start:
            raise ValueError("end 早于 start")
        if (self.end - self.start).days >= MAX_PERIOD_DAYS:
            raise ValueError(f"一个假期不应超过 {MAX_PERIOD_DAYS} 天")
        return self


class _Workday(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date
    name: str = Field(min_length=1, max_length=60)

    @model_validator(mode="after")
    def _weekend(self) -> _Workday:
        if self.date.weekday() < 5:
            raise ValueError(f"{self.date} 是周一至周五，本来就是工作日；调休上班日应为周六或周日")
        return self


class _ScheduleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["cityservices-holiday-schedule"]
    version: Literal[1]
    year: int = Field(ge=2000, le=2100)
    official: bool
    source: str = Field(min_length=1, max_length=500)
    source_url: str | None = Field(default=None, max_length=500)
    published: dt.date | None = None
    note: str = Field(default="", max_length=2000)
    holidays: list[_Period] = Field(min_length=1)
    workdays: list[_Workday] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> _ScheduleFile:
        first, last = dt.date(self.year - 1, 12, 1), dt.date(self.year + 1, 1, 31)
        days: dict[dt.date, str] = {}
        for period in self.holidays:
            if period.start < first or period.end > last:
                raise ValueError(f"假期 {period.name} 不在 {self.year} 年 (及相邻的 12 月、1 月) 之内")
            for day in HolidayPeriod(period.name, period.start, period.end).days():
                if day in days:
                    raise ValueError(f"{day} 同时属于 {days[day]} 和 {period.name}")
                days[day] = period.name
        for workday in self.workdays:
            if not first <= workday.date <= last:
                raise ValueError(f"调休上班日 {workday.date} 不在 {self.year} 年 (及相邻的 12 月、1 月) 之内")
            if workday.date in days:
                raise ValueError(f"{workday.date} 既是假期又是调休上班日")
        if not any(d.year == self.year for d in days):
            raise ValueError(f"没有一天假期在 {self.year} 年")
        return self


def parse_schedule(data: Any, *, source: str = "<data>") -> YearSchedule:
    """Validate a decoded holiday-schedule document."""
    try:
        parsed = _ScheduleFile.model_validate(data)
    except ValidationError as exc:
        issues = [f"{'.'.join(str(p) for p in err['loc']) or '(文件)'}: {err['msg']}" for err in exc.errors()]
        raise HolidayScheduleInvalid(source, issues) from None
    return YearSchedule(
        year=parsed.year,
        holidays=tuple(HolidayPeriod(p.name, p.start, p.end) for p in parsed.holidays),
        workdays=tuple(MakeupWorkday(w.date, w.name) for w in sorted(parsed.workdays, key=lambda w: w.date)),
        source=parsed.source,
        official=parsed.official,
        source_url=parsed.source_url,
        published=parsed.published,
        note=parsed.note,
    )


def read_schedule_file(path: Path) -> tuple[YearSchedule, str]:
    """Read and validate a holiday-schedule file; returns the schedule and the file's SHA-256."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise HolidayScheduleInvalid(str(path), [f"无法读取文件: {exc.strerror or exc}"]) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HolidayScheduleInvalid(str(path), [f"不是 UTF-8 JSON: {exc}"]) from None
    return parse_schedule(data, source=str(path)), hashlib.sha256(raw).hexdigest()


def schedule_to_document(schedule: YearSchedule) -> dict[str, Any]:
    """The file form of a schedule (what ``read_schedule_file`` reads)."""
    return {
        "format": FORMAT_NAME,
        "version": 1,
        "year": schedule.year,
        "official": schedule.official,
        "source": schedule.source,
        "source_url": schedule.source_url,
        "published": schedule.published.isoformat() if schedule.published else None,
        "note": schedule.note,
        "holidays": [
            {"name": p.name, "start": p.start.isoformat(), "end": p.end.isoformat()} for p in schedule.holidays
        ],
        "workdays": [{"date": w.date.isoformat(), "name": w.name} for w in schedule.workdays],
    }
