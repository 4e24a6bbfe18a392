"""Loading the demo organisation and its year (replacing earlier demo rows; staff-entered rows are kept)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from cityservices.party_day.activities.models import Activity, ActivityParticipant
from cityservices.party_day.activities.requirements import load_requirements
from cityservices.party_day.attendance.models import Attendance
from cityservices.party_day.compliance.models import Meeting
from cityservices.party_day.demo import repository as repo
from cityservices.party_day.demo.activities import HELD_MONTHS, DemoDay, dues_for, meetings_for, plan_values, run_day
from cityservices.party_day.demo.education import demo_resources, study_for
from cityservices.party_day.demo.tree import DemoTree, build_demo_tree
from cityservices.party_day.dues.models import DuesMonth
from cityservices.party_day.education.models import ActivityResource, StudyRecord
from cityservices.party_day.organisation.models import LEVELS, Organisation, PartyMember
from cityservices.party_day.records.models import Minutes
from cityservices.party_day.review.models import CaseNomination, SelfCheck

STEPS = ("组织树", "党员", "主题党日", "签到与记录", "三会一课", "党费", "学习资源")
WEAK_SHARE = 0.15  # share of branches that sometimes skip their organisational life (for the calendar to find)
WEAK_MISS = 0.15  # how often a weak branch misses a required meeting
SELECTED_CASES = 12  # the best self-checked days, shown as the year's selected cases


def _organisations(session: Session, tree: DemoTree) -> dict[str, Organisation]:
    by_code: dict[str, Organisation] = {}
    for level in LEVELS:
        batch = []
        for org in (o for o in tree.orgs if o.level == level):
            parent = by_code[org.parent] if org.parent else None
            row = Organisation(code=org.code, name=org.name, level=org.level, kind=org.kind,
                               parent_id=parent.id if parent else None, path="", is_demo=True)  # fmt: skip
            batch.append((row, parent))
            by_code[org.code] = row
        session.add_all(row for row, _ in batch)
        session.flush()
        for row, parent in batch:
            row.path = f"{parent.path if parent else ''}{row.id}."
    session.flush()
    return by_code


def _members(session: Session, tree: DemoTree, orgs: dict[str, Organisation]) -> dict[int, list[PartyMember]]:
    rows = [
        PartyMember(branch_id=orgs[m.branch].id, group_id=orgs[m.group].id if m.group else None, name=m.name,
                    id_number=m.id_number, phone=None, status=m.status, joined_on=m.joined_on, full_on=m.full_on,
                    roles=m.roles, flowing=m.flowing, flowing_note=None, is_demo=True)
        for m in tree.members
    ]  # fmt: skip
    session.add_all(rows)
    session.flush()
    by_branch: dict[int, list[PartyMember]] = {}
    for row in rows:
        by_branch.setdefault(row.branch_id, []).append(row)
    return by_branch


def _days(
    rng: random.Random, branches: list[Organisation], members: dict[int, list[PartyMember]], weak: set[int]
) -> list[DemoDay]:
    req = load_requirements()
    days = []
    for branch in branches:
        people = members.get(branch.id, [])
        if not people or branch.kind is None:
            continue
        miss = WEAK_MISS if branch.id in weak else 0.0
        for month in (*HELD_MONTHS, 12):
            held = month != 12
            if held and rng.random() < miss:
                continue
            values = plan_values(rng, req, branch.kind, month, people[0].id)
            day = DemoDay(branch.id, values, [p.id for p in people], held)
            if held:
                run_day(rng, day)
            days.append(day)
    return days


def _write_days(session: Session, days: list[DemoDay]) -> list[Activity]:
    rows = [Activity(branch_id=d.branch_id, status=("reviewed" if d.scores else "held") if d.held else "planned",
                     **d.values) for d in days]  # fmt: skip
    session.add_all(rows)
    session.flush()
    participants, attendance, minutes, checks = [], [], [], []
    for row, day in zip(rows, days, strict=True):
        participants += [{"activity_id": row.id, "member_id": m} for m in day.participants]
        attendance += [{"activity_id": row.id, "reason": None, **a} for a in day.attendance]
        if day.minutes:
            minutes.append({"activity_id": row.id, **day.minutes})
        if day.scores and day.minutes:
            checked_at = day.minutes["recorded_at"]
            checks.append({"activity_id": row.id, "scores": day.scores, "notes": {}, "checked_at": checked_at,
                           "checked_by": None})  # fmt: skip
    repo.insert_rows(session, ActivityParticipant, participants)
    repo.insert_rows(session, Attendance, [{"decided_by": None, "decided_at": None, **a} for a in attendance])
    repo.insert_rows(session, Minutes, minutes)
    repo.insert_rows(session, SelfCheck, checks)
    best = sorted(checks, key=lambda c: (-sum(c["scores"].values()), c["activity_id"]))[:SELECTED_CASES]
    repo.insert_rows(session, CaseNomination, [
        {"activity_id": c["activity_id"], "year": c["checked_at"].year, "stage": "city", "status": "selected",
         "scores": {"committee": c["scores"], "district": c["scores"], "city": c["scores"]},
         "nominated_at": c["checked_at"]}
        for c in best
    ])  # fmt: skip
    return rows


def _education(session: Session, rng: random.Random, seed: int, activities: list[Activity],
               members: dict[int, list[PartyMember]]) -> tuple[int, int]:  # fmt: skip
    """The demo library, a resource of a matching content for half the Party Days, and study records."""
    resources = demo_resources(seed)
    session.add_all(resources)
    session.flush()
    by_content: dict[str, list[int]] = {}
    for resource in resources:
        for content in resource.contents:
            by_content.setdefault(content, []).append(resource.id)
    links = []
    for activity in activities:
        choices = [r for c in activity.contents for r in by_content.get(c, [])]
        if choices and rng.random() < 0.5:
            links.append({"activity_id": activity.id, "resource_id": rng.choice(choices)})
    repo.insert_rows(session, ActivityResource, links)
    study = [row for people in members.values() for p in people for row in study_for(rng, p.id, resources, 2026)]
    repo.insert_rows(session, StudyRecord, study)
    return len(resources), len(study)


def load_party_demo(
    session: Session, *, step: Callable[[str], None] = lambda _: None, seed: int = 2026
) -> dict[str, int]:
    """Replace the demo organisation and its year; returns the counts written."""
    rng = random.Random(seed)
    repo.delete_demo(session)
    tree = build_demo_tree(seed)
    step(STEPS[0])
    orgs = _organisations(session, tree)
    step(STEPS[1])
    members = _members(session, tree, orgs)
    branches = [o for o in orgs.values() if o.level == "branch"]
    step(STEPS[2])
    weak = {b.id for b in branches if rng.random() < WEAK_SHARE}
    days = _days(rng, branches, members, weak)
    step(STEPS[3])
    activities = _write_days(session, days)
    step(STEPS[4])
    with_groups = {o.parent_id for o in orgs.values() if o.level == "group"}
    linked: dict[int, set[int]] = {}
    for day in days:
        if day.held and day.values["counts_as"]:
            linked.setdefault(day.branch_id, set()).add((day.values["starts_at"].month - 1) // 3 + 1)
    meetings: list[dict[str, Any]] = []
    for branch in branches:
        meetings += meetings_for(
            rng,
            branch.id,
            branch.id in with_groups,
            linked.get(branch.id, set()),
            WEAK_MISS if branch.id in weak else 0.0,
        )
    repo.insert_rows(session, Meeting, meetings)
    step(STEPS[5])
    dues: list[dict[str, Any]] = []
    for branch in branches:
        for person in members.get(branch.id, []):
            dues += dues_for(rng, person.id, branch.kind or "", person.joined_on, lapsed=rng.random() < 0.01)
    repo.insert_rows(session, DuesMonth, dues)
    step(STEPS[6])
    resources, study = _education(session, rng, seed, activities, members)
    return {"organisations": len(orgs), "branches": len(branches), "members": len(tree.members),
            "activities": len(days), "meetings": len(meetings), "dues_months": len(dues), "resources": resources,
            "study_records": study}  # fmt: skip
