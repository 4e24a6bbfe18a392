"""The service map's scope kinds (``district``, ``department``) and what they mean for its data.

A district scope covers the district and everything whose division code starts with it; a department scope
covers the rows of that department. Lists become query filters (an editor's lists hold only rows inside the
scope); a write must keep the record inside the scope (``require_can_edit``, else 403). Admins are unlimited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor, scope_of
from cityservices.errors import Forbidden
from cityservices.service_map.catalogue.models import Bundle, Department, Feedback, Item, Venue, venue_departments

DISTRICT = "district"
DEPARTMENT = "department"


@dataclass(frozen=True)
class Owner:
    """The district and departments a record belongs to."""

    district: str | None
    departments: frozenset[str]


def owner_of(session: Session, kind: str, record: Any) -> Owner:
    if kind == "venue":
        return Owner(record.division_code, frozenset(record.departments))
    if kind == "guide":
        department = session.scalar(select(Item.department_code).where(Item.code == record.item_code))
    elif kind == "item":
        department = record.department_code
    else:
        department = record.lead_department_code
    if department is None:
        return Owner(None, frozenset())
    division = session.scalar(select(Department.division_code).where(Department.code == department))
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


def _departments_in(district: str) -> Any:
    return select(Department.code).where(Department.division_code.startswith(district, autoescape=True))


def record_filter(account: StaffAccount, kind: str) -> ColumnElement[bool]:
    """The rows of a staff record list (venues, items, guides' items, bundles) inside the account's scopes."""
    district, department = scope_of(account, DISTRICT), scope_of(account, DEPARTMENT)
    condition: ColumnElement[bool] = true()
    if kind == "venue":
        if district:
            condition = condition & Venue.division_code.startswith(district, autoescape=True)
        if department:
            of_department = select(venue_departments.c.venue_id).where(
                venue_departments.c.department_code == department
            )
            condition = condition & Venue.id.in_(of_department)
        return condition
    column = Bundle.lead_department_code if kind == "bundle" else Item.department_code
    if district:
        condition = condition & column.in_(_departments_in(district))
    if department:
        condition = condition & (column == department)
    return condition


def feedback_filter(account: StaffAccount) -> ColumnElement[bool]:
    """The feedback an account's queue holds: its district and department (admins: all)."""
    district, department = scope_of(account, DISTRICT), scope_of(account, DEPARTMENT)
    condition: ColumnElement[bool] = true()
    if district:
        condition = condition & Feedback.district_code.startswith(district, autoescape=True)
    if department:
        condition = condition & (Feedback.department_code == department)
    return condition


def item_filter(account: StaffAccount) -> ColumnElement[bool]:
    """Items (and so their guides) inside the account's scopes: by the item's department."""
    return record_filter(account, "item")
