"""Committee dashboards: requirement periods by state, attendance from the minutes, dues arrears and study hours,
summed by branch kind and by the organisations directly under the viewed one; scoped, audited; charts as SVG."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.errors import Forbidden, RequestInvalid
from cityservices.kit.audit.models import AuditEntry
from cityservices.party_day.attendance.service import tick_roster
from cityservices.party_day.dashboard import service
from cityservices.party_day.dashboard.charts import Bar, Stack, bar_chart, stacked_chart
from cityservices.party_day.dashboard.pages import charts
from cityservices.party_day.dues import service as dues
from cityservices.party_day.dues.schemas import DuesAssess
from cityservices.party_day.education import service as education
from cityservices.party_day.education.schemas import StudyCreate
from cityservices.party_day.records import service as records
from cityservices.party_day.records.schemas import MinutesCreate
from tests.party_day.builders import ACTOR, ADMIN, STARTS, account, planned_day
from tests.service_map.editing.helpers import login

ON = dt.date(2026, 8, 15)


def _world(session: Session) -> None:
    """The school branch held its July day (2 of 3 present), one member owes March dues, 90 minutes of study."""
    day = planned_day(session)
    for person in day.members[:2]:
        tick_roster(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, member_id=person.id, now=STARTS)
    absences = [{"member_id": day.members[2].id, "reason": "外出学习"}]
    minutes = MinutesCreate(host_id=day.members[0].id, recorder_id=day.members[1].id, expected=3, present=2, absent=1,
                            absences=absences, content="集中学习")  # fmt: skip
    records.record_minutes(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, data=minutes,
                           now=STARTS + dt.timedelta(hours=2))  # fmt: skip
    dues.assess(session, account=ADMIN, actor=ACTOR, member_id=day.members[1].id,
                data=DuesAssess(month="2026-03", category="wage", base="3000.01"))  # fmt: skip
    education.record_study(session, account=ADMIN, actor=ACTOR, member_id=day.members[2].id,
                           data=StudyCreate(studied_on=dt.date(2026, 5, 4), minutes=90, note="自学党章"),
                           today=ON)  # fmt: skip


def test_the_city_sees_its_districts_and_kinds(session: Session) -> None:
    _world(session)
    board = service.dashboard(session, account=ADMIN, actor=ACTOR, code="QD", year=2026, on=ON)
    assert board.total.branches == 3
    assert board.total.members == 3
    assert board.total.expected == 3
    assert board.total.present == 2
    assert board.total.attendance_rate == pytest.approx(0.6667)
    assert board.total.arrears == "30.00"
    assert board.total.study_hours == "2.0"  # 90 minutes at 45 minutes a 学时
    assert [g.name for g in board.by_unit] == ["QD.D1 组织", "QD.D2 组织"]
    d1, d2 = board.by_unit
    assert (d1.branches, d2.branches) == (2, 1)
    assert d2.attendance_rate is None
    assert d2.arrears == "0.00"
    kinds = {g.key: g for g in board.by_kind}
    assert set(kinds) == {"school", "community", "village"}
    assert kinds["school"].states.done >= 1  # July's Party Day
    assert kinds["village"].states.done == 0
    assert kinds["village"].states.overdue > 0
    party_day = next(r for r in board.by_requirement if r.code == "party_day")
    assert party_day.states.done == 1
    assert party_day.states.due == 3  # August, for each branch
    assert party_day.states.overdue == 3 * 7 - 1  # January to July, less the school's July
    assert sum(g.states.overdue for g in board.by_kind) == board.total.states.overdue
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "party.dashboard.read")).all()
    assert [a.target_key for a in audit] == ["QD"]


def test_a_committee_sees_only_its_subtree(session: Session) -> None:
    _world(session)
    committee = account("viewer", "QD.D1.C1")
    board = service.dashboard(session, account=committee, actor=ACTOR, code="QD.D1.C1", year=2026, on=ON)
    assert board.total.branches == 2
    assert [g.key for g in board.by_unit] == ["QD.D1.C1.B2", "QD.D1.C1.G1"]
    assert service.default_code(session, committee) == "QD.D1.C1"
    assert service.default_code(session, ADMIN) == "QD"
    with pytest.raises(Forbidden):
        service.dashboard(session, account=committee, actor=ACTOR, code="QD", year=2026, on=ON)
    with pytest.raises(RequestInvalid) as bad:
        service.dashboard(session, account=committee, actor=ACTOR, code="QD.D1.C1", year=2027, on=ON)
    assert bad.value.fields[0][0] == "on"


def test_a_branch_sees_itself_without_units(session: Session) -> None:
    _world(session)
    board = service.dashboard(session, account=ADMIN, actor=ACTOR, code="QD.D1.C1.G1.B1", year=2026, on=ON)
    assert board.total.branches == 1
    assert board.by_unit == []
    assert set(charts(board)) == {"kind_states", "kind_attendance", "kind_arrears", "kind_study", "requirements"}


def test_charts_scale_and_escape() -> None:
    svg = bar_chart("参会率", [Bar("<b>甲</b>", 0.5, "50%"), Bar("乙", 1.0, "100%")], scale_max=1.0)
    assert svg.startswith("<svg")
    assert "<script" not in svg
    assert "&lt;b&gt;甲&lt;/b&gt;" in svg
    assert "<b>" not in svg
    widths = [w for w in svg.split('width="')[1:] if not w.startswith("100%")]
    filled = [float(w.split('"')[0]) for w in widths][1::2]  # track, bar, track, bar
    assert filled == [120.0, 240.0]
    stacked = stacked_chart("完成情况", [Stack("甲", {"done": 3, "due": 1, "overdue": 0}), Stack("乙", {"done": 0})])
    assert "3 / 1 / 0" in stacked
    assert "0 / 0 / 0" in stacked
    assert "暂无数据" in bar_chart("空", [])


def test_dashboard_through_the_api_and_page(party_client: TestClient) -> None:
    login(party_client, "committee")
    answer = party_client.get("/api/v1/party/organisations/QD.D1.C1/dashboard", params={"on": "2026-08-15"})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert answer.json()["total"]["branches"] == 2
    assert party_client.get("/api/v1/party/organisations/QD.D1/dashboard").status_code == 403
    assert party_client.get("/api/v1/party/organisations/QD.D1.C1/dashboard", params={"year": 1}).status_code == 422
    page = party_client.get("/party/manage/dashboard")
    assert page.status_code == 200
    assert "组织生活看板" in page.text
    assert "<svg" in page.text
    assert "<script" not in page.text
    assert party_client.get("/party/manage/dashboard", params={"code": "QD"}).status_code == 403
