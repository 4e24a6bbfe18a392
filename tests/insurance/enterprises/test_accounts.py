"""Enterprise accounts and their app requests over HTTP: self-registration (credit code checked), staff approval or
refusal with a reason, sign-in, an app request, staff approval, the HMAC secret shown exactly once and signing a
call, key rotation with a new serial and an overlap, scope, audit; the per-app rate limit set by staff and applied.
SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.insurance.enterprises.accounts.models import EnterpriseAccount
from cityservices.insurance.open_api import signing as sg
from cityservices.insurance.open_api.models import OpenApp
from cityservices.insurance.open_api.webhooks.models import OpenWebhook
from cityservices.kit.audit.models import AuditEntry
from tests.insurance.builders import credit_code, enterprise, member
from tests.service_map.editing.helpers import PASSWORD, login

STAFF = "/api/v1/insurance"
STATUS_PATH = "/api/open/v1/employees/P0001/status"


@pytest.fixture
def firm(insurance_app: FastAPI) -> Iterator[TestClient]:
    """A second client: the enterprise representative's browser."""
    with TestClient(insurance_app, base_url="https://testserver") as client:
        yield client


def _signed_get(client: TestClient, app_id: str, serial: str, profile: str, secret: str) -> Any:
    timestamp, nonce = int(time.time()), sg.new_nonce()
    canonical = sg.canonical_string("GET", STATUS_PATH, timestamp, nonce, sg.body_digest(profile, b""))
    headers = {
        "X-Open-App-Id": app_id, "X-Open-Serial": serial, "X-Open-Signature-Type": profile,
        "X-Open-Timestamp": str(timestamp), "X-Open-Nonce": nonce,
        "X-Open-Signature": sg.hmac_sign(profile, secret.encode(), canonical),
    }  # fmt: skip
    return client.get(STATUS_PATH, headers=headers)


