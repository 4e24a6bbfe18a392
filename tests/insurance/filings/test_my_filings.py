"""A signed-in member files for treatment elsewhere on their own: only their own filings (found by their ID number),
another member's filing is "not found", no session is 401, unsafe requests need the CSRF header; audited, never
cached. The archive lists the filings and issues the member's own 参保证明 PDF."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.insurance.filings import service
from cityservices.insurance.filings.models import InsuranceFiling
from cityservices.insurance.filings.schemas import FilingCreate
from cityservices.kit.audit import SYSTEM
from cityservices.kit.audit.models import AuditEntry
from cityservices.kit.calendar import now_in_china
from tests.auth.citizens.helpers import citizen, sign_in
from tests.insurance.builders import certno, member

MINE = "/api/v1/insurance/my/filings"
OWN_ID, OTHER_ID = certno(1), certno(2)
MASKED_ACTOR = f"citizen:{OWN_ID[0]}{'*' * 16}{OWN_ID[-1]}"


def _filing(**changes: Any) -> dict[str, Any]:
    return {
        "category": "temporary",
        "mdtrtarea_admvs": "110000",
        "begin_date": now_in_china().date().isoformat(),
        "documents": ["personal_commitment"],
    } | changes


def _two_members(db: Session) -> str:
    """P0001 (the signed-in citizen) and P0002 with a filing of their own; returns that filing's id."""
    member(db, "P0001", serial=1)
    member(db, "P0002", serial=2)
    citizen(db, OWN_ID)
    other = service.create_filing(
        db, FilingCreate.model_validate(_filing() | {"psn_no": "P0002"}), actor=SYSTEM, today=now_in_china().date()
    )
    db.commit()
    return other.filing_id


def test_no_session_is_401(insurance_client: TestClient) -> None:
    assert insurance_client.get(MINE).status_code == 401
    assert insurance_client.post(MINE, json=_filing()).status_code == 401
    assert insurance_client.post(f"{MINE}/preview", json={}).status_code == 401
    assert insurance_client.post(f"{MINE}/{'a' * 32}/cancellation").status_code == 401
    assert insurance_client.post("/api/v1/insurance/archive/certificate").status_code == 401


