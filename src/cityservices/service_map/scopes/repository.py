"""The service map's scopes as query filters: the rows of each list inside a staff account's scopes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import scope_of
from cityservices.service_map.catalogue.models import Bundle, Department, Feedback, Item, Venue, venue_departments

DISTRICT = "district"
DEPARTMENT = "department"


def item_department(session: Session, item_code: str) -> str | None:
    return session.scalar(select(Item.department_code).where(Item.code == item_code))


def department_division(session: Session, department: str) -> str | None:
    return session.scalar(select(Department.division_code).where(Department.code == department))


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
