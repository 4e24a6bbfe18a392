"""Re-authentication before sensitive actions: a session whose credentials are older than the window cannot
create accounts, change roles or scopes, or read personal data in full until it gives the password (and second
factor) again; a stolen session cannot guess the password; the last administrator keeps the role."""

from __future__ import annotations

import datetime as dt

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount, StaffSession
from cityservices.kit.audit import AuditEntry, utc_now
from tests.service_map.editing.helpers import PASSWORD, STAFF_PHONE, login

NEW_ACCOUNT = {"username": "newcomer", "password": "a-long-enough-pass-77", "role": "editor"}


def _age_sessions(db: Session, username: str, minutes: int = 60) -> None:
    """Make every session of ``username`` have given its credentials ``minutes`` ago (time passing)."""
    account_id = db.scalar(select(StaffAccount.id).where(StaffAccount.username == username))
    old = utc_now() - dt.timedelta(minutes=minutes)
    db.execute(update(StaffSession).where(StaffSession.account_id == account_id).values(reauthenticated_at=old))
    db.flush()


def _id(db: Session, username: str) -> int:
    account_id = db.scalar(select(StaffAccount.id).where(StaffAccount.username == username))
    assert account_id is not None
    return account_id


def test_signing_in_starts_the_window(client: TestClient, db: Session) -> None:
    token = login(client, "admin")
    created = client.post("/api/staff/accounts", json=NEW_ACCOUNT, headers={"X-CSRF-Token": token})
    assert created.status_code == 201, created.text


def test_an_old_session_must_reauthenticate_before_sensitive_actions(client: TestClient, db: Session) -> None:
    token = login(client, "admin")
    _age_sessions(db, "admin")
    headers = {"X-CSRF-Token": token}
    editor = _id(db, "editor")
    refused = [
        client.post("/api/staff/accounts", json=NEW_ACCOUNT, headers=headers),
        client.put(f"/api/staff/accounts/{editor}/role", json={"role": "viewer"}, headers=headers),
        client.put(f"/api/staff/accounts/{editor}/scopes", json={"scopes": {}}, headers=headers),
        client.get(f"/api/staff/accounts/{editor}/phone", headers=headers),
    ]
    for response in refused:
        assert response.status_code == 403, response.text
        assert response.json()["error"] == "reauth_required"
    assert db.scalar(select(StaffAccount).where(StaffAccount.username == "newcomer")) is None
    assert client.get("/api/staff/accounts", headers=headers).status_code == 200  # ordinary admin reads go on

    wrong = client.post("/api/staff/me/reauth", json={"password": "wrong-password-1"}, headers=headers)
    assert wrong.status_code == 422
    ok = client.post("/api/staff/me/reauth", json={"password": PASSWORD}, headers=headers)
    assert ok.status_code == 200, ok.text
    assert ok.json()["valid_until"] > ok.json()["reauthenticated_at"]
    assert client.post("/api/staff/accounts", json=NEW_ACCOUNT, headers=headers).status_code == 201
    assert client.get(f"/api/staff/accounts/{editor}/phone", headers=headers).json()["phone"] == STAFF_PHONE
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "account.reauth")) is not None


def test_a_stolen_session_cannot_guess_the_password(client: TestClient, db: Session) -> None:
    token = login(client, "admin")
    _age_sessions(db, "admin")
    headers = {"X-CSRF-Token": token}
    answers = [
        client.post("/api/staff/me/reauth", json={"password": f"guess-number-{n}"}, headers=headers).status_code
        for n in range(8)
    ]
    assert answers[:5] == [422] * 5
    assert set(answers[6:]) == {422}
    locked = client.post("/api/staff/me/reauth", json={"password": PASSWORD}, headers=headers)
    assert locked.status_code == 422
    assert "锁定" in locked.text  # the right password no longer helps: guesses are counted like sign-ins
    assert client.post("/api/staff/accounts", json=NEW_ACCOUNT, headers=headers).status_code == 403


