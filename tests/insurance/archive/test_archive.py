"""The member's own archive: only the signed-in citizen's records (scoped by their ID number), masked, audited,
never cached; the year's counters against the rule rows; the phone page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.kit.audit.models import AuditEntry
from tests.auth.citizens.helpers import citizen, sign_in
from tests.insurance.archive.conftest import OTHER_ID, OWN_ID
from tests.insurance.builders import certno


def test_the_archive_needs_a_citizen(insurance_client: TestClient) -> None:
    assert insurance_client.get("/api/v1/insurance/archive").status_code == 401
    page = insurance_client.get("/insurance/archive", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/citizen/login")


def test_only_the_own_records(insurance_client: TestClient, db: Session, members_with_records: dict[str, str]) -> None:
    sign_in(insurance_client, OWN_ID)
    answer = insurance_client.get("/api/v1/insurance/archive?year=2026")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["psn_no"] == "P0001"
    assert [s["setl_id"] for s in body["settlements"]] == [members_with_records["P0001"]]
    assert members_with_records["P0002"] not in answer.text
    assert OWN_ID not in answer.text
    assert OTHER_ID not in answer.text
    assert body["certno_masked"] == f"{OWN_ID[0]}{'*' * 16}{OWN_ID[-1]}"
    assert body["name_masked"] == "测**"
    assert body["relations"][0]["current_status_label"] == "正常参保"
    assert len(body["contributions"]) == 1
    assert {m["kind_label"] for m in body["movements"]} == {"缴费划入", "住院支付"}
    trace = body["settlements"][0]["trace"]
    assert trace
    assert not any("规则 " in step for step in trace)  # plain Chinese: rule ids dropped
    audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "insurance.archive.read")).all()
    assert [(a.target_key, a.actor_name) for a in audit] == [("P0001", f"citizen:{OWN_ID[0]}{'*' * 16}{OWN_ID[-1]}")]


def test_counters_cite_the_rule_rows(insurance_client: TestClient, members_with_records: dict[str, str]) -> None:
    sign_in(insurance_client, OWN_ID)
    counters = insurance_client.get("/api/v1/insurance/archive?year=2026").json()["counters"]
    lines = {line["rule_id"]: line for line in counters["lines"]}
    assert set(lines) == {"ded-310-out-l1", "cap-310100"}
    cap = lines["cap-310100"]
    assert cap["limit"] == "300000.00"
    assert float(cap["used"]) > 0
    assert float(cap["remaining"]) == float(cap["limit"]) - float(cap["used"])
    assert cap["example_parameter"] is True
    assert counters["admissions"] == 1


def test_another_year_is_empty(insurance_client: TestClient, members_with_records: dict[str, str]) -> None:
    sign_in(insurance_client, OWN_ID)
    body = insurance_client.get("/api/v1/insurance/archive?year=2024").json()
    assert body["settlements"] == []
    assert body["counters"]["fund_paid"] == "0.00"


def test_a_citizen_without_records(insurance_client: TestClient, db: Session) -> None:
    citizen(db, certno(77))
    db.commit()
    sign_in(insurance_client, certno(77))
    assert insurance_client.get("/api/v1/insurance/archive").status_code == 404
    page = insurance_client.get("/insurance/archive")
    assert "没有找到您的参保记录" in page.text


def test_the_page(insurance_client: TestClient, members_with_records: dict[str, str]) -> None:
    sign_in(insurance_client, OWN_ID)
    page = insurance_client.get("/insurance/archive?year=2026")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    for text in ("我的医保档案", "统筹基金年度最高支付限额", "示例参数，未经核实", "怎么算出来的", "住院支付"):
        assert text in page.text
    assert OWN_ID not in page.text
    assert "P0002" not in page.text
