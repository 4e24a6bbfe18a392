"""生育津贴: eligibility (510 enrolment for the required months), days from the maternity-days rule rows, amount =
the unit's average monthly base ÷ 30 × days with every line cited, the lifecycle submitted → reviewed → paid /
refused, and the routes (open API for the unit's own employees, idempotent and audited; staff review and
payment). SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, NotFound, RuleViolation
from cityservices.insurance.maternity import service as maternity
from cityservices.insurance.maternity.models import MaternityApplication
from cityservices.insurance.maternity.schemas import MaternityApply
from cityservices.insurance.members import service as members
from cityservices.insurance.members.schemas import ContributionCreate
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.service import BUNDLED_RULES, load_rules, read_rule_file, rule_book
from cityservices.kit.audit import SYSTEM
from cityservices.kit.audit.models import AuditEntry
from cityservices.kit.money import Money
from cityservices.platform.security import load_secret
from tests.insurance.builders import enterprise, member
from tests.insurance.open_api.callers import approved_app
from tests.service_map.editing.helpers import login

NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
BIRTH = dt.date(2026, 10, 15)
BASES = ("6000.00", "9000.00", "7500.00")  # three employees' monthly bases in 2025: average 7500.00


def _unit(session: Session, *, maternity_since: dt.date = dt.date(2024, 1, 1)) -> RuleBook:
    load_rules(session, read_rule_file(BUNDLED_RULES), actor=SYSTEM)
    book = rule_book(session)
    enterprise(session, "E0001", serial=1)
    enterprise(session, "E0002", serial=2)
    for index, base in enumerate(BASES, start=1):
        since = maternity_since if index == 1 else dt.date(2024, 1, 1)
        member(session, f"P000{index}", serial=index, emp_no="E0001", insutypes=("310",), since=dt.date(2024, 1, 1))
        members.enrol(session, _relation(f"P000{index}", since))
        for month in range(1, 13):
            data = ContributionCreate(
                psn_no=f"P000{index}", insutype="310", month=dt.date(2025, month, 1), base=Money(base)
            )
            members.record_contribution(session, data, book=book)
    member(session, "P0009", serial=9, emp_no="E0002", insutypes=("310", "510"), since=dt.date(2020, 1, 1))
    return book


def _relation(psn_no: str, since: dt.date) -> Any:
    from cityservices.insurance.members.schemas import RelationCreate

    return RelationCreate(psn_no=psn_no, insutype="510", crt_insu_date=since, emp_no="E0001")  # type: ignore[arg-type]


def _apply(session: Session, book: RuleBook, **facts: Any) -> MaternityApplication:
    data = MaternityApply.model_validate({"psn_no": "P0001", "birth_date": BIRTH, "birth_kind": "normal"} | facts)
    return maternity.apply(session, data, emp_no="E0001", book=book, now=NOW, by="test")


def test_a_normal_birth_with_every_line_cited(db: Session) -> None:
    row = _apply(db, _unit(db))
    assert row.days == 98 + 60
    assert Decimal(row.average_base) == Decimal("7500.00")
    assert Decimal(row.amount) == Decimal("39500.00")  # 7500 / 30 × 158
    texts = [line["text"] for line in row.lines]
    assert any("产假基本天数：98 天" in t for t in texts)
    assert any("山东省延长产假：60 天" in t for t in texts)
    assert any("270000.00 元 ÷ 36 人月 = 7500.00 元" in t for t in texts)
    cited = {line["rule_id"]: line["citation"] for line in row.lines if line["rule_id"]}
    assert set(cited) == {"maternity-normal", "maternity-shandong-extra"}
    assert "国务院令第619号" in cited["maternity-normal"]
    assert "示例参数，未经核实" in cited["maternity-shandong-extra"]
    assert row.example_parameters
    assert row.payee == "employer"
    assert row.status == "submitted"


@pytest.mark.parametrize(
    ("facts", "days"),
    [
        ({"birth_kind": "caesarean"}, 98 + 15 + 60),
        ({"birth_kind": "dystocia", "babies": 2}, 98 + 15 + 15 + 60),
        ({"birth_kind": "normal", "babies": 3}, 98 + 30 + 60),
        ({"birth_kind": "miscarriage", "babies": 0, "pregnancy_weeks": 10}, 15),
        ({"birth_kind": "miscarriage", "babies": 0, "pregnancy_weeks": 20}, 42),
    ],
)
def test_days_by_case(db: Session, facts: dict[str, Any], days: int) -> None:
    row = _apply(db, _unit(db), **facts)
    assert row.days == days
    expected = (Decimal("7500.00") / 30 * days).quantize(Decimal("0.01"))
    assert Decimal(row.amount) == expected


def test_eligibility_and_duplicates(db: Session) -> None:
    book = _unit(db, maternity_since=dt.date(2026, 3, 1))  # only 7 months of 510 before the birth
    with pytest.raises(RuleViolation, match="连续正常参保"):
        _apply(db, book)
    data = MaternityApply(psn_no="P0002", birth_date=BIRTH, birth_kind="normal")
    maternity.apply(db, data, emp_no="E0001", book=book, now=NOW, by="test")
    with pytest.raises(Conflict):
        maternity.apply(db, data, emp_no="E0001", book=book, now=NOW, by="test")
    with pytest.raises(NotFound):  # another unit's employee
        maternity.apply(db, data.model_copy(update={"psn_no": "P0009"}), emp_no="E0001", book=book, now=NOW, by="t")
    future = data.model_copy(update={"psn_no": "P0003", "birth_date": dt.date(2027, 1, 1)})
    with pytest.raises(RuleViolation):
        maternity.apply(db, future, emp_no="E0001", book=book, now=NOW, by="test")


def test_a_suspended_month_breaks_the_enrolment(db: Session) -> None:
    book = _unit(db)
    members.change_status(db, "P0001", "510", month=dt.date(2026, 2, 1), status="2")
    members.change_status(db, "P0001", "510", month=dt.date(2026, 3, 1), status="1")
    with pytest.raises(RuleViolation, match="2026-02"):
        _apply(db, book)


def test_a_unit_without_contributions_last_year_cannot_be_computed(db: Session) -> None:
    book = _unit(db)
    data = MaternityApply(psn_no="P0009", birth_date=BIRTH, birth_kind="normal")
    with pytest.raises(RuleViolation, match="缴费记录"):
        maternity.apply(db, data, emp_no="E0002", book=book, now=NOW, by="test")


def test_inconsistent_birth_facts_are_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        MaternityApply(psn_no="P0001", birth_date=BIRTH, birth_kind="miscarriage")
    with pytest.raises(ValidationError):
        MaternityApply(psn_no="P0001", birth_date=BIRTH, birth_kind="normal", babies=0)


def test_lifecycle(db: Session) -> None:
    row = _apply(db, _unit(db))
    with pytest.raises(Conflict):
        maternity.move(db, row.application_no, to="paid", by="x", now=NOW)  # not reviewed yet
    maternity.review(db, row.application_no, approve=True, by="ins_admin", now=NOW)
    with pytest.raises(Conflict):
        maternity.review(db, row.application_no, approve=True, by="ins_admin", now=NOW)
    paid = maternity.move(db, row.application_no, to="paid", by="ins_admin", now=NOW, note="凭证 001")
    assert [h["status"] for h in paid.history] == ["submitted", "reviewed", "paid"]
    with pytest.raises(Conflict):
        maternity.move(db, row.application_no, to="refused", by="x", now=NOW)


# ---- over HTTP ------------------------------------------------------------------------------------------------

PATH = "/api/open/v1/maternity-applications"


@pytest.fixture
def setup(insurance_app: FastAPI, connection: Connection) -> Iterator[dict[str, Any]]:
    secret = load_secret(insurance_app.state.runtime.settings)
    with TestClient(insurance_app, base_url="https://testserver") as client:
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            _unit(session)
            callers = approved_app(
                session, client, emp_no="E0001", operations=["maternity.apply"], platform_secret=secret
            )
            session.commit()
        yield {"client": client, "connection": connection, **callers}


def test_apply_over_the_open_api_idempotently(setup: dict[str, Any]) -> None:
    caller = setup["rsa"]
    facts = {"psn_no": "P0001", "birth_date": "2026-10-15", "birth_kind": "caesarean"}
    applied = caller.post(PATH, facts, key="mat-1")
    assert applied.status_code == 201, applied.text
    body = applied.json()
    assert body["days"] == 173
    assert body["amount"] == "43250.00"
    assert body["status"] == "submitted"
    assert body["psn_name"] == "测**"
    assert body["certno"].count("*") == 16
    assert body["marking"] == "示例参数，未经核实"
    assert caller.post(PATH, facts, key="mat-1").json()["application_no"] == body["application_no"]
    other_body = caller.post(PATH, facts | {"birth_kind": "normal"}, key="mat-1")
    assert (other_body.status_code, other_body.json()["error"]) == (409, "idempotency_key_reused")
    duplicate = caller.post(PATH, facts, key="mat-2")
    assert (duplicate.status_code, duplicate.json()["error"]) == (409, "duplicate_application")
    followed = setup["hmac"].get(f"{PATH}/{body['application_no']}")
    assert followed.status_code == 200
    assert followed.json()["status_label"] == "已受理"
    with Session(bind=setup["connection"], join_transaction_mode="create_savepoint") as session:
        count = len(session.scalars(select(MaternityApplication)).all())
        outcomes = [
            d["outcome"]
            for d in session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "open.maternity.apply"))
        ]
    assert count == 1
    assert outcomes.count("ok") == 1
    assert "duplicate_application" in outcomes


def test_open_api_refusals_write_nothing(setup: dict[str, Any]) -> None:
    caller = setup["hmac"]
    other_unit = caller.post(PATH, {"psn_no": "P0009", "birth_date": "2026-10-15", "birth_kind": "normal"}, key="a")
    assert (other_unit.status_code, other_unit.json()["error"]) == (404, "employee_not_found")
    future = caller.post(PATH, {"psn_no": "P0001", "birth_date": "2027-10-15", "birth_kind": "normal"}, key="b")
    assert (future.status_code, future.json()["error"]) == (422, "not_eligible")
    bad = caller.post(PATH, {"psn_no": "P0001", "birth_date": "2026-10-15", "birth_kind": "miscarriage"}, key="c")
    assert bad.status_code == 422
    no_key = caller.post(PATH, {"psn_no": "P0001", "birth_date": "2026-10-15", "birth_kind": "normal"})
    assert (no_key.status_code, no_key.json()["error"]) == (422, "missing_idempotency_key")
    with Session(bind=setup["connection"], join_transaction_mode="create_savepoint") as session:
        assert session.scalars(select(MaternityApplication)).all() == []
    assert caller.get(f"{PATH}/M20261207ABCDEF12").json()["error"] == "application_not_found"


def test_staff_review_and_pay(setup: dict[str, Any]) -> None:
    applied = setup["hmac"].post(PATH, {"psn_no": "P0002", "birth_date": "2026-10-15", "birth_kind": "normal"}, key="k")
    number = applied.json()["application_no"]
    client = setup["client"]
    csrf = {"X-CSRF-Token": login(client, "ins_admin")}
    base = "/api/v1/insurance/maternity-applications"
    listed = client.get(base, params={"status": "submitted"})
    assert [item["application_no"] for item in listed.json()["items"]] == [number]
    assert listed.headers["cache-control"] == "no-store"
    early = client.post(f"{base}/{number}/payment", json={}, headers=csrf)
    assert early.status_code == 409
    refused_without_reason = client.post(f"{base}/{number}/review", json={"approve": False}, headers=csrf)
    assert refused_without_reason.status_code == 422
    reviewed = client.post(f"{base}/{number}/review", json={"approve": True}, headers=csrf)
    assert reviewed.status_code == 200
    assert reviewed.json()["status"] == "reviewed"
    paid = client.post(f"{base}/{number}/payment", json={"note": "凭证 0001"}, headers=csrf)
    assert paid.json()["status_label"] == "已支付"
    assert [h["status"] for h in client.get(f"{base}/{number}").json()["history"]] == ["submitted", "reviewed", "paid"]
    followed = setup["hmac"].get(f"{PATH}/{number}")
    assert followed.json()["status"] == "paid"


def test_staff_region_scope_and_viewers(setup: dict[str, Any]) -> None:
    applied = setup["hmac"].post(PATH, {"psn_no": "P0002", "birth_date": "2026-10-15", "birth_kind": "normal"}, key="k")
    number = applied.json()["application_no"]
    client = setup["client"]
    assert client.get("/api/v1/insurance/maternity-applications").status_code == 401
    csrf = {"X-CSRF-Token": login(client, "ins_viewer")}
    assert client.get(f"/api/v1/insurance/maternity-applications/{number}").status_code == 200
    denied = client.post(
        f"/api/v1/insurance/maternity-applications/{number}/review", json={"approve": True}, headers=csrf
    )
    assert denied.status_code == 403
    client.post("/api/v1/auth/logout", headers=csrf)
    login(client, "ins_shinan")  # limited to 370202; the members are insured in 370200
    assert client.get(f"/api/v1/insurance/maternity-applications/{number}").status_code == 404
    assert client.get("/api/v1/insurance/maternity-applications").json()["items"] == []
