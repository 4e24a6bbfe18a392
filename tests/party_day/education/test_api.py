"""``/api/v1/party/education/…``: staff only, never cached, ledgers scoped and audited, bad input a 422 naming
the field with nothing written."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.kit.audit.models import AuditEntry
from cityservices.party_day.education.models import Resource, StudyRecord
from tests.party_day.activities.test_api import BRANCH, _member, _plan
from tests.service_map.editing.helpers import login

URL = "/api/v1/party/education"
RESOURCE = {"title": "党章基本知识微党课", "kind": "course", "contents": ["理论学习"], "keywords": ["党章"],
            "description": "演示：党章学习简介", "minutes": 40}  # fmt: skip


def _count(db: Session, table: type) -> int:
    return db.scalar(select(func.count()).select_from(table)) or 0


def test_the_library_search_and_plan_resources(party_client: TestClient, db: Session) -> None:
    assert party_client.get(f"{URL}/resources").status_code == 401
    token = login(party_client, "partyadmin")
    headers = {"X-CSRF-Token": token}
    bad_bodies = (
        ({**RESOURCE, "contents": ["文艺演出"]}, "contents"),
        ({**RESOURCE, "minutes": -10}, "minutes"),
        ({**RESOURCE, "branch_kinds": ["factory"]}, "branch_kinds"),
        ({**RESOURCE, "description": "演示\x00"}, "description"),
        ({**RESOURCE, "keywords": ["党" * 21]}, "keywords.0"),
    )
    for body, field in bad_bodies:
        bad = party_client.post(f"{URL}/resources", json=body, headers=headers)
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["field"] == field
    assert _count(db, Resource) == 0
    created = party_client.post(f"{URL}/resources", json=RESOURCE, headers=headers)
    assert created.status_code == 201, created.text
    resource = created.json()["id"]
    party_client.post("/api/staff/logout", headers=headers)

    token = login(party_client, "secretary")
    headers = {"X-CSRF-Token": token}
    assert party_client.post(f"{URL}/resources", json=RESOURCE, headers=headers).status_code == 403
    found = party_client.get(f"{URL}/resources", params={"q": "黨章"})
    assert found.headers["cache-control"] == "no-store"
    assert [hit["id"] for hit in found.json()["items"]] == [resource]
    assert party_client.get(f"{URL}/resources", params={"content": "文艺"}).status_code == 422
    assert party_client.get(f"{URL}/resources/{resource}").json()["kind_name"] == "课程"
    assert party_client.get(f"{URL}/resources/999999").status_code == 404
    _member(party_client, token, 61)
    now = dt.datetime.now(dt.UTC)
    planned = party_client.post(f"/api/v1/party/organisations/{BRANCH}/activities", json=_plan(now), headers=headers)
    activity = planned.json()["id"]
    attached = party_client.put(f"{URL}/activities/{activity}/resources", json={"resource_ids": [resource]},
                                headers=headers)  # fmt: skip
    assert attached.status_code == 200, attached.text
    read = party_client.get(f"/api/v1/party/activities/{activity}").json()
    assert [r["title"] for r in read["resources"]] == [RESOURCE["title"]]
    unknown = party_client.put(f"{URL}/activities/{activity}/resources", json={"resource_ids": [resource, 999999]},
                               headers=headers)  # fmt: skip
    assert unknown.status_code == 422
    assert [r["id"] for r in party_client.get(f"{URL}/activities/{activity}/resources").json()] == [resource]
    party_client.post("/api/staff/logout", headers=headers)
    login(party_client, "district2")
    assert party_client.get(f"{URL}/activities/{activity}/resources").status_code == 403


def test_a_member_ledger_is_scoped_and_audited(party_client: TestClient, db: Session) -> None:
    token = login(party_client, "secretary")
    headers = {"X-CSRF-Token": token}
    member = _member(party_client, token, 62)
    url = f"{URL}/members/{member}/study"
    negative = party_client.post(
        url, json={"studied_on": "2026-03-01", "minutes": -45, "note": "学习"}, headers=headers
    )
    assert negative.status_code == 422
    assert negative.json()["detail"][0]["field"] == "minutes"
    assert _count(db, StudyRecord) == 0
    added = party_client.post(
        url, json={"studied_on": "2026-03-01", "minutes": 90, "note": "集中学习"}, headers=headers
    )
    assert added.status_code == 201, added.text
    ledger = party_client.get(url, params={"year": 2026})
    assert ledger.headers["cache-control"] == "no-store"
    assert ledger.json()["total_hours"] == "2.0"
    assert ledger.json()["status"] == "示例参数，未经核实"
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.actor_name == "secretary")).all()
    assert "party.education.study.add" in actions
    assert "party.education.study.read" in actions
    party_client.post("/api/staff/logout", headers=headers)
    token = login(party_client, "district2")
    assert party_client.get(url).status_code == 403
    outside = party_client.post(url, json={"studied_on": "2026-03-02", "minutes": 30, "note": "学习"},
                                headers={"X-CSRF-Token": token})  # fmt: skip
    assert outside.status_code == 403
    assert party_client.get(f"{URL}/members/999999/study").status_code == 404
    assert _count(db, StudyRecord) == 1
