"""Accounts: Argon2 hashes, sign-in, lock-out, session rotation (no fixation), logout, the admin CLI."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cityservices.auth.models import LoginAttempt, StaffAccount, StaffSession
from cityservices.kit.audit import AuditEntry
from cityservices.platform.security import SESSION_COOKIE
from tests.conftest import FAST_PASSWORD_HASHER
from tests.service_map.editing.helpers import PASSWORD, csrf, login
from tests.test_cli import run_cli_in_process as run_cli


def _login(client: TestClient, username: str, password: str) -> int:
    response = client.post(
        "/api/staff/login", json={"username": username, "password": password}, headers={"X-CSRF-Token": csrf(client)}
    )
    return response.status_code


def test_passwords_are_stored_as_argon2id_hashes(client: TestClient, db: Session) -> None:
    login(client, "admin")
    stored = db.scalar(select(StaffAccount.password_hash).where(StaffAccount.username == "admin"))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_the_real_parameters_are_rfc_9106s(production_password_hashing: None, client: TestClient, db: Session) -> None:
    """The tests hash with the cheapest parameters (tests/conftest.py); the platform with RFC 9106's low-memory
    recommendation (argon2-cffi's default), and a hash made with other parameters is redone at sign-in."""
    db.execute(update(StaffAccount).where(StaffAccount.username == "admin").values(
        password_hash=FAST_PASSWORD_HASHER.hash(PASSWORD)))  # fmt: skip
    db.commit()
    assert _login(client, "admin", PASSWORD) == 200
    db.expire_all()
    stored = db.scalar(select(StaffAccount.password_hash).where(StaffAccount.username == "admin"))
    assert stored is not None
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in stored


def test_sign_in_sets_a_secure_http_only_session_cookie(client: TestClient) -> None:
    response = client.post(
        "/api/staff/login", json={"username": "editor", "password": PASSWORD}, headers={"X-CSRF-Token": csrf(client)}
    )
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("HttpOnly", "Secure", "SameSite=lax"):
        assert flag.lower() in cookie.lower()
    assert client.get("/api/staff/me").json()["username"] == "editor"


def test_wrong_password_and_unknown_user_get_the_same_answer(client: TestClient, db: Session) -> None:
    assert _login(client, "editor", "wrong-password-1") == 401
    assert _login(client, "nobody", "wrong-password-1") == 401
    assert client.get("/api/staff/me").status_code == 401
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.action == "login.failure")).all()
    assert len(actions) == 2
    assert db.scalar(select(LoginAttempt).where(LoginAttempt.username == "nobody")) is not None


def test_repeated_failures_lock_the_account_even_for_the_right_password(client: TestClient, db: Session) -> None:
    for _ in range(5):
        assert _login(client, "viewer", "wrong-password-1") == 401
    response = client.post(
        "/api/staff/login", json={"username": "viewer", "password": PASSWORD}, headers={"X-CSRF-Token": csrf(client)}
    )
    assert response.status_code == 401
    assert "锁定" in response.json()["detail"]
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "login.locked")) is not None
    assert _login(client, "editor", PASSWORD) == 200  # other accounts are not affected


def test_unknown_user_names_lock_the_same_way(client: TestClient) -> None:
    for _ in range(5):
        _login(client, "ghost", "wrong-password-1")
    response = client.post(
        "/api/staff/login", json={"username": "ghost", "password": "x"}, headers={"X-CSRF-Token": csrf(client)}
    )
    assert "锁定" in response.json()["detail"]


def test_session_id_rotates_on_sign_in_and_a_planted_id_is_never_used(client: TestClient, db: Session) -> None:
    client.cookies.set(SESSION_COOKIE, "attacker-chosen-session-id", domain="testserver.local")
    login(client, "editor")
    first = client.cookies.get(SESSION_COOKIE)
    assert first
    assert first != "attacker-chosen-session-id"
    login(client, "editor")
    second = client.cookies.get(SESSION_COOKIE)
    assert second
    assert second != first
    assert db.query(StaffSession).count() == 1  # the first session was ended, not kept
    client.cookies.set(SESSION_COOKIE, first, domain="testserver.local")
    assert client.get("/api/staff/me").status_code == 401


def test_logout_ends_the_session(client: TestClient) -> None:
    token = login(client, "editor")
    cookie = client.cookies.get(SESSION_COOKIE)
    assert client.post("/api/staff/logout", headers={"X-CSRF-Token": token}).status_code == 204
    client.cookies.set(SESSION_COOKIE, cookie or "", domain="testserver.local")
    assert client.get("/api/staff/me").status_code == 401


def test_staff_phone_is_masked_in_lists_and_its_full_read_audited(client: TestClient, db: Session) -> None:
    token = login(client, "admin")
    listed = client.get("/api/staff/accounts").json()
    assert all(a["phone"] == "138****8000" for a in listed)
    me = client.get("/api/staff/me").json()
    assert me["phone"] == "138****8000"
    editor_id = next(a["id"] for a in listed if a["username"] == "editor")
    assert client.get(f"/api/staff/accounts/{editor_id}/phone").status_code == 403  # a planted <img>: no header
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "account.phone.read")) is None
    full = client.get(f"/api/staff/accounts/{editor_id}/phone", headers={"X-CSRF-Token": token})
    assert full.json()["phone"] == "13800138000"
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "account.phone.read"))
    assert audit is not None
    assert audit.target_key == "editor"
    assert audit.actor_name == "admin"


def test_admin_creates_accounts_with_checked_passwords(client: TestClient) -> None:
    token = login(client, "admin")
    body = {"username": "newbie", "password": "short", "role": "editor"}
    assert client.post("/api/staff/accounts", json=body, headers={"X-CSRF-Token": token}).status_code == 422
    body["password"] = "a-long-enough-pass-1"
    created = client.post("/api/staff/accounts", json=body, headers={"X-CSRF-Token": token})
    assert created.status_code == 201
    assert client.post("/api/staff/accounts", json=body, headers={"X-CSRF-Token": token}).status_code == 409
    assert _login(client, "newbie", "a-long-enough-pass-1") == 200


def test_disabled_accounts_lose_their_sessions(client: TestClient, app: object) -> None:
    admin_token = login(client, "admin")
    viewer = TestClient(app, base_url="https://testserver")  # type: ignore[arg-type]
    login(viewer, "viewer")
    viewer_id = next(a["id"] for a in client.get("/api/staff/accounts").json() if a["username"] == "viewer")
    response = client.post(
        f"/api/staff/accounts/{viewer_id}/active?active=false", headers={"X-CSRF-Token": admin_token}
    )
    assert response.status_code == 200
    assert viewer.get("/api/staff/me").status_code == 401


def test_create_admin_command_reads_the_password_from_stdin(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    command = ("create-admin", "root", "--password-stdin")
    done = run_cli(url, *command, input="weak\n", cwd=tmp_path)
    assert done.returncode == 2
    assert "密码" in done.stderr
    done = run_cli(url, *command, input=PASSWORD + "\n", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "root" in done.stderr
