"""The compliance calendar: frequencies as data, Beijing-time periods, each event counted once per requirement,
due / overdue per branch and aggregates for the committees above."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cityservices.errors import Forbidden, RequestInvalid
from cityservices.party_day.activities.models import Activity
from cityservices.party_day.compliance import service
from cityservices.party_day.compliance.rules import load_frequencies, parse_frequencies, period_end, period_key
from cityservices.party_day.compliance.schemas import BranchCalendar, MeetingCreate
from tests.party_day.builders import ACTOR, ADMIN, account, build_tree, member, plan

ON = dt.date(2026, 8, 15)


def _held_day(session: Session, branch: str, starts: dt.datetime, **overrides: Any) -> None:
    created = plan(session, branch, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), **overrides)
    activity = session.get(Activity, created.id)
    assert activity is not None
    activity.status = "held"
    session.flush()


def _states(calendar: BranchCalendar, code: str) -> dict[str, tuple[int, str]]:
    item = next(r for r in calendar.requirements if r.code == code)
    return {p.key: (p.held, p.state) for p in item.periods}


def test_periods_and_frequencies_are_data() -> None:
    assert period_key("quarter", dt.date(2026, 8, 15)) == "2026-Q3"
    assert period_end("quarter", "2026-Q4") == dt.date(2026, 12, 31)
    assert period_end("month", "2026-02") == dt.date(2026, 2, 28)
    freq = load_frequencies()
    assert freq.requirements["general_meeting"].period == "quarter"
    assert freq.requirements["party_lecture"].status == "示例参数，未经核实"
    with pytest.raises(ValueError, match="fortnight"):
        parse_frequencies({"source": "", "requirements": {"x": {"label": "x", "period": "fortnight", "count": 1}}})


def test_a_linked_party_day_counts_once_for_each_requirement(session: Session) -> None:
    tree = build_tree(session)
    lecturer = member(session, tree.branch.code)
    # 2026-06-30 17:30 UTC is 2026-07-01 01:30 in Beijing: a July day
    july = dt.datetime(2026, 6, 30, 17, 30, tzinfo=dt.UTC)
    _held_day(session, tree.branch.code, july, counts_as=["general_meeting", "party_lecture"], lecturer_id=lecturer.id)
    _held_day(session, tree.branch.code, dt.datetime(2026, 8, 3, 1, 0, tzinfo=dt.UTC))
    plan(session, tree.branch.code, starts_at=dt.datetime(2026, 6, 3, 1, tzinfo=dt.UTC),
         ends_at=dt.datetime(2026, 6, 3, 3, tzinfo=dt.UTC))  # planned, never held: does not count  # fmt: skip
    service.record_meeting(session, account=ADMIN, actor=ACTOR, branch_code=tree.branch.code, data=MeetingCreate(
        kind="general_meeting", held_at=dt.datetime(2026, 9, 1, 1, tzinfo=dt.UTC), topic="接收预备党员"))  # fmt: skip
    calendar = service.branch_calendar(session, account=ADMIN, branch_code=tree.branch.code, year=2026, on=ON)
    days = _states(calendar, "party_day")
    assert days["2026-06"] == (0, "overdue")
    assert days["2026-07"] == (1, "done")
    assert days["2026-08"] == (1, "done")
    assert days["2026-09"] == (0, "upcoming")
    assert _states(calendar, "general_meeting")["2026-Q3"] == (2, "done")  # the day and the separate meeting
    assert _states(calendar, "general_meeting")["2026-Q2"] == (0, "overdue")
    assert _states(calendar, "party_lecture")["2026-Q3"] == (1, "done")
    assert _states(calendar, "organisational_life")["2026"] == (0, "due")
    assert "支部委员会 2026-08" in calendar.due
    assert "主题党日 2026-06" in calendar.overdue
    assert "group_meeting" in {r.code for r in calendar.requirements}  # B1 has a Party group
    other = service.branch_calendar(session, account=ADMIN, branch_code=tree.branch2.code, year=2026, on=ON)
    assert "group_meeting" not in {r.code for r in other.requirements}


def test_committees_see_aggregates_of_their_subtree(session: Session) -> None:
    tree = build_tree(session)
    member(session, tree.branch.code)
    for month in range(1, 13):
        _held_day(session, tree.branch.code, dt.datetime(2026, month, 2, 1, tzinfo=dt.UTC))
    committee = account("viewer", tree.committee.code)
    summary = service.overview(session, account=committee, code=tree.committee.code, year=2026, on=dt.date(2026, 1, 20))
    assert summary.branches == 2
    assert summary.with_overdue == 0  # nothing has fallen due yet on 20 January
    later = service.overview(session, account=committee, code=tree.committee.code, year=2026, on=ON)
    assert later.with_overdue == 2  # both miss their committee meetings; B2 also its Party Days
    assert later.by_requirement["主题党日"].with_overdue == 1
    assert later.by_requirement["主题党日"].compliance_rate == 0.5
    assert set(later.by_kind) == {"学校党支部", "城市社区党组织"}
    assert set(later.by_district) == {"QD.D1 组织"}
    city = service.overview(session, account=ADMIN, code="QD", year=2026, on=ON)
    assert city.branches == 3
    assert set(city.by_district) == {"QD.D1 组织", "QD.D2 组织"}
    with pytest.raises(Forbidden):
        service.overview(session, account=committee, code="QD", year=2026, on=ON)


def test_bad_meetings_and_dates_name_the_field(session: Session) -> None:
    tree = build_tree(session)
    when = dt.datetime(2026, 9, 1, 1, tzinfo=dt.UTC)
    for kind, topic, field in (("party_day", "x", "kind"), ("picnic", "x", "kind"), ("party_lecture", " ", "topic")):
        with pytest.raises(RequestInvalid) as caught:
            service.record_meeting(session, account=ADMIN, actor=ACTOR, branch_code=tree.branch.code,
                                   data=MeetingCreate(kind=kind, held_at=when, topic=topic))  # fmt: skip
        assert caught.value.field == field
    with pytest.raises(RequestInvalid) as caught:
        service.branch_calendar(session, account=ADMIN, branch_code=tree.branch.code, year=1900, on=ON)
    assert caught.value.field == "year"
    with pytest.raises(RequestInvalid) as caught:
        service.branch_calendar(session, account=ADMIN, branch_code=tree.committee.code, year=2026, on=ON)
    assert caught.value.field == "code"
