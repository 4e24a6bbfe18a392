"""Password rules (common passwords from the bundled list), changing one's own password, idle sessions removed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount, StaffSession
from cityservices.auth.passwords import check_password_strength, common_passwords, verify_password
from cityservices.errors import RuleViolation
from cityservices.kit.audit import AuditEntry, utc_now
from tests.service_map.editing.helpers import PASSWORD, csrf, login
from tests.test_cli import run_cli_in_process as run_cli


@pytest.mark.parametrize("password", ["password12", "Password12", "dragon1234", "iloveyou2026", "!!qwertyuiop1"])
def test_common_passwords_and_their_decorated_forms_are_refused(password: str) -> None:
    with pytest.raises(RuleViolation, match="常见"):
        check_password_strength(password)


def test_the_bundled_list_is_loaded_and_good_passwords_pass() -> None:
    assert len(common_passwords()) >= 20_000
    check_password_strength("correct-horse-42")
    check_password_strength("Qingdao-2026-x")
    with pytest.raises(RuleViolation, match="用户名"):
        check_password_strength("zhangwei-2026-x", username="zhangwei")


def test_create_admin_refuses_password12(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    done = run_cli(url, "create-admin", "root", "--password-stdin", input="password12\n", cwd=tmp_path)
    assert done.returncode == 2
    assert "常见" in done.stderr


def _change(client: TestClient, token: str, current: str, new: str) -> tuple[int, str]:
    response = client.post("/api/staff/me/password", json={"current_password": current, "new_password": new},
                           headers={"X-CSRF-Token": token})  # fmt: skip
    return response.status_code, response.text


def test_staff_change_their_password_and_other_sessions_end(client: TestClient, app: object, db: Session) -> None:
    other = TestClient(app, base_url="https://testserver")  # type: ignore[arg-type]
    login(other, "editor")
    token = login(client, "editor")
    status, text = _change(client, token, "wrong-password-1", "Qingdao-2026-x")
    assert status == 422
    assert "current_password" in text
    status, text = _change(client, token, PASSWORD, "password12")
    assert status == 422
    assert "new_password" in text
    assert _change(client, token, PASSWORD, "Qingdao-2026-x")[0] == 204
    stored = db.scalar(select(StaffAccount.password_hash).where(StaffAccount.username == "editor"))
    assert verify_password(stored, "Qingdao-2026-x")
    assert client.get("/api/staff/me").status_code == 200  # this session stays
    assert other.get("/api/staff/me").status_code == 401  # the others end
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "account.password")) is not None


def test_idle_session_rows_are_deleted(client: TestClient, db: Session) -> None:
    login(client, "viewer")
    account_id = db.scalar(select(StaffAccount.id).where(StaffAccount.username == "viewer"))
    assert account_id is not None
    long_ago = utc_now() - dt.timedelta(days=3)
    db.add(StaffSession(id="x" * 64, account_id=account_id, created_at=long_ago, last_seen_at=long_ago,
                        expires_at=utc_now() + dt.timedelta(hours=1), ip=None))  # fmt: skip
    db.commit()
    client.post("/api/staff/login", json={"username": "editor", "password": PASSWORD},
                headers={"X-CSRF-Token": csrf(client)})  # fmt: skip
    db.expire_all()
    assert db.get(StaffSession, "x" * 64) is None
