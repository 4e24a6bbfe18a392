"""Rules of a branch's members: a valid record, roles that fit, masked answers, audited reads."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor
from cityservices.errors import Conflict, NotFound, RequestInvalid
from cityservices.kit.audit import Actor, record_audit
from cityservices.kit.masking import mask_id_number, mask_name, mask_phone
from cityservices.party_day.organisation import repository as repo
from cityservices.party_day.organisation.models import FLOWING, MEMBER_ROLES, MEMBER_STATUSES, Organisation, PartyMember
from cityservices.party_day.organisation.schemas import MemberCreate, MemberPage, MemberRead
from cityservices.party_day.organisation.service import find_in_scope, sees_names
from cityservices.party_day.organisation.validation import id_number_problem, phone_problem

UNIQUE_ROLES = ("secretary",)  # one per branch


def member_read(member: PartyMember, branch: Organisation, group_code: str | None, *, names: bool) -> MemberRead:
    return MemberRead(
        id=member.id, branch_code=branch.code, group_code=group_code,
        name=member.name if names else (mask_name(member.name) or ""),
        id_number=mask_id_number(member.id_number) or "", phone=mask_phone(member.phone), status=member.status,
        status_name=MEMBER_STATUSES[member.status], joined_on=member.joined_on, full_on=member.full_on,
        roles=list(member.roles or []), flowing=member.flowing, is_demo=member.is_demo,
    )  # fmt: skip


def _branch(session: Session, account: StaffAccount, code: str) -> Organisation:
    branch = find_in_scope(session, account, code)
    if branch.level != "branch":
        raise RequestInvalid("branch_code", "党员的组织关系应在党支部")
    return branch


def check_member(session: Session, branch: Organisation, data: MemberCreate) -> Organisation | None:
    """Every field of a new member's record, with a message naming the field; the group the member joins."""
    problem = id_number_problem(data.id_number)
    if problem:
        raise RequestInvalid("id_number", f"身份证号码无效: {problem}")
    if data.phone and (problem := phone_problem(data.phone)):
        raise RequestInvalid("phone", f"电话号码无效: {problem}")
    if data.status not in MEMBER_STATUSES:
        raise RequestInvalid("status", "党员状态应为 full（正式党员）或 probationary（预备党员）")
    if data.status == "full" and data.full_on is None:
        raise RequestInvalid("full_on", "正式党员须填写转正日期")
    if data.status == "probationary" and data.full_on is not None:
        raise RequestInvalid("full_on", "预备党员尚未转正，不能填写转正日期")
    if data.full_on is not None and data.full_on < data.joined_on:
        raise RequestInvalid("full_on", "转正日期不能早于入党日期")
    for role in data.roles:
        if role not in MEMBER_ROLES:
            raise RequestInvalid("roles", f"未知的职务: {role}（可选: {'、'.join(MEMBER_ROLES)}）")
    if data.flowing not in FLOWING:
        raise RequestInvalid("flowing", "流动状态应为 none、out 或 in")
    group = None
    if data.group_code:
        group = repo.organisation_by_code(session, data.group_code)
        if group is None or group.level != "group" or group.parent_id != branch.id:
            raise RequestInvalid("group_code", "党小组不存在或不属于该支部")
    if "group_leader" in data.roles and group is None:
        raise RequestInvalid("roles", "党小组组长须注明所在党小组 (group_code)")
    if data.status == "probationary" and set(data.roles) & {"secretary", "deputy_secretary", "committee_member"}:
        raise RequestInvalid("roles", "预备党员不能担任支部委员会职务")
    for role in UNIQUE_ROLES:
        if role in data.roles and repo.members_with_role(session, branch.id, role):
            raise Conflict(f"该支部已有{MEMBER_ROLES[role]}")
    if repo.member_with_id_number(session, data.id_number.strip().upper()) is not None:
        raise Conflict("该身份证号码的党员已登记")
    return group


def add_member(
    session: Session, *, account: StaffAccount, actor: Actor, branch_code: str, data: MemberCreate
) -> MemberRead:
    require_editor(account)
    branch = _branch(session, account, branch_code)
    group = check_member(session, branch, data)
    member = PartyMember(
        branch_id=branch.id, group_id=group.id if group else None, name=data.name.strip(),
        id_number=data.id_number.strip().upper(), phone=data.phone.strip() if data.phone else None,
        status=data.status, joined_on=data.joined_on, full_on=data.full_on, roles=list(data.roles),
        flowing=data.flowing, flowing_note=data.flowing_note, is_demo=data.is_demo,
    )  # fmt: skip
    session.add(member)
    session.flush()
    record_audit(session, actor=actor, action="party.member.create", target_kind="party_member",
                 target_key=str(member.id), detail={"branch": branch.code, "status": member.status})  # fmt: skip
    return member_read(member, branch, group.code if group else None, names=True)


def list_members(
    session: Session, *, account: StaffAccount, actor: Actor, branch_code: str, limit: int, offset: int
) -> MemberPage:
    branch = _branch(session, account, branch_code)
    rows, total = repo.members_of(session, branch.id, limit=limit, offset=offset)
    names = sees_names(session, account)
    groups = {org.id: org.code for org in repo.children_of(session, branch.id)}
    record_audit(session, actor=actor, action="party.member.list", target_kind="party_organisation",
                 target_key=branch.code, detail={"count": len(rows), "names": names})  # fmt: skip
    items = [member_read(m, branch, groups.get(m.group_id or 0), names=names) for m in rows]
    return MemberPage(items=items, total=total)


def read_member(session: Session, *, account: StaffAccount, actor: Actor, member_id: int) -> MemberRead:
    member = repo.member_by_id(session, member_id)
    if member is None:
        raise NotFound(f"未找到党员: {member_id}")
    branch = repo.organisation_by_id(session, member.branch_id)
    assert branch is not None
    find_in_scope(session, account, branch.code)
    group = repo.organisation_by_id(session, member.group_id) if member.group_id else None
    record_audit(session, actor=actor, action="party.member.read", target_kind="party_member",
                 target_key=str(member.id), detail={"branch": branch.code})  # fmt: skip
    return member_read(member, branch, group.code if group else None, names=sees_names(session, account))
