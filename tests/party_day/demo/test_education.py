"""The demo education library: generated titles and descriptions marked 演示, valid tags, study records for the
demo members, resources on Party Days; a reload replaces the demo rows and keeps what staff entered."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.party_day.activities.models import CONTENTS, Activity
from cityservices.party_day.demo.education import SUBJECTS, demo_resources
from cityservices.party_day.demo.service import load_party_demo
from cityservices.party_day.education import service
from cityservices.party_day.education.models import RESOURCE_KINDS, ActivityResource, Resource, StudyRecord
from cityservices.party_day.education.schemas import ResourceCreate, StudyCreate
from cityservices.party_day.organisation.models import BRANCH_KINDS
from tests.party_day.builders import ACTOR, ADMIN, build_tree, member


def test_the_generated_library_is_marked_demo_and_passes_the_checks() -> None:
    rows = demo_resources(2026)
    assert len(rows) == len(SUBJECTS) * len(RESOURCE_KINDS)
    assert len({r.title for r in rows}) == len(rows)
    for row in rows:
        assert row.is_demo
        assert row.title.endswith("演示）")
        assert row.description.startswith("演示数据")
        assert set(row.contents) <= set(CONTENTS)
        assert set(row.branch_kinds) <= set(BRANCH_KINDS)
        assert row.minutes > 0
    assert [r.title for r in demo_resources(2026)] == [r.title for r in rows]  # deterministic


def test_the_demo_load_and_reload(session: Session) -> None:
    tree = build_tree(session)
    person = member(session, tree.branch.code)
    data = ResourceCreate(title="本支部自编学习资料", kind="document", contents=["理论学习"], minutes=20)
    own = service.add_resource(session, account=ADMIN, actor=ACTOR, data=data)
    counts = load_party_demo(session)
    assert counts["resources"] == len(SUBJECTS) * len(RESOURCE_KINDS)
    assert counts["study_records"] >= 3 * counts["members"]
    demo_resource = session.scalar(select(Resource.id).where(Resource.is_demo.is_(True)).limit(1))
    assert demo_resource is not None
    study = StudyCreate.model_validate({"studied_on": "2026-05-01", "minutes": 30, "resource_id": demo_resource})
    service.record_study(session, account=ADMIN, actor=ACTOR, member_id=person.id, data=study,
                         today=study.studied_on)  # fmt: skip
    linked = session.scalar(select(func.count()).select_from(ActivityResource)) or 0
    activities = session.scalar(select(func.count()).select_from(Activity)) or 0
    assert 0.3 * activities < linked < 0.7 * activities
    again = load_party_demo(session)
    assert again == counts
    assert session.get(Resource, own.id) is not None
    kept = session.scalars(select(StudyRecord).where(StudyRecord.member_id == person.id)).all()
    assert [(r.minutes, r.resource_id) for r in kept] == [(30, None)]  # the demo resource it named was replaced
    total = session.scalar(select(func.count()).select_from(Resource)) or 0
    assert total == counts["resources"] + 1
