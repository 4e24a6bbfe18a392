"""``/api/v1/party/…``: authenticated, scoped, never cached, masked, audited; bad input is a 422 naming the field."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.kit.audit.models import AuditEntry
from cityservices.party_day.organisation.models import PartyMember
from tests.party_day.builders import id_number
from tests.service_map.editing.helpers import login

BRANCH = "QD.D1.C1.G1.B1"
NEW_MEMBER = {
    "name": "赵晓东",
    "id_number": id_number(7),
    "phone": "13698765432",
    "status": "full",
    "joined_on": "2015-06-30",
    "full_on": "2016-06-30",
}


def test_the_api_needs_a_session(party_client: TestClient) -> None:
    assert party_client.get("/api/v1/party/organisations").status_code == 401


def test_lists_are_scoped_and_never_cached(party_client: TestClient) -> None:
    login(party_client, "committee")
    response = party_client.get("/api/v1/party/organisations", params={"level": "branch"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert {item["code"] for item in response.json()["items"]} == {BRANCH, "QD.D1.C1.B2"}
    assert party_client.get("/api/v1/party/organisations/QD.D2").status_code == 403
    assert party_client.get("/api/v1/party/organisations", params={"level": "planet"}).status_code == 422


def test_a_secretary_registers_and_lists_members_masked(party_client: TestClient, db: Session) -> None:
    token = login(party_client, "secretary")
    created = party_client.post(f"/api/v1/party/organisations/{BRANCH}/members", json=NEW_MEMBER,
                                headers={"X-CSRF-Token": token})  # fmt: skip
    assert created.status_code == 201, created.text
    listed = party_client.get(f"/api/v1/party/organisations/{BRANCH}/members")
    assert listed.status_code == 200
    body = listed.text
    assert NEW_MEMBER["phone"] not in body
    assert NEW_MEMBER["id_number"] not in body
    assert listed.json()["items"][0]["name"] == "赵晓东"
    assert listed.json()["items"][0]["phone"] == "136****5432"
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.actor_name == "secretary")).all()
    assert "party.member.create" in actions
    assert "party.member.list" in actions


def test_bad_input_names_the_field_and_writes_nothing(party_client: TestClient, db: Session) -> None:
    token = login(party_client, "secretary")
    bad = {**NEW_MEMBER, "id_number": "370202198001010000"}
    response = party_client.post(f"/api/v1/party/organisations/{BRANCH}/members", json=bad,
                                 headers={"X-CSRF-Token": token})  # fmt: skip
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "id_number"
    assert db.scalar(select(func.count()).select_from(PartyMember)) == 0


def test_an_upper_committee_sees_aggregates_and_masked_names(party_client: TestClient) -> None:
    token = login(party_client, "partyadmin")
    party_client.post(f"/api/v1/party/organisations/{BRANCH}/members", json=NEW_MEMBER, headers={"X-CSRF-Token": token})
    party_client.post("/api/staff/logout", headers={"X-CSRF-Token": token})
    login(party_client, "committee")
    summary = party_client.get("/api/v1/party/organisations/QD.D1.C1").json()
    assert summary["members_by_status"] == {"full": 1}
    members = party_client.get(f"/api/v1/party/organisations/{BRANCH}/members").json()["items"]
    assert members[0]["name"] == "赵**"
    assert party_client.get(f"/api/v1/party/members/{members[0]['id']}").json()["name"] == "赵**"


def test_a_scope_outside_the_branch_is_refused(party_client: TestClient) -> None:
    token = login(party_client, "district2")
    response = party_client.post(f"/api/v1/party/organisations/{BRANCH}/members", json=NEW_MEMBER,
                                 headers={"X-CSRF-Token": token})  # fmt: skip
    assert response.status_code == 403
    assert party_client.get(f"/api/v1/party/organisations/{BRANCH}/members").status_code == 403
