"""Who may do what: roles (admin, editor, viewer) and an account's scopes.

A scope is a (kind, value) pair; the kinds are declared by the installed domains (``Domain.scopes``): a
district for the service map, an insurance region, a Party organisation … This module knows none of them; each
domain's repositories turn an account's scopes into query filters.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.errors import Forbidden, RuleViolation
from cityservices.platform.domains import ScopeKind

ROLE_NAMES = {"admin": "管理员", "editor": "编辑", "viewer": "只读"}
SCOPE_VALUE_MAX = 64


def is_unrestricted(account: StaffAccount) -> bool:
    """Admins see and change everything, whatever scopes they carry."""
    return account.role == "admin"


def scope_of(account: StaffAccount, kind: str) -> str | None:
    """The value of the account's scope of ``kind`` that limits it (None: not limited by that kind)."""
    if is_unrestricted(account):
        return None
    return account.scopes.get(kind)


def require_editor(account: StaffAccount) -> None:
    if account.role not in ("admin", "editor"):
        raise Forbidden("只读账户不能修改数据")


def require_admin(account: StaffAccount) -> None:
    if account.role != "admin":
        raise Forbidden("仅管理员可以进行此操作")


def check_scopes(session: Session, scopes: Mapping[str, str], kinds: Mapping[str, ScopeKind]) -> dict[str, str]:
    """The scopes to store: blank values dropped; a kind no installed domain declares, or a value that is not
    among the kind's ``values``, is a RuleViolation."""
    checked: dict[str, str] = {}
    for kind, raw in scopes.items():
        value = raw.strip()
        if not value:
            continue
        declared = kinds.get(kind)
        if declared is None:
            raise RuleViolation(f"未知的权限范围类型: {kind}")
        if len(value) > SCOPE_VALUE_MAX:
            raise RuleViolation(f"{declared.label}代码过长 (最多 {SCOPE_VALUE_MAX} 个字符)")
        if declared.values is not None and value not in declared.values(session):
            raise RuleViolation(f"未知的{declared.label}: {value}")
        checked[kind] = value
    return checked
