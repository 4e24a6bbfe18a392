"""The insurance API: the public estimator and rules; staff settlement and member routes (authenticated, scoped
by region, masked, audited, never cached); the estimator page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cityservices.insurance.members.models import InsuranceMember
from cityservices.kit.audit.repository import list_audit
from tests.insurance.builders import certno, member
from tests.service_map.editing.helpers import login

CLAIM: dict[str, Any] = {
    "psn_no": "P0001",
    "fixmedins_code": "H001",
    "med_type": "21",
    "hosp_lv": "3",
    "setl_date": "2026-03-10",
    "lines": [{"code": "A", "name": "甲类药", "chrgitm_lv": "01", "unit_price": "2000", "quantity": "1"}],
}


def _members(db: Session) -> None:
    member(db, "P0001", serial=1)  # insured in 370200 (the builder's default): outside the 市南 scope
    member(db, "P0002", serial=2)
    row = db.get(InsuranceMember, "P0002")
    assert row is not None
    row.insuplc_admdvs = "370202"
    db.commit()


def test_public_estimate_and_rules(insurance_client: TestClient) -> None:
    answer = insurance_client.post(
        "/api/v1/insurance/estimate",
        json={"psn_type": "1201", "class_a": "8000", "class_b": "3000", "outside": "500", "setl_date": "2026-05-01"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["hifp_pay"], body["psn_part_amt"], body["pool_prop_selfpay"]) == ("8910.00", "2590.00", "0.9000")
    assert body["example_parameters"] is True
    assert any("示例参数，未经核实" in step["text"] for step in body["trace"])
    bad = insurance_client.post("/api/v1/insurance/estimate", json={"psn_type": "1201", "class_a": "-5"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"].endswith("class_a")
    rules = insurance_client.get("/api/v1/insurance/rules", params={"table": "annual_cap", "on": "2026-01-01"})
    assert rules.status_code == 200
    assert {r["id"] for r in rules.json()} >= {"cap-310100"}
    assert insurance_client.get("/api/v1/insurance/rules", params={"table": "nope"}).status_code == 422


def test_personal_routes_need_a_staff_session(insurance_client: TestClient, db: Session) -> None:
    _members(db)
    assert insurance_client.get("/api/v1/insurance/members/P0001").status_code == 401
    assert insurance_client.post("/api/v1/insurance/settlements/preview", json=CLAIM).status_code in (401, 403)


def test_member_read_is_masked_audited_and_not_cached(insurance_client: TestClient, db: Session) -> None:
    _members(db)
    login(insurance_client, "ins_admin")
    answer = insurance_client.get("/api/v1/insurance/members/P0001")
    assert answer.status_code == 200, answer.text
    assert certno(1) not in answer.text
    assert answer.json()["member"]["psn_name"] == "测**"
    assert answer.json()["psn_insu_stas"] == {"310": "1"}
    assert "max-age" not in answer.headers.get("cache-control", "")
    assert "etag" not in answer.headers
    entries, _ = list_audit(db, action="insurance.member.read")
    assert entries[0].target_key == "P0001"


def test_region_scope_filters_members(insurance_client: TestClient, db: Session) -> None:
    _members(db)
    token = login(insurance_client, "ins_shinan")
    assert insurance_client.get("/api/v1/insurance/members/P0001").status_code == 404
    assert insurance_client.get("/api/v1/insurance/members/P0002").status_code == 200
    outside = insurance_client.post(
        "/api/v1/insurance/settlements", json=CLAIM, headers={"X-CSRF-Token": token, "X-Request-Id": "req-00000001"}
    )
    assert outside.status_code == 404


def test_settle_reverse_and_reconcile_over_http(insurance_client: TestClient, db: Session) -> None:
    _members(db)
    token = login(insurance_client, "ins_admin")
    headers = {"X-CSRF-Token": token, "X-Request-Id": "req-00000001"}
    preview = insurance_client.post(
        "/api/v1/insurance/settlements/preview", json=CLAIM, headers={"X-CSRF-Token": token}
    )
    assert preview.status_code == 200, preview.text
    settled = insurance_client.post("/api/v1/insurance/settlements", json=CLAIM, headers=headers)
    assert settled.status_code == 201, settled.text
    assert settled.json()["hifp_pay"] == preview.json()["hifp_pay"] == "1020.00"
    again = insurance_client.post("/api/v1/insurance/settlements", json=CLAIM, headers=headers)
    assert again.json()["setl_id"] == settled.json()["setl_id"]
    counters = insurance_client.get("/api/v1/insurance/members/P0001/counters", params={"year": 2026}).json()
    assert (counters["admissions"], counters["hifp_paid"]) == (1, "1020.00")
    totals = insurance_client.post(
        "/api/v1/insurance/settlements/reconciliation", params={"day": "2026-03-10"}, headers={"X-CSRF-Token": token}
    ).json()
    assert totals["institutions"][0]["funds"] == {"310100": "1020.00"}
    setl_id = settled.json()["setl_id"]
    reversed_ = insurance_client.post(
        f"/api/v1/insurance/settlements/{setl_id}/reversal",
        headers={"X-CSRF-Token": token, "X-Request-Id": "rev-00000001"},
    )
    assert reversed_.status_code == 200, reversed_.text
    counters = insurance_client.get("/api/v1/insurance/members/P0001/counters", params={"year": 2026}).json()
    assert (counters["admissions"], counters["hifp_paid"]) == (0, "0.00")
    bad = insurance_client.post(
        "/api/v1/insurance/settlements",
        json=CLAIM | {"setl_date": "2024-03-10"},  # no rule rows were in force in 2024
        headers=headers | {"X-Request-Id": "req-00000002"},
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "rules"


def test_viewers_cannot_settle(insurance_client: TestClient, db: Session) -> None:
    _members(db)
    token = login(insurance_client, "ins_viewer")
    denied = insurance_client.post(
        "/api/v1/insurance/settlements", json=CLAIM, headers={"X-CSRF-Token": token, "X-Request-Id": "req-00000001"}
    )
    assert denied.status_code == 403


def test_the_estimator_page(insurance_client: TestClient) -> None:
    page = insurance_client.get(
        "/insurance/estimate", params={"psn_type": "1201", "class_a": "8000", "class_b": "3000", "outside": "500"}
    )
    assert page.status_code == 200
    assert "¥2590.00" in page.text
    assert "示例参数，未经核实" in page.text
    assert "ded-310" not in page.text  # rule identifiers are not shown to citizens
    assert "（A，" not in page.text
    empty = insurance_client.get("/insurance/estimate")
    assert empty.status_code == 200
    assert "怎么算出来的" not in empty.text
    wrong = insurance_client.get("/insurance/estimate", params={"psn_type": "1201", "class_a": "abc"})
    assert "甲类费用有误" in wrong.text


def test_fhir_exports(insurance_client: TestClient, db: Session) -> None:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.explanationofbenefit import ExplanationOfBenefit

    _members(db)
    token = login(insurance_client, "ins_admin")
    settled = insurance_client.post(
        "/api/v1/insurance/settlements", json=CLAIM, headers={"X-CSRF-Token": token, "X-Request-Id": "req-00000001"}
    ).json()
    eob = insurance_client.get(f"/api/v1/insurance/settlements/{settled['setl_id']}/fhir")
    assert eob.status_code == 200, eob.text
    parsed = ExplanationOfBenefit.model_validate(eob.json())
    totals = {t.category.coding[0].code: Decimal(str(t.amount.value)) for t in parsed.total}
    assert totals["submitted"] == Decimal("2000")  # FHIR decimals are JSON numbers
    assert totals["benefit"] == totals["310100"] == Decimal("1020")
    assert parsed.status == "active"
    assert any("起付线" in note.text for note in parsed.processNote)
    insurance_client.post(
        f"/api/v1/insurance/settlements/{settled['setl_id']}/reversal",
        headers={"X-CSRF-Token": token, "X-Request-Id": "rev-00000001"},
    )
    assert (
        insurance_client.get(f"/api/v1/insurance/settlements/{settled['setl_id']}/fhir").json()["status"] == "cancelled"
    )
    bundle = insurance_client.get("/api/v1/insurance/members/P0001/coverage/fhir")
    assert bundle.status_code == 200, bundle.text
    assert certno(1) not in bundle.text
    coverage = Bundle.model_validate(bundle.json()).entry[0].resource
    assert (coverage.status, coverage.subscriberId, coverage.type.coding[0].code) == ("active", "P0001", "310")
    assert insurance_client.get("/api/v1/insurance/settlements/" + "0" * 32 + "/fhir").status_code == 404


def test_the_estimator_page_offers_the_maternity_types(insurance_client: TestClient) -> None:
    empty = insurance_client.get("/insurance/estimate").text
    for value, label in (("51", "生育门诊"), ("52", "生育住院"), ("53", "计划生育手术")):
        assert f'<option value="{value}">{label}' in empty
    delivery = insurance_client.get(
        "/insurance/estimate",
        params={"psn_type": "1101", "med_type": "52", "hosp_lv": "3", "class_a": "3000", "class_b": "1000",
                "outside": "200"},
    )  # fmt: skip
    assert delivery.status_code == 200
    text = delivery.text
    assert '<option value="52" selected>' in text
    # (3000 + 1000 − 10 % pre-self-pay) × 100 %, under the ¥4,500 limit of mat-310-inp-l3; the member pays 100 + 200
    assert "<dt>其中生育基金</dt><dd>¥3900.00</dd>" in text
    assert "<dt>个人支付</dt><dd><strong>¥300.00</strong></dd>" in text
    assert "统筹基金</dt>" not in text
    assert "示例参数，未经核实" in text
    resident = insurance_client.get(
        "/insurance/estimate", params={"psn_type": "1501", "med_type": "52", "hosp_lv": "3", "class_a": "3000"}
    ).text
    assert "<dt>其中城乡居民基本医疗保险基金</dt><dd>¥1440.00</dd>" in resident  # (3000 − 600) × 60 %, mat-390-inp-l3
