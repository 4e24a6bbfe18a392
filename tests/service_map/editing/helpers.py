"""Seed data for staff tests: two districts, accounts of every role, feedback in both districts."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount, StaffAccountScope
from cityservices.auth.passwords import hash_password
from cityservices.kit.audit import utc_now
from cityservices.service_map.catalogue.models import Feedback, Item, Venue
from cityservices.service_map.interchange.records import DepartmentRecord, DivisionRecord, GuideRecord, ItemRecord
from cityservices.service_map.interchange.store import import_dataset
from tests.builders import make_dataset, make_venue

PASSWORD = "correct-horse-42"
SHINAN_VENUE = "V370202001"
SHIBEI_VENUE = "V370203001"
# username: (role, scopes)
ACCOUNTS: dict[str, tuple[str, dict[str, str]]] = {
    "admin": ("admin", {}),
    "editor": ("editor", {}),
    "shinan": ("editor", {"district": "370202"}),
    "shibei": ("editor", {"district": "370203"}),
    "cityrs": ("editor", {"department": "3702-RS"}),
    "viewer": ("viewer", {}),
}
CITIZEN_PHONE = "13912345678"
STAFF_PHONE = "13800138000"


@lru_cache(maxsize=1)
def password_hash() -> str:
    return hash_password(PASSWORD)


def seed(session: Session) -> None:
    """The builders' dataset plus a second district (市北区) with a venue, an item and a guide."""
    d = make_dataset()
    d.divisions += [
        DivisionRecord(code="370203", name="市北区", level="district", parent_code="3702"),
        DivisionRecord(code="370203001", name="辽宁路街道", level="street", parent_code="370203"),
    ]
    d.departments.append(
        DepartmentRecord(code="370203-RS", name="市北区人力资源和社会保障局", category="人社", division_code="370203")
    )
    d.items.append(
        ItemRecord(code="QD-SB-0001", name="市北区就业登记", item_type="公共服务", applicant_type="个人",
                   department_code="370203-RS", category="人社")
    )  # fmt: skip
    d.guides.append(GuideRecord(item_code="QD-SB-0001", version=1, last_verified=dt.date(2020, 1, 1)))
    d.venues.append(
        make_venue(SHIBEI_VENUE, name="辽宁路街道便民服务中心", division_code="370203001", departments=["370203-RS"],
                   windows=[{"number": "1", "name": "综合窗口", "department_code": "370203-RS"}])
    )  # fmt: skip
    d.origins = {}
    import_dataset(session, d, mode="insert")
    now = utc_now()
    session.add_all([
        StaffAccount(username=name, display_name=f"{name} 测试", password_hash=password_hash(), role=role,
                     phone=STAFF_PHONE, is_active=True, created_at=now, password_changed_at=now,
                     scope_rows=[StaffAccountScope(kind=kind, value=value) for kind, value in scopes.items()])
        for name, (role, scopes) in ACCOUNTS.items()
    ])  # fmt: skip
    items = {i.code: i.id for i in session.query(Item)}
    session.add_all([
        Feedback(created_at=now, target_kind="venue", venue_id=SHINAN_VENUE, rating=2, reports_error=True,
                 comment=f"电话打不通，请回电 {CITIZEN_PHONE}", contact_name="王小明", contact_phone=CITIZEN_PHONE,
                 district_code="370202", status="open"),
        Feedback(created_at=now, target_kind="venue", venue_id=SHIBEI_VENUE, rating=5, comment="很好",
                 contact_name="李四", contact_phone="13700000000", district_code="370203", status="open"),
        Feedback(created_at=now, target_kind="item", item_id=items["QD-RS-0001"], rating=4, comment="",
                 department_code="3702-RS", status="open"),
    ])  # fmt: skip
    session.flush()
    assert session.get(Venue, SHIBEI_VENUE) is not None


def csrf(client: TestClient) -> str:
    token: str = client.get("/api/staff/csrf").json()["csrf_token"]
    return token


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the API; returns the session's CSRF token."""
    response = client.post(
        "/api/staff/login", json={"username": username, "password": password}, headers={"X-CSRF-Token": csrf(client)}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["csrf_token"]
    return token


def current_version(client: TestClient, path: str) -> int:
    """The version of the record at ``path`` (``/api/staff/{kinds}/{key}``) a change is based on; 0 for none yet."""
    response = client.get(path)
    version: int = response.json()["version"] if response.status_code == 200 else 0
    return version


def form_fields(html: str) -> dict[str, str]:
    """The values of a rendered record form (inputs, text areas, selected options, checked boxes)."""
    fields: dict[str, str] = {}
    for name, value in re.findall(r'<input name="([^"]+)" value="([^"]*)"', html):
        fields[name] = unescape(value)
    for attrs in re.findall(r"<input ([^>]*)>", html):
        found = dict(re.findall(r'(\w+)="([^"]*)"', attrs))
        if found.get("type") == "hidden" or ("name" in found and "value" in found and found.get("type") != "checkbox"):
            fields[found["name"]] = unescape(found.get("value", ""))
        if found.get("type") == "checkbox" and " checked" in f" {attrs}":
            fields[found["name"]] = "1"
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.DOTALL):
        fields[name] = unescape(value)
    for name, body in re.findall(r'<select name="([^"]+)">(.*?)</select>', html, re.DOTALL):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        fields[name] = unescape(chosen.group(1)) if chosen else ""
    return fields
