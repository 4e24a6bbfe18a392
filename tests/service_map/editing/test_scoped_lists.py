"""A scoped editor's record lists are query filters: only rows inside the scope are listed or counted."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.service_map.editing.repository import search_records
from tests.service_map.editing.helpers import SHIBEI_VENUE, SHINAN_VENUE, login


def _account(db: Session, username: str) -> StaffAccount:
    account = db.scalar(select(StaffAccount).where(StaffAccount.username == username))
    assert account is not None
    return account


def _keys(db: Session, username: str, kind: str, q: str = "") -> tuple[list[str], int]:
    rows, total = search_records(db, kind, account=_account(db, username), q=q, limit=50, offset=0)
    return [row["key"] for row in rows], total


@pytest.mark.usefixtures("app")  # seeds the accounts and the two districts
def test_a_district_scoped_editors_list_query_returns_only_rows_in_the_district(db: Session) -> None:
    assert _keys(db, "shibei", "venue") == ([SHIBEI_VENUE], 1)
    assert _keys(db, "shinan", "venue") == ([SHINAN_VENUE], 1)
    assert _keys(db, "shibei", "item") == (["QD-SB-0001"], 1)  # the item of a department in 市北区
    assert _keys(db, "shibei", "guide") == (["QD-SB-0001"], 1)
    assert _keys(db, "shinan", "item") == ([], 0)  # city departments' items are not the district's
    assert _keys(db, "shibei", "bundle") == ([], 0)
    assert _keys(db, "shibei", "venue", q=SHINAN_VENUE) == ([], 0)  # a search does not leave the scope


@pytest.mark.usefixtures("app")  # seeds the accounts and the two districts
def test_a_department_scope_lists_the_departments_rows(db: Session) -> None:
    assert _keys(db, "cityrs", "item") == (["QD-RS-0001", "QD-RS-0002"], 2)
    assert _keys(db, "cityrs", "venue") == ([], 0)  # no venue hosts 3702-RS


@pytest.mark.usefixtures("app")  # seeds the accounts and the two districts
def test_unscoped_accounts_list_everything(db: Session) -> None:
    for username in ("admin", "editor", "viewer"):
        venues, total = _keys(db, username, "venue")
        assert {SHINAN_VENUE, SHIBEI_VENUE} <= set(venues)
        assert total == len(venues)
    assert {"QD-RS-0001", "QD-SB-0001"} <= set(_keys(db, "editor", "item")[0])


def test_the_staff_api_and_pages_list_only_the_scope(client: TestClient) -> None:
    login(client, "shibei")
    body = client.get("/api/staff/venues").json()
    assert (body["total"], [v["key"] for v in body["items"]]) == (1, [SHIBEI_VENUE])
    assert [i["key"] for i in client.get("/api/staff/items").json()["items"]] == ["QD-SB-0001"]
    page = client.get("/staff/venues")
    assert page.status_code == 200
    assert SHIBEI_VENUE in page.text
    assert SHINAN_VENUE not in page.text
    assert client.get(f"/api/staff/venues/{SHINAN_VENUE}").status_code == 200  # reading one record stays open


def test_writing_outside_the_scope_stays_forbidden(client: TestClient) -> None:
    token = login(client, "shibei")
    record = client.get(f"/api/staff/venues/{SHINAN_VENUE}").json()["record"]
    response = client.put(f"/api/staff/venues/{SHINAN_VENUE}", json={"record": {**record, "transport": "地铁"}},
                          headers={"X-CSRF-Token": token})  # fmt: skip
    assert response.status_code == 403
