"""The frequencies of organisational life, kept as data (``data/frequencies.json`` with its source), and the
calendar periods (month / quarter / year, in Beijing time) they are counted over."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

DATA = Path(__file__).parent / "data" / "frequencies.json"
BEIJING = ZoneInfo("Asia/Shanghai")
PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Frequency:
    code: str
    label: str
    period: str
    count: int
    needs_groups: bool
    status: str | None  # "示例参数，未经核实" where the figure is not a verified rule


@dataclass(frozen=True)
class Frequencies:
    source: str
    requirements: dict[str, Frequency]


def parse_frequencies(raw: dict[str, Any]) -> Frequencies:
    requirements = {}
    for code, rule in raw["requirements"].items():
        if rule["period"] not in PERIODS:
            raise ValueError(f"{code}: unknown period {rule['period']!r}")
        if int(rule["count"]) < 1:
            raise ValueError(f"{code}: count must be at least 1")
        requirements[code] = Frequency(code, rule["label"], rule["period"], int(rule["count"]),
                                       bool(rule.get("needs_groups", False)), rule.get("status"))  # fmt: skip
    return Frequencies(raw["source"], requirements)


@lru_cache(maxsize=1)
def load_frequencies() -> Frequencies:
    return parse_frequencies(json.loads(DATA.read_text(encoding="utf-8")))


def beijing_date(moment: dt.datetime) -> dt.date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(BEIJING).date()


def period_key(period: str, day: dt.date) -> str:
    """``2026-07`` / ``2026-Q3`` / ``2026``."""
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def period_end(period: str, key: str) -> dt.date:
    """The last day of the period ``key``."""
    year = int(key[:4])
    if period == "year":
        return dt.date(year, 12, 31)
    last_month = int(key[5:]) if period == "month" else int(key[6:]) * 3
    first_of_next = dt.date(year + last_month // 12, last_month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def periods_of_year(period: str, year: int) -> list[str]:
    if period == "month":
        return [f"{year}-{m:02d}" for m in range(1, 13)]
    if period == "quarter":
        return [f"{year}-Q{q}" for q in range(1, 5)]
    return [str(year)]
