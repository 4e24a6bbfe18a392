"""Rules of the Party organisation: the tree's shape, members' records, and who sees what.

A staff account's ``party_org`` scope names an organisation; the account sees and changes that organisation's
subtree only (lists are query filters, ``repository.org_filter``). Members' ID and phone numbers are masked in
every answer; names are shown in full only to accounts scoped to a branch or general branch (the people who run
it); upper committees see aggregates. Every read of members is audited.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor, scope_of
from cityservices.errors import Conflict, Forbidden, NotFound, RequestInvalid
from cityservices.kit.audit import Actor, record_audit
from cityservices.party_day.organisation import repository as repo
from cityservices.party_day.organisation.models import (
    BRANCH_KINDS,
    KIND_LEVELS,
    LEVEL_NAMES,
    LEVELS,
    PARENT_LEVELS,
    Organisation,
    PartyMember,
)
from cityservices.party_day.organisation.schemas import (
    OrganisationCreate,
    OrganisationPage,
    OrganisationRead,
    OrganisationSummary,
)

PARTY_ORG = repo.PARTY_ORG
NAME_LEVELS = ("general_branch", "branch", "group")  # accounts scoped here run the branch: they see names


def organisation_read(org: Organisation, parent_code: str | None) -> OrganisationRead:
    return OrganisationRead(
        code=org.code, name=org.name, level=org.level, level_name=LEVEL_NAMES[org.level], kind=org.kind,
        kind_name=BRANCH_KINDS.get(org.kind or ""), parent_code=parent_code, is_demo=org.is_demo,
    )  # fmt: skip


def covers(account: StaffAccount, root_path: str | None, org: Organisation) -> bool:
    """True when ``org`` lies in the subtree the account's scope names (``root_path``; admins: always)."""
    if not scope_of(account, PARTY_ORG):
        return True
    return root_path is not None and org.path.startswith(root_path)


def find_in_scope(session: Session, account: StaffAccount, code: str, *, field: str = "code") -> Organisation:
    """The organisation ``code``, if it lies in the account's scope: 404 when unknown, 403 outside the scope."""
    org = repo.organisation_by_code(session, code)
    if org is None:
        if field != "code":
            raise RequestInvalid(field, f"未找到党组织: {code}")
        raise NotFound(f"未找到党组织: {code}")
    root = repo.scope_root(session, account)
    if not covers(account, root.path if root else None, org):
        raise Forbidden("该党组织不在您负责的范围内")
    return org


def _parent_code(session: Session, org: Organisation) -> str | None:
    if org.parent_id is None:
        return None
    parent = repo.organisation_by_id(session, org.parent_id)
    return parent.code if parent else None


def add_organisation(
    session: Session, *, account: StaffAccount, actor: Actor, data: OrganisationCreate
) -> Organisation:
    """Add a node to the tree: its level must fit under its parent's, branches carry a kind (groups inherit)."""
    require_editor(account)
    if data.level not in LEVELS:
        raise RequestInvalid("level", f"未知的组织层级: {data.level}（可选: {'、'.join(LEVELS)}）")
    if repo.organisation_by_code(session, data.code) is not None:
        raise Conflict(f"党组织代码已存在: {data.code}")
    parent = None
    if data.level == "city":
        if data.parent_code:
            raise RequestInvalid("parent_code", "市委是组织树的根，不能有上级组织")
        if scope_of(account, PARTY_ORG):
            raise Forbidden("只有不受范围限制的账户可以建立市委")
    else:
        if not data.parent_code:
            raise RequestInvalid("parent_code", f"{LEVEL_NAMES[data.level]}必须有上级组织")
        parent = find_in_scope(session, account, data.parent_code, field="parent_code")
        if parent.level not in PARENT_LEVELS[data.level]:
            allowed = "、".join(LEVEL_NAMES[level] for level in PARENT_LEVELS[data.level])
            raise RequestInvalid(
                "parent_code", f"{LEVEL_NAMES[data.level]}的上级应为{allowed}，而不是{LEVEL_NAMES[parent.level]}"
            )
    kind = _kind_for(data, parent)
    org = Organisation(code=data.code, name=data.name, level=data.level, kind=kind,
                       parent_id=parent.id if parent else None, path="", is_demo=data.is_demo)  # fmt: skip
    session.add(org)
    session.flush()
    org.path = f"{parent.path if parent else ''}{org.id}."
    record_audit(session, actor=actor, action="party.organisation.create", target_kind="party_organisation",
                 target_key=org.code, detail={"level": org.level, "kind": org.kind})  # fmt: skip
    return org


def _kind_for(data: OrganisationCreate, parent: Organisation | None) -> str | None:
    if data.level not in KIND_LEVELS:
        if data.kind:
            raise RequestInvalid("kind", f"{LEVEL_NAMES[data.level]}不区分支部类型")
        return None
    if data.level == "group":
        assert parent is not None
        if data.kind and data.kind != parent.kind:
            raise RequestInvalid("kind", "党小组的类型与所在支部相同")
        return parent.kind
    if not data.kind:
        raise RequestInvalid("kind", f"{LEVEL_NAMES[data.level]}必须注明类型（{'、'.join(BRANCH_KINDS.values())}）")
    if data.kind not in BRANCH_KINDS:
        raise RequestInvalid("kind", f"未知的支部类型: {data.kind}（可选: {'、'.join(BRANCH_KINDS)}）")
    return data.kind


def list_organisations(
    session: Session, *, account: StaffAccount, level: str | None, kind: str | None, under: str | None,
    limit: int, offset: int,
) -> OrganisationPage:  # fmt: skip
    if level is not None and level not in LEVELS:
        raise RequestInvalid("level", f"未知的组织层级: {level}")
    if kind is not None and kind not in BRANCH_KINDS:
        raise RequestInvalid("kind", f"未知的支部类型: {kind}")
    under_path = find_in_scope(session, account, under, field="under").path if under else None
    rows, total = repo.list_organisations(session, scope=repo.org_filter(session, account), level=level,
                                          kind=kind, under=under_path, limit=limit, offset=offset)  # fmt: skip
    return OrganisationPage(items=[organisation_read(org, _parent_code(session, org)) for org in rows], total=total)


def summarise(session: Session, *, account: StaffAccount, code: str) -> OrganisationSummary:
    org = find_in_scope(session, account, code)
    children = repo.children_of(session, org.id)
    return OrganisationSummary(
        organisation=organisation_read(org, _parent_code(session, org)),
        children=[organisation_read(child, org.code) for child in children],
        branches_by_kind=repo.branch_counts_by_kind(session, org.path),
        members_by_status=repo.member_counts(session, org.path),
    )


def sees_names(session: Session, account: StaffAccount) -> bool:
    root = repo.scope_root(session, account)
    return root is not None and root.level in NAME_LEVELS


def member_in_scope(session: Session, account: StaffAccount, member_id: int) -> PartyMember:
    """The member ``member_id`` when the account's scope covers their branch (404 unknown, 403 outside)."""
    member = repo.member_by_id(session, member_id)
    if member is None:
        raise NotFound(f"未找到党员: {member_id}")
    branch = repo.organisation_by_id(session, member.branch_id)
    assert branch is not None
    find_in_scope(session, account, branch.code)
    return member
