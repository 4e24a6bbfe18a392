"""The staff dashboard: the same use case behind ``GET /api/staff/dashboard`` and the ``/staff`` page."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.service_map.editing.dashboard import build_dashboard
from tests.service_map.editing.helpers import SHIBEI_VENUE, SHINAN_VENUE, login


def test_dashboard_shows_satisfaction_and_guides_not_verified_for_n_days(client: TestClient) -> None:
    login(client, "admin")
    board = client.get("/api/staff/dashboard").json()
    assert board["open_feedback"] == 3
    venues = {v["key"]: v for v in board["venues"]}
    assert venues[SHINAN_VENUE]["average"] == 2.0
    assert venues[SHINAN_VENUE]["error_reports"] == 1
    assert board["venues"][0]["key"] == SHINAN_VENUE  # worst first
    assert [i["key"] for i in board["items"]] == ["QD-RS-0001"]
    stale = {g["item_code"]: g for g in board["stale_guides"]}
    assert stale["QD-SB-0001"]["last_verified"] == "2020-01-01"
    assert "QD-RS-0001" in stale  # never verified
    short = client.get("/api/staff/dashboard?stale_days=100000")
    assert short.status_code == 422
    few = client.get("/api/staff/dashboard?stale_days=3650").json()["stale_guides"]
    assert {g["item_code"] for g in few} >= {"QD-RS-0001"}
    page = client.get("/staff?stale_days=30")
    assert page.status_code == 200
    assert "市北区就业登记" in page.text


def test_dashboard_is_limited_to_the_editors_scope(client: TestClient) -> None:
    login(client, "shibei")
    board = client.get("/api/staff/dashboard").json()
    assert [v["key"] for v in board["venues"]] == [SHIBEI_VENUE]
    assert [g["item_code"] for g in board["stale_guides"]] == ["QD-SB-0001"]


def test_the_page_and_the_api_show_the_same_dashboard(client: TestClient, db: Session) -> None:
    login(client, "shinan")
    board = client.get("/api/staff/dashboard?stale_days=30").json()
    page = client.get("/staff?stale_days=30").text
    shinan = db.scalar(select(StaffAccount).where(StaffAccount.username == "shinan"))
    assert shinan is not None
    direct = build_dashboard(db, account=shinan, stale_days=30, today=dt.datetime.now(dt.UTC).date())
    assert board["open_feedback"] == direct.open_feedback == 1
    assert [v["key"] for v in board["venues"]] == [v.key for v in direct.venues] == [SHINAN_VENUE]
    assert SHIBEI_VENUE not in page
    assert "市北区就业登记" not in page  # a guide of another district
