"""Minutes carry the fixed elements; present + absent = expected and present agrees with the sign-in records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, RequestInvalid, RuleViolation
from cityservices.party_day.activities.models import Activity
from cityservices.party_day.attendance.service import tick_roster
from cityservices.party_day.records import service
from cityservices.party_day.records.models import Minutes
from cityservices.party_day.records.schemas import MinutesCreate
from tests.party_day.builders import ACTOR, ADMIN, STARTS, Day, planned_day

AFTER = STARTS + dt.timedelta(hours=2)


def _held(session: Session) -> Day:
    """Two of the three members ticked present; the third absent."""
    day = planned_day(session)
    for person in day.members[:2]:
        tick_roster(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, member_id=person.id, now=STARTS)
    return day


def _minutes(day: Day, **overrides: Any) -> MinutesCreate:
    values: dict[str, Any] = {
        "host_id": day.members[0].id,
        "recorder_id": day.members[1].id,
        "expected": 3,
        "present": 2,
        "absent": 1,
        "absences": [{"member_id": day.members[2].id, "reason": "外出学习"}],
        "content": "集中学习并交流研讨",
        "resolutions": ["开展社区志愿服务"],
        "follow_up": ["七月底前完成"],
        **overrides,
    }
    return MinutesCreate.model_validate(values)


def _record(session: Session, day: Day, **overrides: Any) -> Any:
    return service.record_minutes(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id,
                                  data=_minutes(day, **overrides), now=AFTER)  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"absent": 2}, "absent"),
        ({"present": 3, "absent": 0, "absences": []}, "present"),
        ({"expected": 4, "absent": 2}, "expected"),
        ({"absences": []}, "absences"),
        ({"absences": [{"member_id": 0, "reason": "x"}]}, "absences"),
        ({"absences": [{"member_id": -1, "reason": " "}]}, "absences"),
        ({"host_id": 999_999}, "host_id"),
        ({"recorder_id": 999_999}, "recorder_id"),
        ({"content": "  "}, "content"),
    ],
)
def test_bad_minutes_name_the_field_and_write_nothing(session: Session, overrides: dict[str, Any], field: str) -> None:
    day = _held(session)
    if overrides.get("absences") and overrides["absences"][0]["member_id"] <= 0:  # a present member / a blank reason
        who = day.members[0].id if overrides["absences"][0]["member_id"] == 0 else day.members[2].id
        overrides = {"absences": [{**overrides["absences"][0], "member_id": who}]}
    with pytest.raises(RequestInvalid) as caught:
        _record(session, day, **overrides)
    assert caught.value.field == field
    assert session.get(Minutes, day.activity.id) is None
    activity = session.get(Activity, day.activity.id)
    assert activity is not None
    assert activity.status == "planned"


def test_minutes_mark_the_day_held_once(session: Session) -> None:
    day = _held(session)
    with pytest.raises(RuleViolation):
        service.record_minutes(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, data=_minutes(day),
                               now=STARTS - dt.timedelta(minutes=1))  # fmt: skip
    stored = _record(session, day)
    assert stored.present + stored.absent == stored.expected
    activity = session.get(Activity, day.activity.id)
    assert activity is not None
    assert activity.status == "held"
    with pytest.raises(Conflict):
        _record(session, day)
    assert service.read_minutes(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id).resolutions == [
        "开展社区志愿服务"
    ]
