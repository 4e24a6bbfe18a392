"""Citizen sign-in: accounts bound to a checked ID number (stored hashed, encrypted and masked), the staff
password rules and lock-out, sessions apart from staff sessions, CSRF on unsafe requests, the sign-in page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.auth.citizens.models import CitizenAccount, CitizenSession
from cityservices.auth.citizens.service import check_id_number, create_citizen
from cityservices.errors import Conflict, RequestInvalid
from cityservices.kit.audit import SYSTEM
from cityservices.kit.audit.models import AuditEntry
from tests.auth.citizens.helpers import KEYS, PASSWORD, citizen, sign_in
from tests.insurance.builders import certno

ID = certno(301)


def test_the_id_number_is_checked() -> None:
    assert check_id_number(ID.lower()) == ID.upper()
    wrong_digit = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    for bad in (wrong_digit, ID[:-1], "37020219951301001X", "abc"):
        with pytest.raises(RequestInvalid):
            check_id_number(bad)


def test_stored_only_hashed_encrypted_and_masked(db: Session) -> None:
    account = citizen(db, ID, name="王小明")
    stored = db.scalars(select(CitizenAccount).where(CitizenAccount.id == account.id)).one()
    assert ID not in (stored.id_hash, stored.id_cipher, stored.id_masked)
    assert ID[1:-1] not in stored.id_cipher
    assert stored.id_masked == f"{ID[0]}{'*' * 16}{ID[-1]}"
    assert stored.name_masked == "王**"
    with pytest.raises(Conflict):
        citizen(db, ID)


@pytest.mark.parametrize("password", ["password123", "short1!", "1234567890123"])
def test_weak_passwords_are_refused(db: Session, password: str) -> None:
    with pytest.raises(RequestInvalid) as caught:
        create_citizen(db, id_number=certno(302), name="测试", password=password, keys=KEYS, actor=SYSTEM)
    assert caught.value.fields[0][0] == "password"


def test_sign_in_me_and_sign_out(client: TestClient, db: Session) -> None:
    citizen(db, ID)
    assert (
        client.post("/api/v1/citizen/login", json={"id_number": ID, "password": "wrong-password-1"}).status_code == 401
    )
    token = sign_in(client, ID)
    me = client.get("/api/v1/citizen/me")
    assert me.status_code == 200
    assert me.headers["cache-control"] == "no-store"
    assert me.json()["id_masked"].startswith(ID[0])
    assert ID not in me.text
    assert client.post("/api/v1/citizen/logout").status_code == 403  # no CSRF header
    assert client.post("/api/v1/citizen/logout", headers={"X-CSRF-Token": token}).status_code == 204
    assert client.get("/api/v1/citizen/me").status_code == 401
    actions = set(db.scalars(select(AuditEntry.action).where(AuditEntry.action.startswith("citizen."))))
    assert {"citizen.create", "citizen.login.failure", "citizen.login.success", "citizen.logout"} <= actions
    assert not db.scalars(select(AuditEntry).where(AuditEntry.target_key == ID)).first()


def test_citizen_and_staff_sessions_are_separate(client: TestClient, db: Session) -> None:
    citizen(db, ID)
    sign_in(client, ID)
    assert client.get("/api/staff/me").status_code == 401
    client.cookies.clear()
    client.cookies.set("cs_session", client.cookies.get("cs_citizen") or "not-a-session")
    assert client.get("/api/v1/citizen/me").status_code == 401


def test_a_new_sign_in_ends_the_previous_session(client: TestClient, db: Session) -> None:
    citizen(db, ID)
    sign_in(client, ID)
    sign_in(client, ID)
    assert len(db.scalars(select(CitizenSession)).all()) == 1


def test_lock_out_after_repeated_failures(client: TestClient, db: Session) -> None:
    citizen(db, ID)
    for _ in range(12):
        client.post("/api/v1/citizen/login", json={"id_number": ID, "password": "wrong-password-1"})
    locked = client.post("/api/v1/citizen/login", json={"id_number": ID, "password": PASSWORD})
    assert locked.status_code == 401
    assert "锁定" in locked.json()["detail"]


def test_unknown_and_malformed_numbers_fail_alike(client: TestClient) -> None:
    for number in (certno(303), "123456789012345678"):
        answer = client.post("/api/v1/citizen/login", json={"id_number": number, "password": PASSWORD})
        assert answer.status_code == 401
        assert answer.json()["detail"] == "身份证号码或密码错误"


def test_sign_in_page(client: TestClient, db: Session) -> None:
    citizen(db, ID)
    page = client.get("/citizen/login?next=https://evil.example/")
    assert page.status_code == 200
    assert "身份证号码" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    form = {"csrf_token": csrf.group(1), "id_number": ID, "password": PASSWORD, "next": "https://evil.example/"}
    done = client.post("/citizen/login", data=form, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == "/citizen"
    home = client.get("/citizen")
    assert home.status_code == 200
    assert "我的医保" in home.text
    assert ID not in home.text
    bad = client.post("/citizen/login", data={**form, "password": "nope-nope-1"})
    assert bad.status_code == 401
    assert "错误" in bad.text
