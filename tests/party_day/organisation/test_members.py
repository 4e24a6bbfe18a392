"""Members of a branch: a valid record or a clear error naming the field; masked answers; audited reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, Forbidden, RequestInvalid
from cityservices.kit.audit.models import AuditEntry
from cityservices.party_day.organisation import members
from cityservices.party_day.organisation.models import PartyMember
from cityservices.party_day.organisation.validation import id_number_problem
from tests.party_day.builders import ACTOR, ADMIN, account, build_tree, member, member_data


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(PartyMember)) or 0


def test_id_number_check_digit() -> None:
    assert id_number_problem("11010519491231002X") is None
    assert id_number_problem("110105194912310021") == "校验位不正确"
    assert id_number_problem("110105194913310021") == "出生日期不是有效日期"
    assert id_number_problem("1101051949123100") is not None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_number": "110105194912310021"}, "id_number"),
        ({"phone": "12345"}, "phone"),
        ({"status": "candidate"}, "status"),
        ({"full_on": None}, "full_on"),
        ({"status": "probationary"}, "full_on"),
        ({"full_on": dt.date(2009, 1, 1)}, "full_on"),
        ({"roles": ["chairman"]}, "roles"),
        ({"roles": ["group_leader"]}, "roles"),
        ({"status": "probationary", "full_on": None, "roles": ["secretary"]}, "roles"),
        ({"flowing": "away"}, "flowing"),
        ({"group_code": "QD.D1.C1"}, "group_code"),
    ],
)
def test_a_bad_record_names_the_field_and_writes_nothing(
    session: Session, overrides: dict[str, Any], field: str
) -> None:
    tree = build_tree(session)
    with pytest.raises(RequestInvalid) as caught:
        member(session, tree.branch.code, **overrides)
    assert caught.value.field == field
    assert _count(session) == 0


def test_one_secretary_per_branch_and_one_record_per_person(session: Session) -> None:
    tree = build_tree(session)
    first = member(session, tree.branch.code, roles=["secretary"])
    with pytest.raises(Conflict):
        member(session, tree.branch.code, roles=["secretary"])
    member(session, tree.branch2.code, roles=["secretary"])  # another branch has its own
    stored = session.get(PartyMember, first.id)
    assert stored is not None
    with pytest.raises(Conflict):
        member(session, tree.branch2.code, id_number=stored.id_number)
    assert _count(session) == 2


def test_members_belong_to_branches_and_groups_inside_them(session: Session) -> None:
    tree = build_tree(session)
    with pytest.raises(RequestInvalid) as caught:
        member(session, tree.committee.code)
    assert caught.value.field == "branch_code"
    leader = member(session, tree.branch.code, roles=["group_leader"], group_code=tree.group.code)
    assert leader.group_code == tree.group.code


def test_lists_mask_numbers_always_and_names_above_the_branch(session: Session) -> None:
    tree = build_tree(session)
    member(session, tree.branch.code, name="李向阳", phone="13912345678")
    secretary = account("editor", tree.branch.code)
    own = members.list_members(
        session, account=secretary, actor=ACTOR, branch_code=tree.branch.code, limit=50, offset=0
    )
    assert own.total == 1
    row = own.items[0]
    assert row.name == "李向阳"
    assert row.phone == "139****5678"
    assert row.id_number.startswith("3")
    assert "*" * 16 in row.id_number
    committee = account("viewer", tree.committee.code)
    upper = members.list_members(
        session, account=committee, actor=ACTOR, branch_code=tree.branch.code, limit=50, offset=0
    )
    assert upper.items[0].name == "李**"
    assert "13912345678" not in upper.model_dump_json()
    assert "13912345678" not in own.model_dump_json()
    with pytest.raises(Forbidden):
        members.list_members(session, account=account("viewer", "QD.D2"), actor=ACTOR, branch_code=tree.branch.code,
                             limit=50, offset=0)  # fmt: skip
    with pytest.raises(Forbidden):
        members.read_member(session, account=account("viewer", "QD.D2"), actor=ACTOR, member_id=row.id)


def test_every_read_of_members_is_audited_without_personal_data(session: Session) -> None:
    tree = build_tree(session)
    created = member(session, tree.branch.code, name="王红", phone="13912345678")
    members.list_members(session, account=ADMIN, actor=ACTOR, branch_code=tree.branch.code, limit=50, offset=0)
    members.read_member(session, account=ADMIN, actor=ACTOR, member_id=created.id)
    member_actions = select(AuditEntry).where(AuditEntry.action.startswith("party.member")).order_by(AuditEntry.id)
    entries = session.scalars(member_actions).all()
    assert [entry.action for entry in entries] == ["party.member.create", "party.member.list", "party.member.read"]
    assert all("13912345678" not in str(entry.detail) and "王红" not in str(entry.detail) for entry in entries)


def test_a_viewer_cannot_register_members(session: Session) -> None:
    tree = build_tree(session)
    with pytest.raises(Forbidden):
        members.add_member(session, account=account("viewer"), actor=ACTOR, branch_code=tree.branch.code,
                           data=member_data())  # fmt: skip
    assert _count(session) == 0
