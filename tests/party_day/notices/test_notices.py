"""A branch's reminders: most urgent first, derived from the calendar, the activities and the dues ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from cityservices.errors import Forbidden, RequestInvalid
from cityservices.party_day.attendance.service import tick_roster
from cityservices.party_day.dues import service as dues
from cityservices.party_day.dues.schemas import DuesAssess
from cityservices.party_day.notices.service import branch_notices
from cityservices.party_day.records import service as records
from cityservices.party_day.records.schemas import MinutesCreate
from tests.party_day.builders import ACTOR, ADMIN, STARTS, account, plan, planned_day

NOW = dt.datetime(2026, 8, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 on 10 August, Beijing time


def test_reminders_in_order(session: Session) -> None:
    day = planned_day(session)  # 1 July, planned, never recorded
    branch = day.tree.branch.code
    held = plan(session, branch, theme="七月第二次主题党日", starts_at=STARTS + dt.timedelta(days=5),
                ends_at=STARTS + dt.timedelta(days=5, hours=2))  # fmt: skip
    for person in day.members:
        tick_roster(session, account=ADMIN, actor=ACTOR, activity_id=held.id, member_id=person.id,
                    now=STARTS + dt.timedelta(days=5))  # fmt: skip
    minutes = MinutesCreate(host_id=day.members[0].id, recorder_id=day.members[1].id, expected=3, present=3,
                            absent=0, content="学习")  # fmt: skip
    records.record_minutes(session, account=ADMIN, actor=ACTOR, activity_id=held.id, data=minutes,
                           now=STARTS + dt.timedelta(days=5, hours=3))  # fmt: skip
    soon = plan(session, branch, theme="八月主题党日", starts_at=NOW + dt.timedelta(days=3),
                ends_at=NOW + dt.timedelta(days=3, hours=2))  # fmt: skip
    plan(session, branch, theme="九月主题党日", starts_at=NOW + dt.timedelta(days=30),
         ends_at=NOW + dt.timedelta(days=30, hours=2))  # fmt: skip
    for month in range(2, 8):  # February to July unpaid: six months
        dues.assess(session, account=ADMIN, actor=ACTOR, member_id=day.members[2].id,
                    data=DuesAssess(month=f"2026-{month:02d}", category="student"))  # fmt: skip
    found = branch_notices(session, account=account("editor", branch), actor=ACTOR, branch_code=branch, now=NOW)
    kinds = [n.kind for n in found.notices]
    assert kinds == sorted(kinds, key=["overdue", "no_minutes", "no_self_check", "dues", "due", "upcoming"].index)
    assert "逾期未开：主题党日 2026-06" in [n.text for n in found.notices]
    assert "逾期未开：主题党日 2026-07" not in [n.text for n in found.notices]  # held on 6 July
    assert [n.activity_id for n in found.notices if n.kind == "no_minutes"] == [day.activity.id]
    assert [n.activity_id for n in found.notices if n.kind == "no_self_check"] == [held.id]
    assert [n.activity_id for n in found.notices if n.kind == "upcoming"] == [soon.id]  # September is too far
    assert [n.text for n in found.notices if n.kind == "dues"] == ["1 名党员连续六个月未交党费，请及时了解情况"]
    assert "本期应办：主题党日 2026-08" in [n.text for n in found.notices]
    with pytest.raises(RequestInvalid):
        branch_notices(session, account=ADMIN, actor=ACTOR, branch_code="QD.D1", now=NOW)
    with pytest.raises(Forbidden):
        branch_notices(session, account=account("editor", "QD.D2"), actor=ACTOR, branch_code=branch, now=NOW)
