"""Plans are checked on save against the basic elements, the five contents, the procedure, the branch kind's
template and the 三会一课 linkage; a failed check names the field and writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.errors import Forbidden, RequestInvalid
from cityservices.party_day.activities import service
from cityservices.party_day.activities.models import Activity
from cityservices.party_day.activities.requirements import load_requirements, parse_requirements
from cityservices.party_day.organisation.models import BRANCH_KINDS
from tests.party_day.builders import ACTOR, STARTS, account, build_tree, member, plan, plan_data


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Activity)) or 0


def test_a_valid_plan_invites_every_member_by_default(session: Session) -> None:
    tree = build_tree(session)
    member(session, tree.branch.code)
    member(session, tree.branch.code)
    member(session, tree.branch2.code)
    stored = plan(session, tree.branch.code)
    assert stored.expected == 2
    assert stored.status == "planned"
    assert stored.step_names[:2] == ["签到", "重温入党誓词"]


BAD_PLANS: list[tuple[dict[str, Any], str, str]] = [
    ({"theme": "学习"}, "theme", "主题"),
    ({"ends_at": STARTS}, "ends_at", "结束时间"),
    ({"ends_at": STARTS + dt.timedelta(hours=13)}, "ends_at", "12 小时"),
    ({"method": "聚餐"}, "method", "组织方式"),
    ({"place": " "}, "place", "地点"),
    ({"contents": ["唱歌跳舞"]}, "contents", "五项主要内容"),
    ({"contents": []}, "contents", "至少选择一项"),
    ({"contents": ["志愿服务"]}, "contents", "学校党支部的主题党日须包含以下内容之一：理论学习、党性教育"),
    ({"steps": ["sign_in", "oath_review", "dues", "study", "discussion", "karaoke"]}, "steps", "karaoke"),
    ({"steps": ["sign_in", "dues", "study", "discussion"]}, "steps", "重温入党誓词"),
    ({"steps": ["sign_in", "oath_review", "dues", "study"]}, "steps", "交流研讨"),
    ({"steps": ["oath_review", "sign_in", "dues", "study", "discussion"]}, "steps", "第一个程序环节应为签到"),
    ({"steps": ["sign_in", "oath_review", "dues", "study", "discussion", "study"]}, "steps", "重复"),
    ({"participant_ids": [999_999]}, "participant_ids", "不是本支部党员"),
    ({"counts_as": ["tea_party"]}, "counts_as", "未知的三会一课类型"),
    ({"counts_as": ["party_lecture"]}, "lecturer_id", "讲课人"),
    ({"contents": ["党性教育"], "counts_as": ["general_meeting"]}, "counts_as", "组织生活、民主议事"),
    ({"own_contents": [" "]}, "own_contents", "自选内容"),
]


@pytest.mark.parametrize(("overrides", "field", "words"), BAD_PLANS)
def test_a_bad_plan_names_the_field_and_writes_nothing(
    session: Session, overrides: dict[str, Any], field: str, words: str
) -> None:
    tree = build_tree(session)
    member(session, tree.branch.code)
    with pytest.raises(RequestInvalid) as caught:
        plan(session, tree.branch.code, **overrides)
    assert caught.value.field == field
    assert words in str(caught.value)
    assert _count(session) == 0


def test_the_linkage_needs_qualifying_content_a_lecturer_and_for_a_general_meeting_everyone(session: Session) -> None:
    tree = build_tree(session)
    first = member(session, tree.branch.code)
    member(session, tree.branch.code)
    with pytest.raises(RequestInvalid) as caught:
        plan(session, tree.branch.code, counts_as=["general_meeting"], participant_ids=[first.id])
    assert caught.value.field == "participant_ids"
    with pytest.raises(RequestInvalid) as caught:
        plan(session, tree.branch.code, counts_as=["party_lecture"], lecturer_id=999_999)
    assert caught.value.field == "lecturer_id"
    linked = plan(session, tree.branch.code, counts_as=["general_meeting", "party_lecture"], lecturer_id=first.id)
    assert linked.counts_as == ["general_meeting", "party_lecture"]


def test_each_kind_has_its_template(session: Session) -> None:
    tree = build_tree(session)
    member(session, tree.other_branch.code)
    village = {"contents": ["理论学习"], "steps": ["sign_in", "oath_review", "dues", "study", "deliberation"]}
    with pytest.raises(RequestInvalid) as caught:
        plan(session, tree.other_branch.code, **village)
    assert "民主议事、志愿服务" in str(caught.value)
    village["contents"] = ["理论学习", "民主议事"]
    assert plan(session, tree.other_branch.code, **village).branch_code == tree.other_branch.code
    assert set(load_requirements().kinds) == set(BRANCH_KINDS)
    retired = service.requirements_for("retired")
    assert "联合" not in retired.methods
    assert retired.status == "示例参数，未经核实"


def test_a_template_naming_an_unknown_step_is_refused() -> None:
    raw = {"source": "s", "status": "示例参数", "steps": {"sign_in": "签到"}, "fixed_steps": ["sign_in", "oath"],
           "sign_in_window": {"opens_minutes_before": 1, "closes_minutes_after": 1}, "make_up_days": 1,
           "linkage": {}, "kinds": {}}  # fmt: skip
    with pytest.raises(ValueError, match="oath"):
        parse_requirements(raw)


def test_plans_stay_inside_the_scope(session: Session) -> None:
    tree = build_tree(session)
    member(session, tree.branch.code)
    with pytest.raises(Forbidden):
        service.plan_activity(session, account=account("editor", "QD.D2"), actor=ACTOR, branch_code=tree.branch.code,
                              data=plan_data())  # fmt: skip
    with pytest.raises(RequestInvalid) as caught:
        plan(session, tree.committee.code)
    assert caught.value.field == "branch_code"
    own = plan(session, tree.branch.code)
    page = service.list_activities(session, account=account("viewer", "QD.D2"), branch_code=None, start=None,
                                   end=None, limit=50, offset=0)  # fmt: skip
    assert page.total == 0
    page = service.list_activities(session, account=account("viewer", "QD.D1"), branch_code=None, start=None,
                                   end=None, limit=50, offset=0)  # fmt: skip
    assert [item.id for item in page.items] == [own.id]
    assert page.items[0].expected == 1
