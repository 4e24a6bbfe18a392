"""What the archive discloses to the member: the staff reads of their own records (with the staff member's name
and office, not their own reads, not another member's), and their timeline as a validated FHIR R4 Bundle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fastapi import FastAPI
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.insurance.certificates import service as certificates
from cityservices.insurance.maternity.models import MaternityApplication
from cityservices.kit.audit import Actor, record_audit
from cityservices.kit.audit.models import AuditEntry
from tests.auth.citizens.helpers import sign_in
from tests.insurance.archive.conftest import OTHER_ID, OWN_ID
from tests.insurance.builders import enterprise
from tests.service_map.editing.helpers import login


def staff_client(app: FastAPI, username: str) -> TestClient:
    client = TestClient(app, base_url="https://testserver")
    login(client, username)
    return client


def test_the_routes_need_a_citizen(insurance_client: TestClient) -> None:
    assert insurance_client.get("/api/v1/insurance/archive/reads").status_code == 401
    assert insurance_client.get("/api/v1/insurance/archive/fhir").status_code == 401
    page = insurance_client.get("/insurance/archive/reads", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/citizen/login")


def test_staff_reads_of_the_own_records_only(
    insurance_app: FastAPI, insurance_client: TestClient, db: Session, members_with_records: dict[str, str]
) -> None:
    with staff_client(insurance_app, "ins_admin") as staff:
        assert staff.get("/api/v1/insurance/members/P0001").status_code == 200
        assert staff.get(f"/api/v1/insurance/settlements/{members_with_records['P0001']}/fhir").status_code == 200
        assert staff.get("/api/v1/insurance/members/P0002").status_code == 200  # someone else's record
    shinan = db.scalars(select(StaffAccount).where(StaffAccount.username == "ins_shinan")).one()
    record_audit(db, actor=Actor(id=shinan.id, name=shinan.username), action="insurance.filing.read",
                 target_kind="member", target_key="P0001")  # fmt: skip
    db.commit()
    sign_in(insurance_client, OWN_ID)
    assert insurance_client.get("/api/v1/insurance/archive?year=2026").status_code == 200  # the member's own read
    answer = insurance_client.get("/api/v1/insurance/archive/reads")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    items = answer.json()["items"]
    seen = sorted((i["record_label"], i["staff_name"], i["office"]) for i in items)
    assert seen == [
        ("参保信息", "ins_admin", "青岛市医疗保障局"),
        ("异地就医备案", "ins_shinan", "市南区医疗保障分局"),
        ("结算单导出", "ins_admin", "青岛市医疗保障局"),
    ]
    assert all(i["at"].endswith("+08:00") for i in items)  # Beijing time
    assert str(shinan.id) not in {str(v) for i in items for v in i.values()}
    page = insurance_client.get("/insurance/archive/reads")
    assert page.status_code == 200
    assert "市南区医疗保障分局 ins_shinan 查看了您的异地就医备案" in page.text
    assert "/insurance/archive/reads" in insurance_client.get("/insurance/archive").text


def maternity_application(session: Session, psn_no: str) -> str:
    """A submitted application as the maternity service stores one (its calculation is tested there)."""
    enterprise(session, "E0001", serial=1)
    now = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
    session.add(MaternityApplication(
        application_no="M20261201A1B2C3D4", psn_no=psn_no, emp_no="E0001", birth_date=dt.date(2026, 10, 15),
        birth_kind="normal", babies=1, days=98, average_base=Decimal("7500.00"), amount=Decimal("24500.00"),
        payee="employer", lines=[], rule_ids="", rule_version="test", example_parameters=True, status="submitted",
        history=[], submitted_at=now, updated_at=now,
    ))  # fmt: skip
    session.flush()
    return "M20261201A1B2C3D4"


def test_certificate_and_maternity_reads_name_the_member(
    insurance_app: FastAPI, insurance_client: TestClient, db: Session, members_with_records: dict[str, str]
) -> None:
    now = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
    cert = certificates.issue(db, psn_no="P0001", channel=certificates.STAFF, issued_by="test", now=now)
    application_no = maternity_application(db, "P0001")
    db.commit()
    with staff_client(insurance_app, "ins_admin") as staff:
        assert staff.get(f"/api/v1/insurance/members/P0001/certificates/{cert.cert_no}/pdf").status_code == 200
        assert staff.get(f"/api/v1/insurance/maternity-applications/{application_no}").status_code == 200
    reads = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.action.in_(["insurance.certificate.read", "insurance.maternity.read"]))
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.target_kind, e.target_key) for e in reads] == [("member", "P0001"), ("member", "P0001")]
    assert reads[0].detail == {"cert_no": cert.cert_no}
    assert reads[1].detail == {"application_no": application_no}
    sign_in(insurance_client, OWN_ID)
    labels = sorted(i["record_label"] for i in insurance_client.get("/api/v1/insurance/archive/reads").json()["items"])
    assert labels == ["参保证明", "生育津贴申请"]


def test_no_staff_read_yet(insurance_client: TestClient, members_with_records: dict[str, str]) -> None:
    sign_in(insurance_client, OWN_ID)
    insurance_client.get("/api/v1/insurance/archive")
    assert insurance_client.get("/api/v1/insurance/archive/reads").json()["items"] == []
    assert "还没有工作人员查看过您的档案" in insurance_client.get("/insurance/archive/reads").text


def test_the_fhir_bundle(insurance_client: TestClient, db: Session, members_with_records: dict[str, str]) -> None:
    sign_in(insurance_client, OWN_ID)
    answer = insurance_client.get("/api/v1/insurance/archive/fhir")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    Bundle.model_validate(body)
    assert body["type"] == "collection"
    resources = [e["resource"] for e in body["entry"]]
    by_type: dict[str, list[dict[str, object]]] = {}
    for r in resources:
        by_type.setdefault(str(r["resourceType"]), []).append(r)
    assert [p["id"] for p in by_type["Patient"]] == ["P0001"]
    assert [c["id"] for c in by_type["Coverage"]] == ["P0001-310"]
    assert [e["id"] for e in by_type["ExplanationOfBenefit"]] == [members_with_records["P0001"]]
    assert members_with_records["P0002"] not in answer.text
    assert OWN_ID not in answer.text
    assert OTHER_ID not in answer.text
    identifiers = {i["system"]: i["value"] for i in by_type["Patient"][0]["identifier"]}  # type: ignore[attr-defined]
    assert identifiers["urn:cityservices:insurance:certno-masked"] == f"{OWN_ID[0]}{'*' * 16}{OWN_ID[-1]}"
    audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "insurance.archive.fhir")).all()
    assert [a.target_key for a in audit] == ["P0001"]
