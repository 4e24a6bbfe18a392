"""The library, the study-hours ledger and plan resources through the services, on SQLite and PostgreSQL: bad
input names the field and writes nothing; a ledger outside the account's scope is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.errors import Forbidden, NotFound, RequestInvalid
from cityservices.kit.audit.models import AuditEntry
from cityservices.party_day.activities import service as activities
from cityservices.party_day.education import service
from cityservices.party_day.education.models import ActivityResource, Resource, StudyRecord
from cityservices.party_day.education.schemas import ResourceCreate, StudyCreate
from tests.party_day.builders import ACTOR, ADMIN, account, build_tree, member, planned_day

TODAY = dt.date(2026, 12, 7)


def _resource(session: Session, **values: Any) -> Any:
    data = ResourceCreate.model_validate({"title": "党章基本知识微党课", "kind": "course", "contents": ["理论学习"],
                                          "minutes": 30, **values})  # fmt: skip
    return service.add_resource(session, account=ADMIN, actor=ACTOR, data=data)


def _study(session: Session, member_id: int, who: Any = ADMIN, **values: Any) -> Any:
    data = StudyCreate.model_validate({"studied_on": "2026-03-01", "minutes": 45, "note": "集中学习党章", **values})
    return service.record_study(session, account=who, actor=ACTOR, member_id=member_id, data=data, today=TODAY)


def _count(session: Session, table: Any) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "podcast"}, "kind"),
        ({"contents": ["文艺演出"]}, "contents"),
        ({"contents": []}, "contents"),
        ({"contents": ["理论学习", "理论学习"]}, "contents"),
        ({"branch_kinds": ["factory"]}, "branch_kinds"),
        ({"keywords": ["！！"]}, "keywords"),
        ({"minutes": -5}, "minutes"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": 24 * 60 + 1}, "minutes"),
        ({"title": "   "}, "title"),
    ],
)
def test_bad_resources_name_the_field_and_write_nothing(session: Session, values: dict[str, Any], field: str) -> None:
    with pytest.raises(RequestInvalid) as caught:
        _resource(session, **values)
    assert caught.value.field == field
    assert _count(session, Resource) == 0


def test_only_administrators_add_resources(session: Session) -> None:
    data = ResourceCreate(title="党史概览", kind="video", contents=["党性教育"], minutes=20)
    with pytest.raises(Forbidden):
        service.add_resource(session, account=account("editor", "QD.D1"), actor=ACTOR, data=data)
    assert _count(session, Resource) == 0


def test_search_ranks_and_filters(session: Session) -> None:
    chapter = _resource(session)
    oath = _resource(session, title="重温入党誓词视频课", kind="video", contents=["党性教育"], keywords=["入党誓词"],
                     description="演示：学习党章中的誓词", branch_kinds=["village"])  # fmt: skip
    history = _resource(session, title="党史重要事件概览", kind="document", contents=["党性教育"],
                        description="演示：党章以外的党史知识")  # fmt: skip

    def ids(**query: Any) -> list[int]:
        args = {"q": None, "kind": None, "content": None, "branch_kind": None, "limit": 20, "offset": 0, **query}
        return [hit.id for hit in service.search_resources(session, **args).items]

    assert ids(q="党章") == [chapter.id, history.id, oath.id]  # title first; two description matches: shorter title
    assert ids(q="黨章 微黨課") == [chapter.id]  # traditional characters folded; every word must match
    assert ids(q="dangshi") == [history.id, oath.id]  # 党史, and 入党誓词 (dang shi) too; the shorter title first
    assert ids(q="chongwen") == [oath.id]
    assert ids(q="誓词") == [oath.id]
    assert ids(content="党性教育") == [history.id, oath.id]  # no query: newest first
    assert ids(kind="video") == [oath.id]
    assert ids(branch_kind="school") == [history.id, chapter.id]  # resources for every kind, not the village one
    assert ids(branch_kind="village") == [history.id, oath.id, chapter.id]
    assert ids(q="不存在的词") == []
    page = service.search_resources(session, q="党章", kind=None, content=None, branch_kind=None, limit=1, offset=1)
    assert page.total == 3
    assert [h.id for h in page.items] == [history.id]
    for bad, field in (({"kind": "podcast"}, "kind"), ({"content": "文艺"}, "content"),
                       ({"branch_kind": "factory"}, "branch_kind")):  # fmt: skip
        with pytest.raises(RequestInvalid) as caught:
            ids(**bad)
        assert caught.value.field == field


def test_the_ledger_totals_a_year_against_the_requirement(session: Session) -> None:
    tree = build_tree(session)
    person = member(session, tree.branch.code)
    secretary = member(session, tree.branch.code, roles=["secretary"])
    course = _resource(session)
    _study(session, person.id, resource_id=course.id, note=None, minutes=30 * 45)
    _study(session, person.id, studied_on="2026-11-30", minutes=2 * 45 + 5)
    _study(session, person.id, studied_on="2025-12-31", minutes=600)  # another year
    ledger = service.study_ledger(session, account=ADMIN, actor=ACTOR, member_id=person.id, year=2026)
    assert ledger.total_minutes == 32 * 45 + 5
    assert ledger.total_hours == "32.1"
    assert ledger.required_hours == 32
    assert ledger.met
    assert ledger.remaining_hours == "0.0"
    assert ledger.status == "示例参数，未经核实"
    assert [r.resource_title for r in ledger.records] == [course.title, None]
    other = service.study_ledger(session, account=ADMIN, actor=ACTOR, member_id=secretary.id, year=2026)
    assert other.required_hours == 56
    assert not other.met
    assert other.remaining_hours == "56.0"
    assert _count(session, AuditEntry) > 0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"minutes": -30}, "minutes"),
        ({"minutes": 0}, "minutes"),
        ({"studied_on": "2026-12-08"}, "studied_on"),
        ({"studied_on": "1999-12-31"}, "studied_on"),
        ({"resource_id": 999_999}, "resource_id"),
        ({"note": "  "}, "note"),
    ],
)
def test_bad_study_records_name_the_field_and_write_nothing(
    session: Session, values: dict[str, Any], field: str
) -> None:
    tree = build_tree(session)
    person = member(session, tree.branch.code)
    with pytest.raises(RequestInvalid) as caught:
        _study(session, person.id, **values)
    assert caught.value.field == field
    assert _count(session, StudyRecord) == 0


def test_ledgers_outside_the_scope_are_refused(session: Session) -> None:
    tree = build_tree(session)
    person = member(session, tree.branch.code)
    stranger = account("editor", tree.other_branch.code)
    with pytest.raises(Forbidden):
        _study(session, person.id, who=stranger)
    with pytest.raises(Forbidden):
        service.study_ledger(session, account=stranger, actor=ACTOR, member_id=person.id, year=2026)
    with pytest.raises(NotFound):
        service.study_ledger(session, account=ADMIN, actor=ACTOR, member_id=999_999, year=2026)
    assert _count(session, StudyRecord) == 0
    viewer = account("viewer", tree.committee.code)
    with pytest.raises(Forbidden):
        _study(session, person.id, who=viewer)
    assert service.study_ledger(session, account=viewer, actor=ACTOR, member_id=person.id, year=2026).records == []


def test_resources_of_a_plan_show_in_its_read(session: Session) -> None:
    day = planned_day(session)
    first, second = _resource(session), _resource(session, title="党史重要事件概览", kind="document")
    attach = service.attach_resources
    assert [r.id for r in attach(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id,
                                 resource_ids=[second.id, first.id])] == [first.id, second.id]  # fmt: skip
    read = activities.read_activity(session, account=ADMIN, activity_id=day.activity.id)
    assert [r.title for r in read.resources] == [first.title, second.title]
    attach(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, resource_ids=[second.id])
    assert [r.id for r in service.plan_resources(session, account=ADMIN, activity_id=day.activity.id)] == [second.id]
    for ids, field in (([second.id, 999_999], "resource_ids"), ([first.id, first.id], "resource_ids")):
        with pytest.raises(RequestInvalid) as caught:
            attach(session, account=ADMIN, actor=ACTOR, activity_id=day.activity.id, resource_ids=ids)
        assert caught.value.field == field
    with pytest.raises(Forbidden):
        attach(session, account=account("editor", day.tree.other_branch.code), actor=ACTOR,
               activity_id=day.activity.id, resource_ids=[first.id])  # fmt: skip
    assert _count(session, ActivityResource) == 1
