"""The lifecycle through ``/api/v1/party/…``: plan → sign-in (QR and roster) → minutes → self-check → comment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.party_day.activities.models import Activity
from cityservices.party_day.organisation.models import PartyMember
from tests.party_day.builders import id_number
from tests.service_map.editing.helpers import csrf, login

BRANCH = "QD.D1.C1.G1.B1"


def _member(client: TestClient, token: str, serial: int, **extra: Any) -> int:
    body = {"name": f"党员{serial}", "id_number": id_number(serial), "status": "full", "joined_on": "2010-07-01",
            "full_on": "2011-07-01", **extra}  # fmt: skip
    response = client.post(f"/api/v1/party/organisations/{BRANCH}/members", json=body, headers={"X-CSRF-Token": token})
    assert response.status_code == 201, response.text
    member_id: int = response.json()["id"]
    return member_id


def _plan(now: dt.datetime, **overrides: Any) -> dict[str, Any]:
    return {
        "theme": "重温入党誓词 践行初心使命",
        "starts_at": (now - dt.timedelta(minutes=10)).isoformat(),
        "ends_at": (now + dt.timedelta(hours=1)).isoformat(),
        "method": "集中",
        "place": "党员活动室",
        "contents": ["党性教育"],
        "steps": ["sign_in", "oath_review", "dues", "study", "discussion"],
        **overrides,
    }


def test_a_bad_plan_is_a_422_naming_the_field(party_client: TestClient, db: Session) -> None:
    token = login(party_client, "secretary")
    _member(party_client, token, 11)
    now = dt.datetime.now(dt.UTC)
    bad = _plan(now, steps=["sign_in", "dues"])
    response = party_client.post(f"/api/v1/party/organisations/{BRANCH}/activities", json=bad,
                                 headers={"X-CSRF-Token": token})  # fmt: skip
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "steps"
    assert "重温入党誓词" in response.json()["detail"][0]["message"]
    assert db.scalar(select(func.count()).select_from(Activity)) == 0


def test_the_whole_lifecycle(party_client: TestClient, db: Session) -> None:
    token = login(party_client, "secretary")
    host, recorder, absent = (_member(party_client, token, serial) for serial in (21, 22, 23))
    now = dt.datetime.now(dt.UTC)
    created = party_client.post(f"/api/v1/party/organisations/{BRANCH}/activities", json=_plan(now),
                                headers={"X-CSRF-Token": token})  # fmt: skip
    assert created.status_code == 201, created.text
    activity = created.json()["id"]
    assert created.json()["expected"] == 3
    qr = party_client.get(f"/api/v1/party/activities/{activity}/sign-in-token").json()["token"]
    person = db.get(PartyMember, host)
    assert person is not None
    party_client.post("/api/staff/logout", headers={"X-CSRF-Token": token})
    member_phone = TestClient(party_client.app, base_url="https://testserver")
    signed = member_phone.post("/api/v1/party/sign-in", json={"token": qr, "id_number": person.id_number},
                               headers={"X-CSRF-Token": csrf(member_phone)})  # fmt: skip
    assert signed.status_code == 201, signed.text
    assert person.id_number not in signed.text
    again = member_phone.post("/api/v1/party/sign-in", json={"token": qr, "id_number": person.id_number},
                              headers={"X-CSRF-Token": csrf(member_phone)})  # fmt: skip
    assert again.status_code == 409
    token = login(party_client, "secretary")
    headers = {"X-CSRF-Token": token}
    ticked = party_client.post(f"/api/v1/party/activities/{activity}/roster", json={"member_id": recorder},
                               headers=headers)  # fmt: skip
    assert ticked.status_code == 201
    minutes = {"host_id": host, "recorder_id": recorder, "expected": 3, "present": 2, "absent": 0,
               "content": "重温入党誓词，交流研讨"}  # fmt: skip
    wrong = party_client.post(f"/api/v1/party/activities/{activity}/minutes", json=minutes, headers=headers)
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["field"] == "absent"
    minutes |= {"absent": 1, "absences": [{"member_id": absent, "reason": "出差"}]}
    assert (
        party_client.post(f"/api/v1/party/activities/{activity}/minutes", json=minutes, headers=headers).status_code
        == 201
    )
    scores = {"主题鲜明": 5, "程序规范": 5, "形式务实": 4, "党味浓厚": 5, "成效明显": 4}
    review = party_client.post(f"/api/v1/party/activities/{activity}/self-check", json={"scores": scores},
                               headers=headers)  # fmt: skip
    assert review.status_code == 201
    assert review.json()["total"] == 23
    refused = party_client.post(f"/api/v1/party/activities/{activity}/comments", json={"text": "好"}, headers=headers)
    assert refused.status_code == 403
    listed = party_client.get("/api/v1/party/activities", params={"branch": BRANCH})
    assert listed.headers["cache-control"] == "no-store"
    assert listed.json()["items"][0]["status"] == "reviewed"
    summary = party_client.get(f"/api/v1/party/activities/{activity}/attendance").json()
    assert summary["states"] == {"present": 2}


def test_requirements_are_readable_and_marked_unverified(party_client: TestClient) -> None:
    login(party_client, "committee")
    body = party_client.get("/api/v1/party/requirements/village").json()
    assert body["status"] == "示例参数，未经核实"
    assert "deliberation" in body["required_steps"]
    assert party_client.get("/api/v1/party/requirements/castle").status_code == 422
