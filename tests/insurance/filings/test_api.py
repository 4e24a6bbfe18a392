"""The filing routes over HTTP: public categories and preview; staff filing, preview, change, cancellation and
settlement at the place of treatment (session required, region scope, audited, never cached); the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cityservices.insurance.members.models import InsuranceMember
from cityservices.kit.audit.repository import list_audit
from cityservices.kit.calendar import now_in_china
from tests.insurance.builders import certno, member
from tests.service_map.editing.helpers import login


def _members(db: Session) -> None:
    member(db, "P0001", serial=1, psn_type="1201")  # insured in 370200: outside the 市南 scope
    member(db, "P0002", serial=2)
    row = db.get(InsuranceMember, "P0002")
    assert row is not None
    row.insuplc_admdvs = "370202"
    db.commit()


def _filing(psn_no: str = "P0001", **changes: Any) -> dict[str, Any]:
    today = now_in_china().date()
    return {
        "psn_no": psn_no,
        "category": "temporary",
        "mdtrtarea_admvs": "110000",
        "begin_date": today.isoformat(),
        "documents": ["personal_commitment"],
    } | changes


def test_public_categories_and_preview(insurance_client: TestClient) -> None:
    categories = insurance_client.get("/api/v1/insurance/filing-categories")
    assert categories.status_code == 200
    assert [c["name"] for c in categories.json()] == ["异地长期居住", "常驻异地工作", "异地转诊", "临时外出就医"]
    preview = insurance_client.post("/api/v1/insurance/filing-preview", json={"psn_type": "1101", "hosp_lv": "2"})
    assert preview.status_code == 200, preview.text
    assert {p["category"]: p["reduction_points"] for p in preview.json()["previews"]}["temporary"] == "0.1000"
    assert insurance_client.post("/api/v1/insurance/filing-preview", json={"psn_type": "9999"}).status_code == 422


def test_staff_routes_need_a_session_and_keep_the_scope(insurance_client: TestClient, db: Session) -> None:
    _members(db)
    assert insurance_client.post("/api/v1/insurance/filings", json=_filing()).status_code in (401, 403)
    assert insurance_client.get("/api/v1/insurance/filings/members/P0001").status_code == 401
    token = login(insurance_client, "ins_shinan")
    headers = {"X-CSRF-Token": token}
    assert insurance_client.post("/api/v1/insurance/filings", json=_filing(), headers=headers).status_code == 404
    inside = insurance_client.post("/api/v1/insurance/filings", json=_filing("P0002"), headers=headers)
    assert inside.status_code == 201, inside.text
    assert insurance_client.get("/api/v1/insurance/filings/members/P0001").status_code == 404
    filing_id = inside.json()["filing_id"]
    login(insurance_client, "ins_viewer")
    viewer = insurance_client.post(f"/api/v1/insurance/filings/{filing_id}/cancellation", headers=headers)
    assert viewer.status_code == 403


def test_file_preview_change_cancel_and_settle(insurance_client: TestClient, db: Session) -> None:
    _members(db)
    token = login(insurance_client, "ins_admin")
    headers = {"X-CSRF-Token": token}
    preview = insurance_client.post("/api/v1/insurance/filings/preview", json={"psn_no": "P0001"}, headers=headers)
    assert preview.status_code == 200, preview.text
    assert certno(1) not in preview.text
    created = insurance_client.post("/api/v1/insurance/filings", json=_filing(), headers=headers)
    assert created.status_code == 201, created.text
    filing_id = created.json()["filing_id"]
    listed = insurance_client.get("/api/v1/insurance/filings/members/P0001")
    assert [f["filing_id"] for f in listed.json()] == [filing_id]
    assert "etag" not in listed.headers
    assert "max-age" not in listed.headers.get("cache-control", "")
    assert list_audit(db, action="insurance.filing.read")[0][0].target_key == "P0001"

    bad = insurance_client.post("/api/v1/insurance/filings", json=_filing(mdtrtarea_admvs="12345"), headers=headers)
    assert bad.status_code == 422
    assert insurance_client.post("/api/v1/insurance/filings", json=_filing(), headers=headers).status_code == 409

    today = now_in_china().date()
    claim = {
        "psn_no": "P0001",
        "fixmedins_code": "H110001",
        "med_type": "21",
        "hosp_lv": "3",
        "setl_date": today.isoformat(),
        "lines": [{"code": "A", "name": "甲类药", "chrgitm_lv": "01", "unit_price": "3000", "quantity": "1"}],
    }
    settle_headers = headers | {"X-Request-Id": "req-elsewhere-1"}
    settled = insurance_client.post(
        "/api/v1/insurance/filings/settlements",
        json={"mdtrtarea_admvs": "110105", "claim": claim},
        headers=settle_headers,
    )
    assert settled.status_code == 200, settled.text
    body = settled.json()
    assert (body["filing_status"], body["direct_settlement"], body["filing_id"]) == ("filed", True, filing_id)
    assert body["settlement"]["trace"][0]["step"] == "filing"
    unfiled = insurance_client.post(
        "/api/v1/insurance/filings/settlements",
        json={"mdtrtarea_admvs": "500000", "claim": claim},
        headers=headers | {"X-Request-Id": "req-elsewhere-2"},
    )
    assert unfiled.json()["filing_status"] == "unfiled"
    assert "未办理异地就医备案" in unfiled.json()["settlement"]["trace"][0]["text"]

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    uploaded = insurance_client.post(
        f"/api/v1/insurance/filings/{filing_id}/documents",
        data={"kind": "personal_commitment"},
        files={"file": ("承诺书.png", png, "image/png")},
        headers=headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    wrong = insurance_client.post(
        f"/api/v1/insurance/filings/{filing_id}/documents",
        data={"kind": "personal_commitment"},
        files={"file": ("承诺书.png", b"plain text", "image/png")},
        headers=headers,
    )
    assert wrong.status_code == 422
    documents = insurance_client.get(f"/api/v1/insurance/filings/{filing_id}/documents")
    assert [d["content_type"] for d in documents.json()] == ["image/png"]

    changed = insurance_client.post(
        f"/api/v1/insurance/filings/{filing_id}/change",
        json={"mdtrtarea_admvs": "500000", "begin_date": (today + dt.timedelta(days=1)).isoformat()},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    cancel = insurance_client.post(
        f"/api/v1/insurance/filings/{changed.json()['filing_id']}/cancellation", headers=headers
    )
    assert (cancel.status_code, cancel.json()["status"]) == (200, "cancelled")
    assert insurance_client.post("/api/v1/insurance/filings/not-an-id/cancellation", headers=headers).status_code == 422


def test_the_member_page_and_the_staff_assisted_page(insurance_client: TestClient, db: Session) -> None:
    page = insurance_client.get("/insurance/filing", params={"psn_type": "1101", "hosp_lv": "2"})
    assert page.status_code == 200
    for text in ("异地长期居住", "常驻异地工作", "异地转诊", "临时外出就医", "示例参数，未经核实", "不能直接结算"):
        assert text in page.text
    assert "elsewhere-local" not in page.text  # no rule identifiers for citizens
    _members(db)
    assert insurance_client.get("/staff/insurance/filings/assist", follow_redirects=False).status_code in (
        302,
        303,
        401,
    )
    token = login(insurance_client, "ins_admin")
    staff_page = insurance_client.get("/staff/insurance/filings/assist", params={"psn_no": "P0001"})
    assert staff_page.status_code == 200
    assert "测**" in staff_page.text
    assert certno(1) not in staff_page.text
    form = {
        "csrf_token": token,
        "psn_no": "P0001",
        "category": "long_term_residence",
        "province": "46",
        "begin_date": now_in_china().date().isoformat(),
    }
    refused = insurance_client.post("/staff/insurance/filings/assist", data=form)
    assert refused.status_code == 422
    assert "居住证明" in refused.text
    bad_date = insurance_client.post("/staff/insurance/filings/assist", data=form | {"begin_date": "2026-02-30"})
    assert "填写有误：开始日期" in bad_date.text
    done = insurance_client.post("/staff/insurance/filings/assist", data=form | {"documents": ["residence_proof"]})
    assert done.status_code == 200, done.text[-1500:]
    assert "已备案：异地长期居住，就医地 海南省" in done.text
