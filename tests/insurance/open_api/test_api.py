"""Signed calls over HTTP: an employee's status within the app's enterprise, every refusal with its code and an
audit row, signed answers, and idempotent writes (through a route added for the test); SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import Response
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cityservices.deps import DbSession
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api import signing as sg
from cityservices.insurance.open_api.guard import OpenCall, idempotent, signed
from cityservices.kit.audit.models import AuditEntry
from cityservices.platform.security import load_secret
from tests.insurance.builders import enterprise, member

NOW = dt.datetime.now(dt.UTC)
STATUS = "employee.status.read"


@dataclass
class Caller:
    client: TestClient
    app_id: str
    serial: str
    profile: str
    secret: str | None = None
    keys: sg.Sm2KeyPair | None = None

    def headers(self, method: str, path: str, body: bytes, **over: str) -> dict[str, str]:
        timestamp = over.pop("timestamp", str(int(time.time())))
        nonce = over.pop("nonce", sg.new_nonce())
        canonical = sg.canonical_string(method, path, int(timestamp), nonce, sg.body_digest(self.profile, body))
        if self.keys is not None:
            signature = base64.b64encode(sg.sm2_sign(self.keys, canonical.encode())).decode()
        else:
            assert self.secret is not None
            signature = sg.hmac_sign(self.profile, self.secret.encode(), canonical)
        return {
            "X-Open-App-Id": self.app_id,
            "X-Open-Serial": self.serial,
            "X-Open-Signature-Type": self.profile,
            "X-Open-Timestamp": timestamp,
            "X-Open-Nonce": nonce,
            "X-Open-Signature": signature,
        } | over

    def get(self, path: str, **over: str) -> Any:
        return self.client.get(path, headers=self.headers("GET", path, b"", **over))

    def post(self, path: str, payload: object, **over: str) -> Any:
        body = json.dumps(payload).encode()
        headers = self.headers("POST", path, body, **over) | {"Content-Type": "application/json"}
        return self.client.post(path, content=body, headers=headers)


write_router = APIRouter()
WRITES: list[bytes] = []


@write_router.post("/api/open/v1/test-write")
def _test_write(session: DbSession, call: Annotated[OpenCall, Depends(signed("employee.enrol"))]) -> Response:
    def write() -> tuple[int, dict[str, Any]]:
        WRITES.append(call.body)
        return 201, {"write": len(WRITES)}

    return idempotent(session, call, write)


@pytest.fixture
def setup(insurance_app: FastAPI, connection: Connection) -> Iterator[dict[str, Any]]:
    insurance_app.include_router(write_router)
    secret = load_secret(insurance_app.state.runtime.settings)
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        enterprise(session, "E0001", serial=1)
        enterprise(session, "E0002", serial=2)
        member(session, "P0001", serial=1, emp_no="E0001")
        member(session, "P0002", serial=2, emp_no="E0002")
        ops = [STATUS, "employee.enrol"]
        app = open_api.register_app(session, emp_no="E0001", name="人事系统", operations=ops, now=NOW)
        open_api.decide_app(session, app.app_id, approve=True, staff="ins_admin", now=NOW)
        hmac_key, hmac_secret = open_api.add_hmac_key(
            session, app.app_id, profile=sg.HMAC_SM3, platform_secret=secret, now=NOW
        )
        keys = sg.generate_sm2_keypair()
        sm2_key = open_api.add_public_key(session, app.app_id, public_key=keys.public_hex, now=NOW)
        session.commit()
        WRITES.clear()
        with TestClient(insurance_app, base_url="https://testserver") as client:
            yield {
                "client": client,
                "hmac": Caller(client, app.app_id, hmac_key.serial, sg.HMAC_SM3, secret=hmac_secret),
                "sm2": Caller(client, app.app_id, sm2_key.serial, sg.SM2_SM3, keys=keys),
                "secret": secret,
                "app_id": app.app_id,
            }


def _audit(db: Session, app_id: str) -> list[tuple[str, str | None]]:
    rows = db.scalars(select(AuditEntry).where(AuditEntry.actor_name == f"app:{app_id}").order_by(AuditEntry.id))
    return [(row.action, (row.detail or {}).get("outcome")) for row in rows]


def test_employee_status_with_hmac_and_signed_answer(setup: dict[str, Any], db: Session) -> None:
    caller: Caller = setup["hmac"]
    path = "/api/open/v1/employees/P0001/status"
    response = caller.get(path)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["psn_insu_stas"] == {"310": "1"}
    assert data["emp_no"] == "E0001"
    assert "*" in data["certno"]
    assert response.headers["cache-control"] == "no-store"
    canonical = sg.canonical_string(
        "200",
        path,
        int(response.headers["x-open-timestamp"]),
        response.headers["x-open-nonce"],
        sg.sm3(response.content).hex(),
    )
    assert sg.hmac_verify(sg.HMAC_SM3, caller.secret.encode(), canonical, response.headers["x-open-signature"])  # type: ignore[union-attr]
    assert _audit(db, caller.app_id) == [("open.employee.status.read", "ok")]


def test_sm2_caller_and_server_key(setup: dict[str, Any]) -> None:
    caller: Caller = setup["sm2"]
    path = "/api/open/v1/employees/P0001/status"
    response = caller.get(path)
    assert response.status_code == 200, response.text
    published = setup["client"].get("/api/open/v1/server-key").json()
    assert published["user_id"] == "1234567812345678"
    canonical = sg.canonical_string(
        "200",
        path,
        int(response.headers["x-open-timestamp"]),
        response.headers["x-open-nonce"],
        sg.sm3(response.content).hex(),
    )
    der = base64.b64decode(response.headers["x-open-signature"])
    assert sg.sm2_verify(sg.parse_public_key(published["public_key"]), canonical.encode(), der)


def test_another_enterprises_employee_is_not_found(setup: dict[str, Any], db: Session) -> None:
    caller: Caller = setup["hmac"]
    for psn_no in ("P0002", "P9999"):
        response = caller.get(f"/api/open/v1/employees/{psn_no}/status")
        assert response.status_code == 404
        assert response.json()["error"] == "employee_not_found"
    assert _audit(db, caller.app_id) == [("open.employee.status.read", "not_found")] * 2


def test_refusals_over_http_are_coded_and_audited(setup: dict[str, Any], db: Session) -> None:
    caller: Caller = setup["hmac"]
    path = "/api/open/v1/employees/P0001/status"
    old = str(int(time.time()) - 301)
    cases = [
        (caller.headers("GET", path, b"", timestamp=old), 401, "timestamp_out_of_window"),
        (caller.headers("GET", path, b"") | {"X-Open-Signature": "AAAA"}, 401, "bad_signature"),
        (caller.headers("GET", path, b"") | {"X-Open-App-Id": "app-other"}, 401, "unknown_app"),
        ({k: v for k, v in caller.headers("GET", path, b"").items() if k != "X-Open-Nonce"}, 401, "missing_header"),
        (caller.headers("GET", "/api/open/v1/employees/P0002/status", b""), 401, "bad_signature"),  # path is signed
    ]
    for headers, status, code in cases:
        response = setup["client"].get(path, headers=headers)
        assert (response.status_code, response.json()["error"]) == (status, code)
    replay = caller.headers("GET", path, b"")
    assert setup["client"].get(path, headers=replay).status_code == 200
    response = setup["client"].get(path, headers=replay)
    assert (response.status_code, response.json()["error"]) == (401, "nonce_replayed")
    outcomes = [outcome for _, outcome in _audit(db, caller.app_id)]
    assert outcomes == [
        "timestamp_out_of_window",
        "bad_signature",
        "missing_header",
        "bad_signature",
        "ok",
        "nonce_replayed",
    ]
    assert _audit(db, "app-other") == [("open.employee.status.read", "unknown_app")]


def test_revoked_key_and_ungranted_operation(setup: dict[str, Any], connection: Connection) -> None:
    caller: Caller = setup["hmac"]
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        app = open_api.app_or_404(session, caller.app_id)
        app.operations = ["employee.enrol"]
        session.commit()
    response = caller.get("/api/open/v1/employees/P0001/status")
    assert (response.status_code, response.json()["error"]) == (403, "operation_not_granted")
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        open_api.revoke_key(session, caller.app_id, caller.serial, now=dt.datetime.now(dt.UTC))
        session.commit()
    response = caller.post("/api/open/v1/test-write", {"a": 1}, **{"Idempotency-Key": "k1"})
    assert (response.status_code, response.json()["error"]) == (401, "key_revoked")
    assert WRITES == []


def test_idempotency_key(setup: dict[str, Any]) -> None:
    caller: Caller = setup["hmac"]
    path = "/api/open/v1/test-write"
    first = caller.post(path, {"a": 1}, **{"Idempotency-Key": "k1"})
    assert (first.status_code, first.json()) == (201, {"write": 1})
    again = caller.post(path, {"a": 1}, **{"Idempotency-Key": "k1"})
    assert (again.status_code, again.json()) == (201, {"write": 1})
    assert again.headers["x-open-nonce"] != first.headers["x-open-nonce"]  # a fresh signature on the stored answer
    other = caller.post(path, {"a": 2}, **{"Idempotency-Key": "k1"})
    assert (other.status_code, other.json()["error"]) == (409, "idempotency_key_reused")
    missing = caller.post(path, {"a": 3})
    assert (missing.status_code, missing.json()["error"]) == (422, "missing_idempotency_key")
    assert len(WRITES) == 1


def test_huge_body_is_refused(setup: dict[str, Any], db: Session) -> None:
    caller: Caller = setup["hmac"]
    response = caller.post("/api/open/v1/test-write", {"x": "a" * 1_000_001}, **{"Idempotency-Key": "k2"})
    assert (response.status_code, response.json()["error"]) == (413, "body_too_large")
    assert WRITES == []
    assert _audit(db, caller.app_id) == [("open.employee.enrol", "body_too_large")]


def test_every_open_route_is_in_the_api_docs(setup: dict[str, Any]) -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text(encoding="utf-8")
    paths = setup["client"].get("/api/openapi.json").json()["paths"]
    open_paths = [path for path in paths if path.startswith("/api/open/") and path != "/api/open/v1/test-write"]
    assert "/api/open/v1/employees/{psn_no}/status" in open_paths
    for path in open_paths:
        for method in paths[path]:
            assert f"`{method.upper()} {path}`" in text, (method, path)


def test_openapi_document_names_the_signing_headers(setup: dict[str, Any]) -> None:
    paths = setup["client"].get("/api/openapi.json").json()["paths"]
    parameters = {p["name"] for p in paths["/api/open/v1/employees/{psn_no}/status"]["get"]["parameters"]}
    assert {"X-Open-App-Id", "X-Open-Serial", "X-Open-Signature-Type", "X-Open-Signature"} <= parameters


def test_per_app_rate_limit(setup: dict[str, Any], connection: Connection, db: Session) -> None:
    caller: Caller = setup["hmac"]
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        open_api.app_or_404(session, caller.app_id).rate_limit_per_minute = 1
        session.commit()
    path = "/api/open/v1/employees/P0001/status"
    assert caller.get(path).status_code == 200
    # two more calls: at least one falls in the same one-minute window as another
    refused = [response for response in (caller.get(path), caller.get(path)) if response.status_code == 429]
    assert refused
    assert refused[0].json()["error"] == "rate_limited"
    assert ("open.employee.status.read", "rate_limited") in _audit(db, caller.app_id)
