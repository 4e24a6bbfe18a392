"""The service map's scope kinds (``district``, ``department``) and what they mean for its data.

A district scope covers the district and everything whose division code starts with it; a department scope
covers the rows of that department. Lists become query filters (an editor's lists hold only rows inside the
scope; ``repository``); a write must keep the record inside the scope (``require_can_edit``, else 403).
Admins are unlimited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor, scope_of
from cityservices.errors import Forbidden
from cityservices.service_map.scopes import repository as repo

DISTRICT, DEPARTMENT = repo.DISTRICT, repo.DEPARTMENT


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
    if department is None:
        return Owner(None, frozenset())
    division = repo.department_division(session, department)
    return Owner(division, frozenset({department}))


def covers(account: StaffAccount, owner: Owner) -> bool:
    """True when ``owner`` lies inside the account's district and department scopes (admins: always)."""
    district, department = scope_of(account, DISTRICT), scope_of(account, DEPARTMENT)
    if district and not (owner.district or "").startswith(district):
        return False
    return not (department and department not in owner.departments)


def require_can_edit(session: Session, account: StaffAccount, kind: str, *records: Any) -> None:
    """An editor may change a record only when both its old and its new state are inside the scopes."""
    from cityservices.service_map.editing.records import KIND_NAMES  # records' queries filter by these scopes

    require_editor(account)
    for record in records:
        if record is not None and not covers(account, owner_of(session, kind, record)):
            raise Forbidden(f"无权修改该{KIND_NAMES[kind]}: 不在您负责的区域或部门范围内")