def test_file_list_and_cancel_own(insurance_client: TestClient, db: Session) -> None:
    other_id = _two_members(db)
    csrf = sign_in(insurance_client, OWN_ID)
    assert insurance_client.get(MINE).json() == []
    assert insurance_client.post(MINE, json=_filing()).status_code == 403  # no CSRF header
    created = insurance_client.post(MINE, json=_filing(), headers={"X-CSRF-Token": csrf})
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    mine = created.json()
    assert mine["psn_no"] == "P0001"
    assert mine["category_name"] == "临时外出就医"
    listed = insurance_client.get(MINE)
    assert listed.headers["cache-control"] == "no-store"
    assert [f["filing_id"] for f in listed.json()] == [mine["filing_id"]]
    assert other_id not in listed.text
    assert OWN_ID not in listed.text
    again = insurance_client.post(MINE, json=_filing(), headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409  # overlapping: the service's rule, not a copy
    cancelled = insurance_client.post(f"{MINE}/{mine['filing_id']}/cancellation", headers={"X-CSRF-Token": csrf})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    actions = db.scalars(select(AuditEntry).where(AuditEntry.actor_name == MASKED_ACTOR)).all()
    assert {"insurance.filing.create", "insurance.filing.read", "insurance.filing.cancel"} <= {
        a.action for a in actions
    }
    assert all(a.target_key == "P0001" for a in actions if a.action.startswith("insurance.filing."))


def test_another_members_filing_is_404(insurance_client: TestClient, db: Session) -> None:
    other_id = _two_members(db)
    csrf = sign_in(insurance_client, OWN_ID)
    headers = {"X-CSRF-Token": csrf}
    assert insurance_client.post(f"{MINE}/{other_id}/cancellation", headers=headers).status_code == 404
    change = {"mdtrtarea_admvs": "310000", "begin_date": now_in_china().date().isoformat()}
    assert insurance_client.post(f"{MINE}/{other_id}/change", json=change, headers=headers).status_code == 404
    assert insurance_client.post(f"{MINE}/{'f' * 32}/cancellation", headers=headers).status_code == 404
    row = db.get(InsuranceFiling, other_id)
    assert row is not None
    assert row.status == "active"


def test_psn_no_cannot_be_given(insurance_client: TestClient, db: Session) -> None:
    _two_members(db)
    csrf = sign_in(insurance_client, OWN_ID)
    answer = insurance_client.post(MINE, json=_filing(psn_no="P0002"), headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 422
    assert db.scalars(select(InsuranceFiling).where(InsuranceFiling.psn_no == "P0001")).all() == []


def test_change_own_and_preview(insurance_client: TestClient, db: Session) -> None:
    _two_members(db)
    csrf = sign_in(insurance_client, OWN_ID)
    headers = {"X-CSRF-Token": csrf}
    mine = insurance_client.post(MINE, json=_filing(), headers=headers).json()
    change = {"mdtrtarea_admvs": "310000", "begin_date": now_in_china().date().isoformat()}
    changed = insurance_client.post(f"{MINE}/{mine['filing_id']}/change", json=change, headers=headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["mdtrtarea_name"] == "上海市"
    preview = insurance_client.post(f"{MINE}/preview", json={"hosp_lv": "3"}, headers=headers)
    assert preview.status_code == 200, preview.text
    assert preview.json()["psn_type"] == "1101"
    assert {p["category"] for p in preview.json()["previews"]} >= {"temporary", "unfiled"}


def test_a_citizen_without_insurance_record(insurance_client: TestClient, db: Session) -> None:
    citizen(db, certno(77))
    db.commit()
    csrf = sign_in(insurance_client, certno(77))
    assert insurance_client.get(MINE).status_code == 404
    assert insurance_client.post(MINE, json=_filing(), headers={"X-CSRF-Token": csrf}).status_code == 404


def test_the_archive_lists_filings_and_issues_the_certificate(insurance_client: TestClient, db: Session) -> None:
    other_id = _two_members(db)
    csrf = sign_in(insurance_client, OWN_ID)
    mine = insurance_client.post(MINE, json=_filing(), headers={"X-CSRF-Token": csrf}).json()
    assert insurance_client.post("/api/v1/insurance/archive/certificate").status_code == 403
    pdf = insurance_client.post("/api/v1/insurance/archive/certificate", headers={"X-CSRF-Token": csrf})
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["cache-control"] == "no-store"
    assert pdf.content.startswith(b"%PDF")
    archive = insurance_client.get("/api/v1/insurance/archive")
    body = archive.json()
    assert [f["filing_id"] for f in body["filings"]] == [mine["filing_id"]]
    assert other_id not in archive.text
    assert len(body["certificates"]) == 1
    assert body["certificates"][0]["channel_label"] == "本人网上开具"
    assert body["maternity"] == []
    issued = db.scalars(select(AuditEntry).where(AuditEntry.action == "insurance.certificate.issue")).all()
    assert [(a.actor_name, a.target_key) for a in issued] == [(MASKED_ACTOR, body["certificates"][0]["cert_no"])]
    page = insurance_client.get("/insurance/archive")
    for text in ("异地就医备案", "临时外出就医", "参保证明", "本人网上开具"):
        assert text in page.text


def test_the_phone_page_files_for_the_signed_in_member(insurance_client: TestClient, db: Session) -> None:
    _two_members(db)
    anonymous = insurance_client.get("/insurance/filing")
    assert "登录后办理备案" in anonymous.text
    assert 'id="own-filing"' not in anonymous.text
    sign_in(insurance_client, OWN_ID)
    page = insurance_client.get("/insurance/filing")
    assert page.headers["cache-control"] == "no-store"
    assert 'id="own-filing"' in page.text
    assert "您还没有异地就医备案" in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"csrf_token": csrf, "category": "temporary", "province": "11",
            "begin_date": now_in_china().date().isoformat(), "documents": ["personal_commitment"]}  # fmt: skip
    done = insurance_client.post("/insurance/filing", data=form)
    assert done.status_code == 200, done.text
    assert "已备案：临时外出就医，就医地 北京市" in done.text
    refused = insurance_client.post("/insurance/filing", data=form | {"documents": []})
    assert refused.status_code == 422
    assert "临时外出就医备案需提交" in refused.text
    rows = db.scalars(select(InsuranceFiling).where(InsuranceFiling.psn_no == "P0001")).all()
    assert len(rows) == 1
    cancelled = insurance_client.post(f"/insurance/filing/{rows[0].filing_id}/cancel", data={"csrf_token": csrf})
    assert "已取消备案" in cancelled.text
