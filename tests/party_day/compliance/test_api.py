"""Compliance and dues through ``/api/v1/party/…``: scoped, never cached, bad input a 422 naming the field."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.party_day.activities.test_api import BRANCH, _member
from tests.service_map.editing.helpers import login


def test_calendar_meetings_and_aggregates(party_client: TestClient) -> None:
    token = login(party_client, "secretary")
    headers = {"X-CSRF-Token": token}
    meeting = {"kind": "committee_meeting", "held_at": "2026-07-10T14:00:00+08:00", "topic": "研究七月工作"}
    assert (
        party_client.post(f"/api/v1/party/organisations/{BRANCH}/meetings", json=meeting, headers=headers).status_code
        == 201
    )
    bad = party_client.post(f"/api/v1/party/organisations/{BRANCH}/meetings", json={**meeting, "kind": "party_day"},
                            headers=headers)  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "kind"
    calendar = party_client.get(
        f"/api/v1/party/organisations/{BRANCH}/calendar", params={"year": 2026, "on": "2026-08-15"}
    )
    assert calendar.headers["cache-control"] == "no-store"
    committee = next(r for r in calendar.json()["requirements"] if r["code"] == "committee_meeting")
    states = {p["key"]: p["state"] for p in committee["periods"]}
    assert states["2026-07"] == "done"
    assert states["2026-06"] == "overdue"
    assert states["2026-08"] == "due"
    assert party_client.get("/api/v1/party/organisations/QD.D1/compliance").status_code == 403
    party_client.post("/api/staff/logout", headers=headers)
    login(party_client, "committee")
    overview = party_client.get("/api/v1/party/organisations/QD.D1.C1/compliance", params={"on": "2026-08-15"}).json()
    assert overview["branches"] == 2
    assert overview["with_overdue"] == 2


def test_dues_through_the_api(party_client: TestClient) -> None:
    token = login(party_client, "secretary")
    headers = {"X-CSRF-Token": token}
    member = _member(party_client, token, 51)
    url = f"/api/v1/party/members/{member}/dues"
    assessed = party_client.post(url, json={"month": "2026-03", "category": "wage", "base": "3000.01"}, headers=headers)
    assert assessed.status_code == 201
    assert assessed.json()["due"] == "30.00"
    impossible = party_client.post(url, json={"month": "2026-04", "category": "wage", "base": "-5"}, headers=headers)
    assert impossible.status_code == 422
    assert impossible.json()["detail"][0]["field"] == "base"
    payment = {"month": "2026-03", "amount": "30.00", "paid_on": "2026-03-20", "method": "工资代扣"}
    deducted = party_client.post(f"{url}/payments", json=payment, headers=headers)
    assert deducted.status_code == 422
    assert "不得从工资中代扣党费" in deducted.text
    ledger = party_client.get(url, params={"on": "2026-05-01"}).json()
    assert ledger["arrears"] == "30.00"
    assert not ledger["lapse_flag"]
    branch = party_client.get(f"/api/v1/party/organisations/{BRANCH}/dues", params={"on": "2026-05-01"}).json()
    assert branch["arrears"] == "30.00"
    party_client.post("/api/staff/logout", headers=headers)
    login(party_client, "district2")
    assert party_client.get(url).status_code == 403
