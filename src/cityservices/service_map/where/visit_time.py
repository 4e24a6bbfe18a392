"""When the citizen means to go: the time understood in a search (周六上午, 明天下午) carried to "near me".

A search's time slot becomes a short ``when`` value in the page links (``sat-morning``, ``tomorrow``, ``now``);
the item and bundle pages turn it back into the day and clock their time picker starts from. The clock of a
part of the day is a representative time within usual office hours (上午 → 10:00), not a promise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

DAYS = ("now", "today", "tomorrow", "day_after", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
PART_CLOCK = {"morning": "10:00", "noon": "12:00", "afternoon": "15:00", "evening": "18:30"}
WHEN_PATTERN = r"^((now|today|tomorrow|day_after|mon|tue|wed|thu|fri|sat|sun)(-(morning|noon|afternoon|evening))?)?$"
_WHEN = re.compile(WHEN_PATTERN)
_DAY_OF = {"weekend": "sat"}  # a weekend visit starts from Saturday; 工作日 / 节假日 name no single day
DEFAULT_CLOCK = "10:00"


@dataclass(frozen=True)
class VisitTime:
    day: str  # one of DAYS
    clock: str  # HH:MM, Beijing time
    given: bool  # True when the search named a time


def when_of_slot(slot: dict[str, Any] | None) -> str:
    """The ``when`` link value of a search's time slot ("" when it names no day or part of day)."""
    if not slot:
        return ""
    if slot.get("relative") == "now":
        return "now"
    day = slot.get("weekday") or _DAY_OF.get(str(slot.get("day")), slot.get("day"))
    part = slot.get("part")
    if day not in DAYS:
        day = "today" if part else None
    if day is None:
        return ""
    return f"{day}-{part}" if part in PART_CLOCK else str(day)


def visit_time_defaults(when: str) -> VisitTime:
    """The day and clock the page's time picker starts from; "now" when nothing was said."""
    match = _WHEN.fullmatch(when)
    if not when or match is None:
        return VisitTime("now", DEFAULT_CLOCK, False)
    day, _, part = when.partition("-")
    return VisitTime(day, PART_CLOCK.get(part, DEFAULT_CLOCK), True)