def test_reauthentication_needs_the_second_factor_when_enrolled(client: TestClient, db: Session) -> None:
    token = login(client, "editor")
    headers = {"X-CSRF-Token": token}
    secret = client.post("/api/staff/me/totp", json={"password": PASSWORD}, headers=headers).json()["secret"]
    totp = pyotp.TOTP(secret)
    codes = client.post("/api/staff/me/totp/confirm", json={"otp": totp.now()}, headers=headers).json()
    _age_sessions(db, "editor")
    without = client.post("/api/staff/me/reauth", json={"password": PASSWORD}, headers=headers)
    assert without.status_code == 422
    assert "动态验证码" in without.text
    recovery = codes["recovery_codes"][0]
    ok = client.post("/api/staff/me/reauth", json={"password": PASSWORD, "otp": recovery}, headers=headers)
    assert ok.status_code == 200, ok.text
    again = client.post("/api/staff/me/reauth", json={"password": PASSWORD, "otp": recovery}, headers=headers)
    assert again.status_code == 422  # a recovery code works once


def test_personal_data_reads_of_other_domains_need_it_too(client: TestClient, db: Session) -> None:
    """The audited full reads (feedback contact details) share the rule through the audited-read dependency."""
    token = login(client, "admin")
    _age_sessions(db, "admin")
    listing = client.get("/api/staff/feedback", headers={"X-CSRF-Token": token})
    assert listing.status_code == 200
    feedback_id = listing.json()["items"][0]["id"]
    contact = client.get(f"/api/staff/feedback/{feedback_id}/contact", headers={"X-CSRF-Token": token})
    assert contact.status_code == 403
    assert contact.json()["error"] == "reauth_required"


def test_the_page_sends_an_old_session_to_reauthenticate_and_back(client: TestClient, db: Session) -> None:
    login(client, "admin")
    _age_sessions(db, "admin")
    page = client.get("/staff/accounts")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    editor = _id(db, "editor")
    answer = client.post(f"/staff/accounts/{editor}/phone", data={"csrf_token": token},
                         headers={"referer": "https://testserver/staff/accounts"}, follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["location"] == "/staff/reauth?next=%2Fstaff%2Faccounts"
    form = client.get(answer.headers["location"])
    assert "确认身份" in form.text
    wrong = client.post(
        "/staff/reauth", data={"csrf_token": token, "password": "nope-nope-1", "next": "/staff/accounts"}
    )
    assert wrong.status_code == 422
    assert "密码不正确" in wrong.text
    back = client.post("/staff/reauth", data={"csrf_token": token, "password": PASSWORD, "next": "/staff/accounts"},
                       follow_redirects=False)  # fmt: skip
    assert back.status_code == 303
    assert back.headers["location"] == "/staff/accounts"
    shown = client.post(f"/staff/accounts/{editor}/phone", data={"csrf_token": token})
    assert STAFF_PHONE in shown.text


def test_roles_change_with_the_last_admin_kept(client: TestClient, app: FastAPI, db: Session) -> None:
    token = login(client, "admin")
    headers = {"X-CSRF-Token": token}
    editor, admin = _id(db, "editor"), _id(db, "admin")
    promoted = client.put(f"/api/staff/accounts/{editor}/role", json={"role": "admin"}, headers=headers)
    assert promoted.status_code == 200
    assert promoted.json()["role"] == "admin"
    assert client.put(f"/api/staff/accounts/{editor}/role", json={"role": "viewer"}, headers=headers).status_code == 200
    last = client.put(f"/api/staff/accounts/{admin}/role", json={"role": "editor"}, headers=headers)
    assert last.status_code == 422
    assert "最后一个管理员" in last.text
    rows = db.scalars(select(AuditEntry).where(AuditEntry.action == "account.role").order_by(AuditEntry.id)).all()
    assert [r.detail for r in rows] == [{"from": "editor", "to": "admin"}, {"from": "admin", "to": "viewer"}]
    viewer = TestClient(app, base_url="https://testserver")
    viewer_token = login(viewer, "viewer")
    refused = viewer.put(
        f"/api/staff/accounts/{editor}/role", json={"role": "admin"}, headers={"X-CSRF-Token": viewer_token}
    )
    assert refused.status_code == 403
