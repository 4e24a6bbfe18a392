"""Staff feedback queues per district / department scope, masked contacts, audited reads, resolution."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.kit.audit import AuditEntry
from cityservices.service_map.catalogue.models import Feedback
from tests.service_map.editing.fixtures import app, client, connection, db, staff_settings
from tests.service_map.editing.helpers import CITIZEN_PHONE, SHIBEI_VENUE, SHINAN_VENUE, login

__all__ = ["app", "client", "connection", "db", "staff_settings"]


def _queue(client: TestClient) -> list[dict[str, object]]:
    body = client.get("/api/staff/feedback").json()
    items: list[dict[str, object]] = body["items"]
    return items


def test_each_editor_sees_the_queue_of_their_district_or_department(client: TestClient) -> None:
    login(client, "shinan")
    assert {f["venue_id"] for f in _queue(client)} == {SHINAN_VENUE}
    login(client, "shibei")
    assert {f["venue_id"] for f in _queue(client)} == {SHIBEI_VENUE}
    login(client, "cityrs")
    assert [f["department_code"] for f in _queue(client)] == ["3702-RS"]
    login(client, "admin")
    assert len(_queue(client)) == 3


def test_contact_details_are_masked_in_the_queue_and_the_full_read_is_audited(client: TestClient, db: Session) -> None:
    token = login(client, "shinan")
    (entry,) = _queue(client)
    assert entry["contact_phone"] == "139****5678"
    assert entry["contact_name"] == "王**"
    assert CITIZEN_PHONE not in str(entry["comment"])
    assert "139****5678" in str(entry["comment"])
    page = client.get(f"/staff/feedback/{entry['id']}").text
    assert CITIZEN_PHONE not in page
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.contact.read")) is None
    # a URL planted where a colleague's browser loads it (an image, a link) carries no X-CSRF-Token: refused
    assert client.get(f"/api/staff/feedback/{entry['id']}/contact").status_code == 403
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.contact.read")) is None
    contact = client.get(f"/api/staff/feedback/{entry['id']}/contact", headers={"X-CSRF-Token": token}).json()
    assert contact["contact_phone"] == CITIZEN_PHONE
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.contact.read"))
    assert audit is not None
    assert (audit.actor_name, audit.target_key) == ("shinan", str(entry["id"]))


def test_every_read_of_a_contact_is_audited_also_through_the_page(client: TestClient, db: Session) -> None:
    token = login(client, "admin")
    feedback_id = db.scalar(select(Feedback.id).where(Feedback.venue_id == SHINAN_VENUE))
    for _ in range(2):
        page = client.post(f"/staff/feedback/{feedback_id}/contact", data={"csrf_token": token})
        assert page.status_code == 200
        assert CITIZEN_PHONE in page.text
    reads = db.scalars(select(AuditEntry).where(AuditEntry.action == "feedback.contact.read")).all()
    assert len(reads) == 2


def test_editors_resolve_feedback_with_a_note(client: TestClient, db: Session) -> None:
    token = login(client, "shinan")
    (entry,) = _queue(client)
    path = f"/api/staff/feedback/{entry['id']}/resolve"
    assert client.post(path, json={"note": ""}, headers={"X-CSRF-Token": token}).status_code == 422
    done = client.post(path, json={"note": "已更正电话号码"}, headers={"X-CSRF-Token": token})
    assert done.status_code == 200
    assert done.json()["status"] == "resolved"
    assert done.json()["resolved_by"] == "shinan"
    assert client.post(path, json={"note": "again"}, headers={"X-CSRF-Token": token}).status_code == 409
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.resolve")) is not None
    assert client.get("/api/staff/feedback?status=open").json()["total"] == 0


def test_resolving_through_the_page(client: TestClient, db: Session) -> None:
    token = login(client, "shibei")
    feedback_id = db.scalar(select(Feedback.id).where(Feedback.venue_id == SHIBEI_VENUE))
    response = client.post(f"/staff/feedback/{feedback_id}/resolve", data={"csrf_token": token, "note": "已回访"},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    assert "已处理" in client.get(f"/staff/feedback/{feedback_id}").text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_logs_never_hold_a_contact_in_full(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    token = login(client, "shinan")
    (entry,) = _queue(client)
    client.get(f"/api/staff/feedback/{entry['id']}/contact", headers={"X-CSRF-Token": token})
    logging.getLogger("cityservices.test").info("citizen called from %s", CITIZEN_PHONE)
    assert caplog.records
    assert CITIZEN_PHONE not in caplog.text
    assert "139****5678" in caplog.text
