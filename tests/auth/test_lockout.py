"""Lifting a sign-in lock-out: the administrators' API and the ``unlock-account`` command."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.auth.models import LoginThrottle, StaffAccount
from cityservices.kit.audit import AuditEntry
from tests.service_map.editing.helpers import PASSWORD, csrf, login
from tests.test_cli import run_cli_in_process as run_cli


def _sign_in(client: TestClient, username: str, password: str) -> tuple[int, str]:
    response = client.post(
        "/api/staff/login", json={"username": username, "password": password}, headers={"X-CSRF-Token": csrf(client)}
    )
    return response.status_code, str(response.json().get("detail", ""))


def test_an_admin_unlocks_a_locked_account(client: TestClient, app: FastAPI, db: Session) -> None:
    attacker = TestClient(app, base_url="https://testserver")
    for _ in range(6):
        _sign_in(attacker, "editor", "wrong-password-1")
    assert "锁定" in _sign_in(attacker, "editor", PASSWORD)[1]
    token = login(client, "admin")
    editor_id = db.scalar(select(StaffAccount.id).where(StaffAccount.username == "editor"))
    response = client.post(f"/api/staff/accounts/{editor_id}/unlock", headers={"X-CSRF-Token": token})
    assert response.status_code == 200
    assert db.scalars(select(LoginThrottle).where(LoginThrottle.username == "editor")).all() == []
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "account.unlock")) is not None
    assert _sign_in(attacker, "editor", PASSWORD)[0] == 200


def test_only_admins_unlock(client: TestClient, db: Session) -> None:
    token = login(client, "editor")
    admin_id = db.scalar(select(StaffAccount.id).where(StaffAccount.username == "admin"))
    assert client.post(f"/api/staff/accounts/{admin_id}/unlock", headers={"X-CSRF-Token": token}).status_code == 403
    token = login(client, "admin")
    assert client.post("/api/staff/accounts/999999/unlock", headers={"X-CSRF-Token": token}).status_code == 404


def test_unlock_account_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    done = run_cli(url, "create-admin", "root", "--password-stdin", input=PASSWORD + "\n", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = run_cli(url, "unlock-account", "root", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "root" in done.stderr
    done = run_cli(url, "unlock-account", "nobody", cwd=tmp_path)
    assert done.returncode == 2