def _registered_and_signed_in(firm: TestClient, staff: TestClient, admin_csrf: str) -> str:
    code = credit_code(1)
    created = firm.post(
        "/api/v1/enterprise/registrations", json={"uscc": code, "contact_name": "王小明", "password": PASSWORD}
    )
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "pending"
    assert created.json()["contact_masked"] != "王小明"
    assert firm.post("/api/v1/enterprise/login", json={"uscc": code, "password": PASSWORD}).status_code == 401
    account_id = created.json()["id"]
    csrf = {"X-CSRF-Token": admin_csrf}
    decided = staff.post(f"{STAFF}/enterprise-accounts/{account_id}/decision", json={"approve": True}, headers=csrf)
    assert decided.status_code == 200, decided.text
    assert decided.json()["emp_no"] == "E0001"
    signed_in = firm.post("/api/v1/enterprise/login", json={"uscc": code, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.headers["cache-control"] == "no-store"
    token: str = signed_in.json()["csrf_token"]
    return token


def test_bad_credit_code_is_refused_and_nothing_written(firm: TestClient, db: Session) -> None:
    code = credit_code(1)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    answer = firm.post(
        "/api/v1/enterprise/registrations", json={"uscc": wrong, "contact_name": "王小明", "password": PASSWORD}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "uscc"
    assert "校验码" in answer.json()["detail"][0]["message"]
    assert db.scalar(select(func.count()).select_from(EnterpriseAccount)) == 0


def test_refusal_needs_a_reason_and_is_shown(insurance_client: TestClient, firm: TestClient, db: Session) -> None:
    enterprise(db, "E0001", serial=1)
    db.commit()
    created = firm.post(
        "/api/v1/enterprise/registrations",
        json={"uscc": credit_code(1), "contact_name": "王小明", "password": PASSWORD},
    )
    url = f"{STAFF}/enterprise-accounts/{created.json()['id']}/decision"
    csrf = {"X-CSRF-Token": login(insurance_client, "ins_admin")}
    assert insurance_client.post(url, json={"approve": False}, headers=csrf).status_code == 422
    refused = insurance_client.post(url, json={"approve": False, "reason": "营业执照与登记不符"}, headers=csrf)
    assert refused.json()["status"] == "refused"
    listed = insurance_client.get(f"{STAFF}/enterprise-accounts", params={"status": "refused"})
    assert listed.headers["cache-control"] == "no-store"
    assert [row["refusal_reason"] for row in listed.json()] == ["营业执照与登记不符"]
    query = select(AuditEntry.detail).where(AuditEntry.action == "enterprise.account.decide").order_by(AuditEntry.id)
    assert db.scalars(query).one()["reason"] == "营业执照与登记不符"


def test_app_request_approval_secret_once_rotation_and_scope(
    insurance_client: TestClient, firm: TestClient, db: Session
) -> None:
    enterprise(db, "E0001", serial=1)
    enterprise(db, "E0002", serial=2)
    member(db, "P0001", emp_no="E0001")
    db.commit()
    admin = login(insurance_client, "ins_admin")
    csrf = {"X-CSRF-Token": _registered_and_signed_in(firm, insurance_client, admin)}
    bad_key = firm.post(
        "/api/v1/enterprise/apps",
        json={"name": "人事", "operations": ["employee.status.read"], "profile": "SM2-SM3", "public_key": "04ab"},
        headers=csrf,
    )
    assert bad_key.status_code == 422
    assert db.scalar(select(func.count()).select_from(OpenApp)) == 0
    request = {
        "name": "人事系统", "operations": ["employee.status.read"], "profile": "HMAC-SM3",
        "webhook_url": "https://hr.example.com/hook",
    }  # fmt: skip
    assert firm.post("/api/v1/enterprise/apps", json=request).status_code == 403  # no CSRF header
    asked = firm.post("/api/v1/enterprise/apps", json=request, headers=csrf)
    assert asked.status_code == 201, asked.text
    assert asked.json()["app_id"] is None
    assert asked.json()["status"] == "pending"
    app_id = db.scalars(select(OpenApp.app_id)).one()
    staff_csrf = {"X-CSRF-Token": admin}
    pending = insurance_client.get(f"{STAFF}/open-apps", params={"status": "pending"}).json()
    assert [row["app_id"] for row in pending] == [app_id]
    decided = insurance_client.post(f"{STAFF}/open-apps/{app_id}/decision", json={"approve": True}, headers=staff_csrf)
    assert decided.status_code == 200, decided.text
    assert decided.json()["keys"][0]["secret_pending"] is True
    assert "secret" not in decided.json()["keys"][0]
    assert db.get(OpenWebhook, app_id) is not None
    mine = firm.get("/api/v1/enterprise/apps").json()["apps"]
    assert mine[0]["app_id"] == app_id
    shown = firm.post(f"/api/v1/enterprise/apps/{app_id}/keys/0001/secret", headers=csrf)
    assert shown.status_code == 200, shown.text
    assert shown.headers["cache-control"] == "no-store"
    secret = shown.json()["secret"]
    again = firm.post(f"/api/v1/enterprise/apps/{app_id}/keys/0001/secret", headers=csrf)
    assert again.status_code == 409
    assert _signed_get(firm, app_id, "0001", sg.HMAC_SM3, secret).status_code == 200
    rotated = firm.post(f"/api/v1/enterprise/apps/{app_id}/keys", json={"profile": "HMAC-SHA256"}, headers=csrf)
    assert rotated.status_code == 201, rotated.text
    assert rotated.json()["serial"] == "0002"
    assert _signed_get(firm, app_id, "0002", sg.HMAC_SHA256, rotated.json()["secret"]).status_code == 200
    keys = firm.get("/api/v1/enterprise/apps").json()["apps"][0]["keys"]
    assert keys[0]["not_after"] is not None  # the old key overlaps, then ends
    assert _signed_get(firm, app_id, "0001", sg.HMAC_SM3, secret).status_code == 200
    other = insurance_client.post(
        f"{STAFF}/open-apps", json={"emp_no": "E0002", "name": "乙", "operations": ["employee.status.read"]},
        headers=staff_csrf,
    ).json()["app_id"]  # fmt: skip
    assert firm.post(f"/api/v1/enterprise/apps/{other}/keys/0001/secret", headers=csrf).status_code == 404
    actions = list(db.scalars(select(AuditEntry.action).where(AuditEntry.target_key == app_id).order_by(AuditEntry.id)))
    assert actions == ["open.app.request", "open.app.decide", "open.key.secret_shown", "open.key.add"]


def test_refused_app_request_keeps_its_reason(insurance_client: TestClient, firm: TestClient, db: Session) -> None:
    enterprise(db, "E0001", serial=1)
    db.commit()
    admin = login(insurance_client, "ins_admin")
    csrf = {"X-CSRF-Token": _registered_and_signed_in(firm, insurance_client, admin)}
    request = {"name": "人事系统", "operations": ["employee.enrol"], "profile": "HMAC-SHA256"}
    firm.post("/api/v1/enterprise/apps", json=request, headers=csrf)
    app_id = db.scalars(select(OpenApp.app_id)).one()
    url, staff_csrf = f"{STAFF}/open-apps/{app_id}/decision", {"X-CSRF-Token": admin}
    assert insurance_client.post(url, json={"approve": False}, headers=staff_csrf).status_code == 422
    insurance_client.post(url, json={"approve": False, "reason": "未说明用途"}, headers=staff_csrf)
    mine = firm.get("/api/v1/enterprise/apps").json()["apps"][0]
    assert (mine["app_id"], mine["status"], mine["status_reason"]) == (None, "rejected", "未说明用途")
    assert mine["keys"] == []


@pytest.mark.usefixtures("rate_limit_instant")
def test_staff_rate_limit_is_audited_and_applied(insurance_client: TestClient, db: Session) -> None:
    enterprise(db, "E0001", serial=1)
    member(db, "P0001", emp_no="E0001")
    db.commit()
    csrf = {"X-CSRF-Token": login(insurance_client, "ins_admin")}
    created = insurance_client.post(
        f"{STAFF}/open-apps", json={"emp_no": "E0001", "name": "人事", "operations": ["employee.status.read"]},
        headers=csrf,
    ).json()  # fmt: skip
    app_id = created["app_id"]
    assert (
        created["rate_limit_per_minute"] == insurance_client.app.state.runtime.settings.open_app_rate_limit_per_minute
    )  # type: ignore[attr-defined]
    insurance_client.post(f"{STAFF}/open-apps/{app_id}/decision", json={"approve": True}, headers=csrf)
    secret = insurance_client.post(f"{STAFF}/open-apps/{app_id}/keys", json={"profile": "HMAC-SM3"}, headers=csrf)
    bad = insurance_client.put(
        f"{STAFF}/open-apps/{app_id}/rate-limit", json={"rate_limit_per_minute": 0}, headers=csrf
    )
    assert bad.status_code == 422
    changed = insurance_client.put(
        f"{STAFF}/open-apps/{app_id}/rate-limit", json={"rate_limit_per_minute": 1}, headers=csrf
    )
    assert changed.json()["rate_limit_per_minute"] == 1
    first = _signed_get(insurance_client, app_id, "0001", sg.HMAC_SM3, secret.json()["secret"])
    second = _signed_get(insurance_client, app_id, "0001", sg.HMAC_SM3, secret.json()["secret"])
    assert (first.status_code, second.status_code) == (200, 429)
    assert second.json()["error"] == "rate_limited"
    query = select(AuditEntry.detail).where(AuditEntry.action == "open.app.rate_limit").order_by(AuditEntry.id)
    assert db.scalars(query).one() == {"before": created["rate_limit_per_minute"], "after": 1}
    suspended = insurance_client.post(
        f"{STAFF}/open-apps/{app_id}/suspension", json={"reason": "异常调用"}, headers=csrf
    )
    assert suspended.json()["status"] == "suspended"


def test_staff_opened_account_signs_in_at_once(insurance_client: TestClient, firm: TestClient, db: Session) -> None:
    enterprise(db, "E0001", serial=1)
    db.commit()
    csrf = {"X-CSRF-Token": login(insurance_client, "ins_shinan")}
    body = {"uscc": credit_code(1), "contact_name": "李四", "password": PASSWORD}
    opened = insurance_client.post(f"{STAFF}/enterprise-accounts", json=body, headers=csrf)
    assert opened.status_code == 201, opened.text
    assert opened.json()["status"] == "active"
    assert firm.post("/api/v1/enterprise/login", json={"uscc": credit_code(1), "password": PASSWORD}).status_code == 200
    assert firm.get("/api/v1/enterprise/me").json()["emp_no"] == "E0001"
    unknown = {"uscc": credit_code(9), "contact_name": "李四", "password": PASSWORD}
    assert insurance_client.post(f"{STAFF}/enterprise-accounts", json=unknown, headers=csrf).status_code == 422
