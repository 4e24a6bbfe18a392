"""The demo organisation: ten districts, all seven kinds, a few thousand fictional members, a year of activities,
everything marked demo, consistent with the rules, and replaced (not duplicated) on a second load."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.party_day.activities.models import Activity
from cityservices.party_day.activities.requirements import load_requirements
from cityservices.party_day.activities.schemas import ActivityCreate
from cityservices.party_day.activities.service import check_basic_elements, check_contents_and_steps
from cityservices.party_day.demo.service import load_party_demo
from cityservices.party_day.organisation.models import BRANCH_KINDS, Organisation, PartyMember
from cityservices.party_day.organisation.validation import id_number_problem
from cityservices.party_day.records.models import Minutes
from cityservices.party_day.review import cases
from tests.party_day.builders import build_tree, member


def _count(session: Session, model: type, *where: object) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def test_the_demo_year(session: Session) -> None:
    tree = build_tree(session)
    member(session, tree.branch.code)  # staff-entered rows survive a reload
    counts = load_party_demo(session)
    assert counts["branches"] >= 200
    assert 2000 <= counts["members"] <= 5000
    assert _count(session, Organisation, Organisation.level == "district", Organisation.is_demo.is_(True)) == 10
    kinds = set(session.scalars(select(Organisation.kind).where(Organisation.level == "branch",
                                                                 Organisation.is_demo.is_(True))))  # fmt: skip
    assert kinds == set(BRANCH_KINDS)
    demo_members = session.scalars(select(PartyMember).where(PartyMember.is_demo.is_(True))).all()
    assert all(m.phone is None and m.id_number.startswith("990000") for m in demo_members)
    assert all(id_number_problem(m.id_number) is None for m in demo_members)
    assert all(m.name for m in demo_members)
    assert _count(session, Activity, Activity.is_demo.is_(False)) == 0
    minutes = session.scalars(select(Minutes)).all()
    assert minutes
    assert all(m.present + m.absent == m.expected and len(m.absences) == m.absent for m in minutes)
    req = load_requirements()
    sample = session.execute(
        select(Activity, Organisation.kind).join(Organisation, Organisation.id == Activity.branch_id).limit(200)
    ).all()
    for activity, kind in sample:  # every generated plan passes the template checks a secretary's plan passes
        data = ActivityCreate(theme=activity.theme, starts_at=activity.starts_at.replace(tzinfo=dt.UTC),
                              ends_at=activity.ends_at.replace(tzinfo=dt.UTC), method=activity.method,
                              place=activity.place, contents=activity.contents, steps=activity.steps)  # fmt: skip
        check_basic_elements(data, kind, req)
        check_contents_and_steps(data, kind, req)
    public = cases.selected(session, year=2026)
    assert len(public) == 12
    assert all(c.is_demo for c in public)
    again = load_party_demo(session)
    assert again == counts
    assert _count(session, PartyMember, PartyMember.is_demo.is_(False)) == 1
    assert _count(session, Organisation, Organisation.level == "district") == 12  # ten demo + two of the test tree
