"""Masking under attack: numbers written with spaces, dashes, +86 or URL-encoding in the access log, a long
query string, and a feedback comment shown to staff who may not reveal it."""

from __future__ import annotations

import json
import logging
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cityservices.kit.audit import utc_now
from cityservices.platform.observability import MAX_LOGGED_QUERY
from cityservices.service_map.catalogue.models import Feedback
from tests.service_map.editing.fixtures import app, client, connection, db, staff_settings
from tests.service_map.editing.helpers import SHINAN_VENUE, login

__all__ = ["app", "client", "connection", "db", "staff_settings"]
HIDDEN = re.compile(r"1234|19900101")
QUERIES = ["phone=138-1234-5678", "phone=%2B86%20138%201234%205678", "id=370202%2019900101%201234",
           "phone=138+1234+5678", "q=%EF%BC%91%EF%BC%93%EF%BC%98", "phone=138%201234%205678"]  # fmt: skip


def _access_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "cityservices.access"]


def test_the_access_log_masks_every_written_form_of_a_number(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cityservices.access")
    for query in QUERIES:
        client.get(f"/api/v1/search?{query}")
        client.get(f"/api/v1/no-such/{query.split('=')[1]}")
    lines = _access_lines(caplog)
    assert len(lines) == 2 * len(QUERIES)
    for line in lines:
        assert not HIDDEN.search(line), line


def test_a_long_query_string_is_logged_cut_and_masked(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cityservices.access")
    query = "q=" + "a" * MAX_LOGGED_QUERY + "&phone=138-1234-5678" + "b" * 60_000
    client.get(f"/api/v1/search?{query}")
    entry = json.loads(_access_lines(caplog)[-1])
    assert len(entry["query"]) < MAX_LOGGED_QUERY + 50
    assert entry["query"].endswith(f"…[{len(query)} bytes]")
    assert not HIDDEN.search(entry["query"])


@pytest.mark.parametrize("written", ["138 1234 5678", "+86 138-1234-5678", "370202 19900101 1234"])
def test_a_viewer_sees_a_comment_s_numbers_masked_in_list_and_detail(
    client: TestClient, db: Session, written: str
) -> None:
    row = Feedback(created_at=utc_now(), target_kind="venue", venue_id=SHINAN_VENUE, rating=1, reports_error=False,
                   comment=f"请回电 {written}", district_code="370202", status="open")  # fmt: skip
    db.add(row)
    db.commit()
    login(client, "viewer")
    listed = client.get("/api/staff/feedback", params={"limit": 500}).json()
    comments = [item["comment"] for item in listed["items"] if item["id"] == row.id]
    assert comments
    assert not HIDDEN.search(comments[0])
    page = client.get(f"/staff/feedback/{row.id}")
    assert page.status_code == 200
    assert "请回电" in page.text
    assert not HIDDEN.search(page.text.split("留言", 1)[1]), page.text
