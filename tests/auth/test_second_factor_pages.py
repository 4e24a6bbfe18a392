"""Setting up the second factor from the staff page (a QR code of the otpauth URI, recovery codes shown once),
an administrator resetting a colleague's second factor (re-authenticated, audited, never their own), the
``reset-second-factor`` command, and a locked-out user getting in with password and second factor while an
attacker without it stays locked."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyotp
import segno
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount, StaffSession
from cityservices.auth.security_pages import qr_svg
from cityservices.auth.totp import STEP_SECONDS
from cityservices.kit.audit import AuditEntry
from tests.service_map.editing.helpers import PASSWORD, csrf, login
from tests.test_cli import run_cli_in_process as run_cli


def _form_token(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def _enrol_on_the_page(client: TestClient, username: str) -> tuple[str, list[str]]:
    login(client, username)
    page = client.get("/staff/me/security")
    assert page.status_code == 200
    assert "未启用" in page.text
    token = _form_token(page.text)
    wrong = client.post("/staff/me/security/totp", data={"csrf_token": token, "password": "not-my-password-1"})
    assert wrong.status_code == 422
    assert "密码不正确" in wrong.text
    started = client.post("/staff/me/security/totp", data={"csrf_token": token, "password": PASSWORD})
    assert started.status_code == 200
    assert started.headers["cache-control"] == "no-store"
    assert "<svg" in started.text
    assert "<script" not in started.text
    secret = re.search(r'<code class="totp-secret">([A-Z2-7]+)</code>', started.text)
    assert secret is not None
    bad = client.post("/staff/me/security/totp/confirm", data={"csrf_token": token, "otp": "000000"})
    assert bad.status_code == 422
    assert secret.group(1) in bad.text  # the pending secret is offered again
    done = client.post("/staff/me/security/totp/confirm",
                       data={"csrf_token": token, "otp": pyotp.TOTP(secret.group(1)).now()})  # fmt: skip
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.text)
    assert len(codes) == 10
    again = client.get("/staff/me/security")
    assert "已启用" in again.text
    assert not any(code in again.text for code in codes)  # shown once only
    return secret.group(1), codes


def test_the_qr_code_holds_the_otpauth_uri() -> None:
    uri = "otpauth://totp/cityservices:editor?secret=JBSWY3DPEHPK3PXP&issuer=cityservices"
    svg = qr_svg(uri)
    assert svg.startswith("<svg")
    assert "<script" not in svg
    assert "style=" not in svg
    assert svg == segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", border=4)


def test_a_staff_member_sets_up_the_second_factor_on_the_page(client: TestClient, app: FastAPI, db: Session) -> None:
    secret, codes = _enrol_on_the_page(client, "editor")
    account = db.scalar(select(StaffAccount).where(StaffAccount.username == "editor"))
    assert account is not None
    assert account.totp_enabled
    assert account.totp_secret == secret
    assert not any(code in str(account.recovery_codes) for code in codes)  # only hashes are kept
    other = TestClient(app, base_url="https://testserver")
    body = {"username": "editor", "password": PASSWORD, "otp": codes[0]}
    assert other.post("/api/staff/login", json=body, headers={"X-CSRF-Token": csrf(other)}).status_code == 200


def test_the_uri_names_the_account_and_issuer(client: TestClient) -> None:
    token = login(client, "viewer")
    uri = client.post("/api/staff/me/totp", json={"password": PASSWORD}, headers={"X-CSRF-Token": token}).json()["uri"]
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth"
    assert "viewer" in parts.path
    assert parse_qs(parts.query)["issuer"] == ["cityservices"]


def test_an_admin_resets_a_colleagues_second_factor(client: TestClient, app: FastAPI, db: Session) -> None:
    colleague = TestClient(app, base_url="https://testserver")
    _enrol_on_the_page(colleague, "editor")
    editor_id = db.scalar(select(StaffAccount.id).where(StaffAccount.username == "editor"))
    admin_id = db.scalar(select(StaffAccount.id).where(StaffAccount.username == "admin"))
    token = login(client, "admin")
    headers = {"X-CSRF-Token": token}
    own = client.post(f"/api/staff/accounts/{admin_id}/totp/reset", headers=headers)
    assert own.status_code == 422  # never one's own
    reset = client.post(f"/api/staff/accounts/{editor_id}/totp/reset", headers=headers)
    assert reset.status_code == 200, reset.text
    assert reset.json()["totp_enabled"] is False
    assert db.scalars(select(StaffSession).where(StaffSession.account_id == editor_id)).all() == []
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "account.totp.reset"))
    assert entry is not None
    assert entry.target_key == "editor"
    assert entry.actor_name == "admin"
    assert colleague.get("/api/staff/me").status_code == 401  # the colleague's sessions ended
    assert client.post(f"/api/staff/accounts/{editor_id}/totp/reset", headers=headers).status_code == 422
    editor = TestClient(app, base_url="https://testserver")
    login(editor, "editor")  # the password alone again, then enrol anew


def test_only_recently_reauthenticated_admins_reset(client: TestClient, app: FastAPI, db: Session) -> None:
    from tests.auth.test_reauth import _age_sessions

    _enrol_on_the_page(TestClient(app, base_url="https://testserver"), "shinan")
    shinan = db.scalar(select(StaffAccount.id).where(StaffAccount.username == "shinan"))
    token = login(client, "editor")
    assert client.post(f"/api/staff/accounts/{shinan}/totp/reset", headers={"X-CSRF-Token": token}).status_code == 403
    token = login(client, "admin")
    _age_sessions(db, "admin")
    refused = client.post(f"/api/staff/accounts/{shinan}/totp/reset", headers={"X-CSRF-Token": token})
    assert refused.json()["error"] == "reauth_required"
    page = client.get("/staff/accounts")
    assert f'action="/staff/accounts/{shinan}/totp/reset"' in page.text


def _sign_in(
    client: TestClient, password: str, otp: str | None = None, *, ip_client: TestClient | None = None
) -> tuple[int, str]:
    body = {"username": "editor", "password": password, **({"otp": otp} if otp else {})}
    response = client.post("/api/staff/login", json=body, headers={"X-CSRF-Token": csrf(client)})
    return response.status_code, str(response.json().get("detail", ""))


def _next_step_code(secret: str) -> str:
    step = int(time.time()) // STEP_SECONDS
    return pyotp.TOTP(secret).at((step + 1) * STEP_SECONDS)


def test_a_locked_user_gets_in_with_password_and_second_factor(app: FastAPI, db: Session) -> None:
    owner = TestClient(app, base_url="https://testserver")
    secret, codes = _enrol_on_the_page(owner, "editor")
    attacker = TestClient(app, base_url="https://testserver")  # same test address as the owner
    for n in range(6):
        _sign_in(attacker, f"wrong-password-{n}")
    status, detail = _sign_in(attacker, PASSWORD)
    assert status == 401
    assert "锁定" in detail
    assert _sign_in(attacker, "wrong-password-9", _next_step_code(secret))[0] == 401  # code without password
    assert _sign_in(attacker, PASSWORD, "123456")[0] == 401  # password with a wrong code
    status, _ = _sign_in(attacker, PASSWORD, codes[1])  # both factors: in, although locked
    assert status == 200
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "login.success").order_by(AuditEntry.id)).all()[-1]
    assert entry.detail == {"while_locked": True}
    assert _sign_in(attacker, PASSWORD, codes[1])[0] == 401  # the recovery code was used up


def test_second_factor_guesses_while_locked_are_limited(app: FastAPI, db: Session) -> None:
    owner = TestClient(app, base_url="https://testserver")
    secret, _ = _enrol_on_the_page(owner, "editor")
    attacker = TestClient(app, base_url="https://testserver")
    for n in range(6):
        _sign_in(attacker, f"wrong-password-{n}")
    for n in range(6):  # an attacker who knows the password guesses codes
        assert _sign_in(attacker, PASSWORD, f"{n:06d}")[0] == 401
    status, detail = _sign_in(attacker, PASSWORD, _next_step_code(secret))
    assert status == 401
    assert "锁定" in detail


def test_reset_second_factor_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    done = run_cli(url, "create-admin", "root", "--password-stdin", input=PASSWORD + "\n", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = run_cli(url, "reset-second-factor", "root", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "root" in done.stderr
    done = run_cli(url, "reset-second-factor", "nobody", cwd=tmp_path)
    assert done.returncode == 2
