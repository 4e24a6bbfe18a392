"""Every query of the Party organisation: the tree, members, and the ``party_org`` scope as a query filter."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, false, func, select, true
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import scope_of
from cityservices.party_day.organisation.models import Organisation, PartyMember

PARTY_ORG = "party_org"  # the scope kind: an organisation code; the account sees that organisation's subtree


def organisation_by_code(session: Session, code: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.code == code))


def organisation_names(session: Session) -> dict[str, str]:
    rows = session.execute(select(Organisation.code, Organisation.name).order_by(Organisation.path)).all()
    return {str(code): str(name) for code, name in rows}


def scope_root(session: Session, account: StaffAccount) -> Organisation | None:
    """The organisation the account's ``party_org`` scope names (None: unlimited, or an unknown code)."""
    code = scope_of(account, PARTY_ORG)
    return organisation_by_code(session, code) if code else None


def org_filter(session: Session, account: StaffAccount) -> ColumnElement[bool]:
    """Organisations inside the account's scope: the subtree of its ``party_org`` (admins and unscoped: all)."""
    code = scope_of(account, PARTY_ORG)
    if not code:
        return true()
    root = organisation_by_code(session, code)
    if root is None:  # a scope naming an organisation that no longer exists covers nothing
        return false()
    return Organisation.path.startswith(root.path, autoescape=True)


def in_subtree(path: str) -> ColumnElement[bool]:
    return Organisation.path.startswith(path, autoescape=True)


def list_organisations(
    session: Session,
    *,
    scope: ColumnElement[bool],
    level: str | None = None,
    kind: str | None = None,
    under: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[Sequence[Organisation], int]:
    condition = scope
    if level:
        condition = condition & (Organisation.level == level)
    if kind:
        condition = condition & (Organisation.kind == kind)
    if under:
        condition = condition & in_subtree(under)
    total = session.scalar(select(func.count()).select_from(Organisation).where(condition)) or 0
    rows = session.scalars(
        select(Organisation).where(condition).order_by(Organisation.path).limit(limit).offset(offset)
    ).all()
    return rows, total


def children_of(session: Session, parent_id: int) -> Sequence[Organisation]:
    return session.scalars(
        select(Organisation).where(Organisation.parent_id == parent_id).order_by(Organisation.code)
    ).all()


def member_counts(session: Session, path: str) -> dict[str, int]:
    """Members of the branches in the subtree at ``path``, by status."""
    branch_ids = select(Organisation.id).where(in_subtree(path))
    query = (
        select(PartyMember.status, func.count())
        .where(PartyMember.branch_id.in_(branch_ids))
        .group_by(PartyMember.status)
    )
    return {str(status): int(count) for status, count in session.execute(query).all()}


def branch_counts_by_kind(session: Session, path: str) -> dict[str, int]:
    rows = session.execute(
        select(Organisation.kind, func.count())
        .where(in_subtree(path), Organisation.level == "branch")
        .group_by(Organisation.kind)
    )
    return {kind or "": count for kind, count in rows}


def members_of(
    session: Session, branch_id: int, *, limit: int = 200, offset: int = 0
) -> tuple[Sequence[PartyMember], int]:
    condition = PartyMember.branch_id == branch_id
    total = session.scalar(select(func.count()).select_from(PartyMember).where(condition)) or 0
    rows = session.scalars(
        select(PartyMember).where(condition).order_by(PartyMember.id).limit(limit).offset(offset)
    ).all()
    return rows, total


def member_by_id(session: Session, member_id: int) -> PartyMember | None:
    return session.get(PartyMember, member_id)


def member_with_id_number(session: Session, id_number: str) -> PartyMember | None:
    return session.scalar(select(PartyMember).where(PartyMember.id_number == id_number))


def members_with_role(session: Session, branch_id: int, role: str) -> Sequence[PartyMember]:
    members = session.scalars(select(PartyMember).where(PartyMember.branch_id == branch_id)).all()
    return [member for member in members if role in (member.roles or [])]


def organisation_by_id(session: Session, org_id: int) -> Organisation | None:
    return session.get(Organisation, org_id)


def count_organisations(session: Session, *, level: str | None = None) -> int:
    query = select(func.count()).select_from(Organisation)
    if level:
        query = query.where(Organisation.level == level)
    return session.scalar(query) or 0


def count_members(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(PartyMember)) or 0
