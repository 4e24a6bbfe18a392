"""Who may change what: roles (admin, editor, viewer) and an editor's district / department limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, true
from sqlalchemy.orm import Session

from cityservices.auth import repository as repo
from cityservices.auth.models import StaffAccount
from cityservices.errors import Forbidden
from cityservices.service_map.catalogue.models import Feedback
from cityservices.service_map.editing.records import KIND_NAMES

ROLE_NAMES = {"admin": "管理员", "editor": "编辑", "viewer": "只读"}


@dataclass(frozen=True)
class Owner:
    """The district and departments a record belongs to."""

    district: str | None
    departments: frozenset[str]


def owner_of(session: Session, kind: str, record: Any) -> Owner:
    if kind == "venue":
        return Owner(record.division_code, frozenset(record.departments))
    if kind == "guide":
        department = repo.item_department(session, record.item_code)
    elif kind == "item":
        department = record.department_code
    else:
        department = record.lead_department_code
    departments = frozenset({department}) if department else frozenset()
    return Owner(repo.department_division(session, department), departments)


def covers(account: StaffAccount, owner: Owner) -> bool:
    """True when ``owner`` lies inside the account's district and department limits (admins: always)."""
    if account.role == "admin":
        return True
    if account.district_code and not (owner.district or "").startswith(account.district_code):
        return False
    return not (account.department_code and account.department_code not in owner.departments)


def require_editor(account: StaffAccount) -> None:
    if account.role not in ("admin", "editor"):
        raise Forbidden("只读账户不能修改数据")


def require_admin(account: StaffAccount) -> None:
    if account.role != "admin":
        raise Forbidden("仅管理员可以进行此操作")


def require_can_edit(session: Session, account: StaffAccount, kind: str, *records: Any) -> None:
    """An editor may change a record only when both its old and its new state are inside the limits."""
    require_editor(account)
    for record in records:
        if record is not None and not covers(account, owner_of(session, kind, record)):
            raise Forbidden(f"无权修改该{KIND_NAMES[kind]}: 不在您负责的区域或部门范围内")


def feedback_filter(account: StaffAccount) -> ColumnElement[bool]:
    """The feedback an account's queue holds: its district and department (admins: all)."""
    condition: ColumnElement[bool] = true()
    if account.role == "admin":
        return condition
    if account.district_code:
        condition = condition & Feedback.district_code.startswith(account.district_code, autoescape=True)
    if account.department_code:
        condition = condition & (Feedback.department_code == account.department_code)
    return condition
