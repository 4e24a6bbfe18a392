"""The time a citizen named in a search (周六上午, 明天, 现在) as the ``when`` link value and back."""

from __future__ import annotations

import pytest

from cityservices.service_map.where.visit_time import VisitTime, visit_time_defaults, when_of_slot


@pytest.mark.parametrize(
    ("slot", "when"),
    [
        ({"text": "周六 上午", "weekday": "sat", "part": "morning"}, "sat-morning"),
        ({"text": "明天", "day": "tomorrow"}, "tomorrow"),
        ({"text": "周末", "day": "weekend"}, "sat"),
        ({"text": "下午", "part": "afternoon"}, "today-afternoon"),
        ({"text": "现在", "relative": "now"}, "now"),
        ({"text": "节假日", "day": "holiday"}, ""),  # names no single day
        ({"text": "几点", "asks_hours": True}, ""),
        (None, ""),
    ],
)
def test_a_time_slot_becomes_a_when_value(slot: dict[str, object] | None, when: str) -> None:
    assert when_of_slot(slot) == when


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("sat-morning", VisitTime("sat", "10:00", True)),
        ("tomorrow-evening", VisitTime("tomorrow", "18:30", True)),
        ("mon", VisitTime("mon", "10:00", True)),
        ("", VisitTime("now", "10:00", False)),
        ("someday", VisitTime("now", "10:00", False)),
    ],
)
def test_a_when_value_presets_the_page_time_picker(when: str, expected: VisitTime) -> None:
    assert visit_time_defaults(when) == expected
