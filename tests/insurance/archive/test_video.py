"""视频办 through the API: consent, the queue by region, acceptance, signalling between the two sides only,
completion with an outcome; a third party (another member, another agent) is refused and audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.kit.audit.models import AuditEntry
from tests.auth.citizens.helpers import citizen, sign_in
from tests.insurance.archive.conftest import OTHER_ID, OWN_ID
from tests.service_map.editing.helpers import login

MEMBER = "/api/v1/insurance/video"
STAFF = "/api/staff/insurance/video"


def _request(client: TestClient, token: str, **extra: object) -> dict[str, object]:
    answer = client.post(f"{MEMBER}/sessions", json={"item": "elsewhere_filing", "consent": True, **extra},
                         headers={"X-CSRF-Token": token})  # fmt: skip
    assert answer.status_code == 201, answer.text
    body: dict[str, object] = answer.json()
    return body


def test_consent_is_required(insurance_client: TestClient, members_with_records: dict[str, str]) -> None:
    token = sign_in(insurance_client, OWN_ID)
    refused = insurance_client.post(f"{MEMBER}/sessions", json={"item": "elsewhere_filing", "consent": False},
                                    headers={"X-CSRF-Token": token})  # fmt: skip
    assert refused.status_code == 422
    assert "同意" in refused.text
    unknown = insurance_client.post(f"{MEMBER}/sessions", json={"item": "nope", "consent": True},
                                    headers={"X-CSRF-Token": token})  # fmt: skip
    assert unknown.status_code == 422
    _request(insurance_client, token)
    again = insurance_client.post(f"{MEMBER}/sessions", json={"item": "claim", "consent": True},
                                  headers={"X-CSRF-Token": token})  # fmt: skip
    assert again.status_code == 409


def test_a_whole_session(insurance_client: TestClient, db: Session, members_with_records: dict[str, str]) -> None:
    token = sign_in(insurance_client, OWN_ID)
    video = _request(insurance_client, token, recording=True)
    assert video["status"] == "waiting"
    assert OWN_ID not in str(video)
    insurance_client.cookies.clear()
    staff_token = login(insurance_client, "ins_admin")
    queue = insurance_client.get(f"{STAFF}/queue").json()
    assert [q["id"] for q in queue] == [video["id"]]
    accepted = insurance_client.post(f"{STAFF}/sessions/{video['id']}/accept", headers={"X-CSRF-Token": staff_token})
    assert accepted.json()["status"] == "active"
    assert insurance_client.get(f"{STAFF}/queue").json() == []
    offer = {"kind": "offer", "body": {"sdp": "x"}}
    sent = insurance_client.post(f"{STAFF}/sessions/{video['id']}/signals", json=offer,
                                 headers={"X-CSRF-Token": staff_token})  # fmt: skip
    assert sent.status_code == 201
    staff_cookies = dict(insurance_client.cookies)
    insurance_client.cookies.clear()
    token = sign_in(insurance_client, OWN_ID)
    got = insurance_client.get(f"{MEMBER}/sessions/{video['id']}/signals?after=0").json()
    assert got["status"] == "active"
    assert [(s["kind"], s["body"]) for s in got["signals"]] == [("offer", {"sdp": "x"})]
    insurance_client.post(f"{MEMBER}/sessions/{video['id']}/signals", json={"kind": "answer", "body": {"sdp": "y"}},
                          headers={"X-CSRF-Token": token})  # fmt: skip
    assert (
        insurance_client.get(f"{MEMBER}/sessions/{video['id']}/signals?after={got['signals'][0]['id']}").json()[
            "signals"
        ]
        == []
    )  # the member never reads their own messages back
    insurance_client.cookies.clear()
    insurance_client.cookies.update(staff_cookies)
    answers = insurance_client.get(f"{STAFF}/sessions/{video['id']}/signals").json()["signals"]
    assert [s["kind"] for s in answers] == ["answer"]
    done = insurance_client.post(f"{STAFF}/sessions/{video['id']}/complete", json={"outcome": "已受理备案"},
                                 headers={"X-CSRF-Token": staff_token})  # fmt: skip
    assert done.json()["status"] == "completed"
    assert done.json()["outcome"] == "已受理备案"
    video_actions = select(AuditEntry).where(AuditEntry.action.startswith("insurance.video")).order_by(AuditEntry.id)
    actions = [a.action for a in db.scalars(video_actions)]
    assert actions == ["insurance.video.request", "insurance.video.accept", "insurance.video.complete"]


def test_third_parties_are_refused(
    insurance_client: TestClient, db: Session, members_with_records: dict[str, str]
) -> None:
    citizen(db, OTHER_ID)
    db.commit()
    token = sign_in(insurance_client, OWN_ID)
    video = _request(insurance_client, token)
    insurance_client.cookies.clear()
    sign_in(insurance_client, OTHER_ID)
    assert insurance_client.get(f"{MEMBER}/sessions/{video['id']}").status_code == 404
    assert insurance_client.get(f"{MEMBER}/sessions/{video['id']}/signals").status_code == 404
    insurance_client.cookies.clear()
    admin_token = login(insurance_client, "ins_admin")
    insurance_client.post(f"{STAFF}/sessions/{video['id']}/accept", headers={"X-CSRF-Token": admin_token})
    insurance_client.cookies.clear()
    other_token = login(insurance_client, "ins_shinan")
    taken = insurance_client.post(f"{STAFF}/sessions/{video['id']}/accept", headers={"X-CSRF-Token": other_token})
    assert taken.status_code in (404, 409)
    assert insurance_client.get(f"{STAFF}/sessions/{video['id']}/signals").status_code == 403
    refused = db.scalars(select(AuditEntry).where(AuditEntry.action == "insurance.video.refused")).all()
    assert sorted(r.detail["side"] for r in refused) == ["agent", "member", "member"]


def test_the_queue_follows_the_region(insurance_client: TestClient, members_with_records: dict[str, str]) -> None:
    token = sign_in(insurance_client, OWN_ID)
    _request(insurance_client, token)  # the member is insured in 370200 (the whole city)
    insurance_client.cookies.clear()
    login(insurance_client, "ins_shinan")  # limited to 370202
    assert insurance_client.get(f"{STAFF}/queue").json() == []
    insurance_client.cookies.clear()
    login(insurance_client, "ins_viewer")
    assert len(insurance_client.get(f"{STAFF}/queue").json()) == 1


def test_pages_allow_the_camera(insurance_client: TestClient, members_with_records: dict[str, str]) -> None:
    sign_in(insurance_client, OWN_ID)
    page = insurance_client.get("/insurance/video")
    assert page.status_code == 200
    assert "我同意开启摄像头和麦克风" in page.text
    assert "camera=(self)" in page.headers["permissions-policy"]
