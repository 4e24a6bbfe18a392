"""A second factor for staff (TOTP with recovery codes): enrolment, sign-in with it, no replay, recovery codes
used once, administrators required to have it when configured."""

from __future__ import annotations

import time

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cityservices.app import create_app
from cityservices.auth.totp import STEP_SECONDS
from tests.service_map.editing.fixtures import bind_app, make_settings
from tests.service_map.editing.helpers import PASSWORD, csrf, login


def _sign_in(client: TestClient, username: str, otp: str | None = None) -> tuple[int, str]:
    body = {"username": username, "password": PASSWORD, **({"otp": otp} if otp is not None else {})}
    response = client.post("/api/staff/login", json=body, headers={"X-CSRF-Token": csrf(client)})
    return response.status_code, str(response.json().get("detail", ""))


def _enrol(client: TestClient, username: str) -> tuple[str, list[str]]:
    token = login(client, username)
    headers = {"X-CSRF-Token": token}
    wrong = client.post("/api/staff/me/totp", json={"password": "wrong-password-1"}, headers=headers)
    assert wrong.status_code == 422
    started = client.post("/api/staff/me/totp", json={"password": PASSWORD}, headers=headers)
    assert started.status_code == 200
    secret = started.json()["secret"]
    assert started.json()["uri"].startswith("otpauth://totp/")
    assert client.post("/api/staff/me/totp/confirm", json={"otp": "000000"}, headers=headers).status_code == 422
    confirmed = client.post("/api/staff/me/totp/confirm", json={"otp": pyotp.TOTP(secret).now()}, headers=headers)
    assert confirmed.status_code == 200
    codes: list[str] = confirmed.json()["recovery_codes"]
    assert len(codes) == 10
    return secret, codes


def _next_step_code(secret: str) -> str:
    """A code of a later time step than the one just used (waits for the next 30-second step)."""
    step = int(time.time()) // STEP_SECONDS
    return pyotp.TOTP(secret).at((step + 1) * STEP_SECONDS)


def test_an_enrolled_account_needs_its_second_factor(client: TestClient, app: FastAPI, db: Session) -> None:
    secret, _ = _enrol(client, "admin")
    other = TestClient(app, base_url="https://testserver")
    status, detail = _sign_in(other, "admin")
    assert status == 401
    assert "动态验证码" in detail
    assert _sign_in(other, "admin", "123456")[0] == 401
    assert _sign_in(other, "admin", _next_step_code(secret))[0] == 200  # the next step's code (clock drift ±1)
    assert other.get("/api/staff/me").json()["totp_enabled"] is True


def test_a_code_is_accepted_once(client: TestClient, app: FastAPI) -> None:
    secret, _ = _enrol(client, "editor")
    code = _next_step_code(secret)
    assert _sign_in(TestClient(app, base_url="https://testserver"), "editor", code)[0] == 200
    assert _sign_in(TestClient(app, base_url="https://testserver"), "editor", code)[0] == 401  # replayed


def test_recovery_codes_work_once_each(client: TestClient, app: FastAPI) -> None:
    _, codes = _enrol(client, "viewer")
    assert _sign_in(TestClient(app, base_url="https://testserver"), "viewer", codes[0])[0] == 200
    assert _sign_in(TestClient(app, base_url="https://testserver"), "viewer", codes[0])[0] == 401
    assert _sign_in(TestClient(app, base_url="https://testserver"), "viewer", codes[1].upper())[0] == 200


@pytest.fixture
def strict_app(connection: Connection, tmp_path: object, db_url: str, app: FastAPI) -> FastAPI:
    return bind_app(create_app(make_settings(db_url, tmp_path, admin_totp_required=True)), connection)  # type: ignore[arg-type]


def test_admins_without_a_second_factor_are_refused_when_it_is_required(strict_app: FastAPI) -> None:
    with TestClient(strict_app, base_url="https://testserver") as client:
        login(client, "admin")
        assert client.get("/api/staff/accounts").status_code == 403
        token = csrf(client)
        started = client.post("/api/staff/me/totp", json={"password": PASSWORD}, headers={"X-CSRF-Token": token})
        secret = started.json()["secret"]
        confirm = client.post("/api/staff/me/totp/confirm", json={"otp": pyotp.TOTP(secret).now()},
                              headers={"X-CSRF-Token": token})  # fmt: skip
        assert confirm.status_code == 200
        assert client.get("/api/staff/accounts").status_code == 200
