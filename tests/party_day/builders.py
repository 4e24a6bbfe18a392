"""Typed builders of the Party Day tests: a small organisation tree, accounts with a ``party_org`` scope, members."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount, StaffAccountScope
from cityservices.kit.audit import Actor
from cityservices.party_day.activities import service as activities
from cityservices.party_day.activities.schemas import ActivityCreate, ActivityRead
from cityservices.party_day.organisation import members, service
from cityservices.party_day.organisation.models import Organisation
from cityservices.party_day.organisation.schemas import MemberCreate, MemberRead, OrganisationCreate
from cityservices.party_day.organisation.validation import with_check_digit

ACTOR = Actor(id=None, name="test")
_serial = count(1)


def account(role: str = "editor", org: str | None = None) -> StaffAccount:
    """A transient account (not stored) whose ``party_org`` scope is ``org``."""
    rows = [StaffAccountScope(kind="party_org", value=org)] if org else []
    return StaffAccount(username=f"u{next(_serial)}", role=role, scope_rows=rows)


ADMIN = account("admin")


def org(session: Session, code: str, level: str, parent: str | None, kind: str | None = None) -> Organisation:
    data = OrganisationCreate(code=code, name=f"{code} 组织", level=level, kind=kind, parent_code=parent)
    return service.add_organisation(session, account=ADMIN, actor=ACTOR, data=data)


@dataclass
class Tree:
    """QD → D1 (C1 → G1 → B1 → P1, C1 → B2) and D2 → C2 → B3 (village)."""

    city: Organisation
    district: Organisation
    committee: Organisation
    general: Organisation
    branch: Organisation
    group: Organisation
    branch2: Organisation
    other_branch: Organisation


def build_tree(session: Session) -> Tree:
    city = org(session, "QD", "city", None)
    district = org(session, "QD.D1", "district", "QD")
    committee = org(session, "QD.D1.C1", "committee", "QD.D1")
    general = org(session, "QD.D1.C1.G1", "general_branch", "QD.D1.C1", "school")
    branch = org(session, "QD.D1.C1.G1.B1", "branch", "QD.D1.C1.G1", "school")
    group = org(session, "QD.D1.C1.G1.B1.P1", "group", "QD.D1.C1.G1.B1")
    branch2 = org(session, "QD.D1.C1.B2", "branch", "QD.D1.C1", "community")
    org(session, "QD.D2", "district", "QD")
    org(session, "QD.D2.C2", "committee", "QD.D2")
    other = org(session, "QD.D2.C2.B3", "branch", "QD.D2.C2", "village")
    return Tree(city, district, committee, general, branch, group, branch2, other)


def id_number(serial: int, birth: str = "19800101") -> str:
    return with_check_digit(f"370202{birth}{serial % 1000:03d}")


def member_data(**overrides: Any) -> MemberCreate:
    values: dict[str, Any] = {
        "name": "张三丰",
        "id_number": id_number(next(_serial)),
        "phone": "13812345678",
        "status": "full",
        "joined_on": dt.date(2010, 7, 1),
        "full_on": dt.date(2011, 7, 1),
        "roles": [],
        **overrides,
    }
    return MemberCreate.model_validate(values)


def member(session: Session, branch: str, **overrides: Any) -> MemberRead:
    return members.add_member(session, account=ADMIN, actor=ACTOR, branch_code=branch, data=member_data(**overrides))


STARTS = dt.datetime(2026, 7, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 Beijing time


def plan_data(**overrides: Any) -> ActivityCreate:
    """A plan that satisfies the school branch's template."""
    values: dict[str, Any] = {
        "theme": "学习贯彻党的二十届三中全会精神",
        "starts_at": STARTS,
        "ends_at": STARTS + dt.timedelta(hours=2),
        "method": "集中",
        "place": "学校党员活动室",
        "contents": ["理论学习", "组织生活"],
        "steps": ["sign_in", "oath_review", "dues", "study", "discussion", "summary"],
        **overrides,
    }
    return ActivityCreate.model_validate(values)


def plan(session: Session, branch: str, **overrides: Any) -> ActivityRead:
    return activities.plan_activity(session, account=ADMIN, actor=ACTOR, branch_code=branch,
                                    data=plan_data(**overrides))  # fmt: skip


@dataclass
class Day:
    """The tree, three members of the school branch (the first its secretary) and a planned day for them."""

    tree: Tree
    members: list[MemberRead]
    activity: ActivityRead


def planned_day(session: Session) -> Day:
    tree = build_tree(session)
    people = [
        member(session, tree.branch.code, name="书记甲", roles=["secretary"]),
        member(session, tree.branch.code, name="党员乙"),
        member(session, tree.branch.code, name="党员丙"),
    ]
    return Day(tree, people, plan(session, tree.branch.code))
