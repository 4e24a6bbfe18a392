"""Table of loaded holiday schedules: one row per year, read into the working-day calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class HolidaySchedule(Base):
    """A year's statutory holidays and make-up working days, loaded from a holiday-schedule file."""

    __tablename__ = "holiday_schedules"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    official: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    # [{"name", "start", "end"}] and [{"date", "name"}], ISO dates: read whole, never filtered.
    holidays: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    workdays: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    file_sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
