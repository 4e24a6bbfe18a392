"""Self-registration and password reset with a one-time code sent through the message outbox: the code is stored
hashed, expires, allows a few attempts and is limited per phone and per address; registration checks the stated
name against the member record of that ID number; a reset ends the account's other sessions; all audited; the
staff outbox page exists only in demo mode."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cityservices.auth.citizens.models import CitizenAccount, CitizenPhoneCode, CitizenSession
from cityservices.auth.citizens.registration import MAX_ATTEMPTS, PER_ADDRESS_PER_HOUR, PER_PHONE_PER_HOUR
from cityservices.config import Settings
from cityservices.kit.audit.models import AuditEntry
from cityservices.kit.messaging.models import OutboxMessage
from tests.auth.citizens.helpers import PASSWORD, sign_in
from tests.insurance.builders import certno, member
from tests.service_map.editing.fixtures import make_settings
from tests.service_map.editing.helpers import login

ID = certno(401)
PHONE = "13712345678"
API = "/api/v1/citizen"
NEW_PASSWORD = "Laoshan-harbour-77"


@pytest.fixture
def staff_settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, demo_mode=True)


def last_code(db: Session, phone: str = PHONE) -> str:
    body = db.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == phone).order_by(OutboxMessage.id.desc())
    ).first()
    assert body is not None
    found = re.search(r"验证码 ([0-9]{6})", body)
    assert found
    return found.group(1)


def allow_resend(db: Session) -> None:
    """Move every issued code back two minutes, past the resend interval."""
    for row in db.scalars(select(CitizenPhoneCode)):
        row.created_at = row.created_at - dt.timedelta(minutes=2)
    db.flush()


def register(client: TestClient, db: Session, *, id_number: str = ID, name: str = "测试乙") -> None:
    details = {"id_number": id_number, "name": name, "phone": PHONE}
    sent = client.post(f"{API}/registration/code", json=details)
    assert sent.status_code == 200, sent.text
    done = client.post(f"{API}/registration", json=details | {"code": last_code(db), "password": PASSWORD})
    assert done.status_code == 201, done.text


def test_register_with_the_code_then_sign_in(client: TestClient, db: Session, caplog: pytest.LogCaptureFixture) -> None:
    details = {"id_number": ID, "name": "测试乙", "phone": PHONE}
    with caplog.at_level(logging.INFO):
        sent = client.post(f"{API}/registration/code", json=details)
    assert sent.status_code == 200, sent.text
    assert sent.json() == {"phone_masked": "137****5678", "valid_minutes": 10, "resend_seconds": 60}
    assert sent.headers["cache-control"] == "no-store"
    assert PHONE not in caplog.text
    assert "137****5678" in caplog.text
    code = last_code(db)
    stored = db.scalars(select(CitizenPhoneCode)).one()
    assert code not in (stored.code_hash, stored.salt)
    assert PHONE not in stored.phone_hash
    done = client.post(f"{API}/registration", json=details | {"code": code, "password": PASSWORD})
    assert done.status_code == 201, done.text
    assert ID not in done.text
    assert PHONE not in done.text
    assert client.get(f"{API}/me").json()["id_masked"] == done.json()["citizen"]["id_masked"]
    account = db.scalars(select(CitizenAccount)).one()
    assert account.phone_masked == "137****5678"
    assert PHONE not in (account.phone_hash or "")
    again = client.post(f"{API}/registration", json=details | {"code": code, "password": PASSWORD})
    assert again.status_code == 422  # the code is spent
    assert client.post(f"{API}/registration/code", json=details).status_code == 409  # the number has an account
    client.cookies.clear()
    sign_in(client, ID)
    actions = list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert "citizen.register.code" in actions
    assert "citizen.register" in actions


def test_a_wrong_code_is_counted_and_the_code_dies(client: TestClient, db: Session) -> None:
    details = {"id_number": ID, "name": "测试乙", "phone": PHONE}
    client.post(f"{API}/registration/code", json=details)
    code = last_code(db)
    wrong = "000000" if code != "000000" else "111111"
    for attempt in range(1, MAX_ATTEMPTS + 1):
        answer = client.post(f"{API}/registration", json=details | {"code": wrong, "password": PASSWORD})
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["field"] == "code"
        assert db.scalars(select(CitizenPhoneCode.attempts)).one() == attempt
    late = client.post(f"{API}/registration", json=details | {"code": code, "password": PASSWORD})
    assert late.status_code == 422
    assert "已过期" in late.json()["detail"][0]["message"]
    assert db.scalars(select(CitizenAccount)).first() is None


def test_an_expired_code_is_refused(client: TestClient, db: Session) -> None:
    details = {"id_number": ID, "name": "测试乙", "phone": PHONE}
    client.post(f"{API}/registration/code", json=details)
    db.execute(update(CitizenPhoneCode).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    answer = client.post(f"{API}/registration", json=details | {"code": last_code(db), "password": PASSWORD})
    assert answer.status_code == 422
    assert db.scalars(select(CitizenAccount)).first() is None


def test_codes_are_limited_per_phone_and_per_address(client: TestClient, db: Session) -> None:
    details = {"id_number": ID, "name": "测试乙", "phone": PHONE}
    assert client.post(f"{API}/registration/code", json=details).status_code == 200
    soon = client.post(f"{API}/registration/code", json=details)
    assert soon.status_code == 429
    assert 0 < int(soon.headers["retry-after"]) <= 60
    for _ in range(PER_PHONE_PER_HOUR - 1):
        allow_resend(db)
        assert client.post(f"{API}/registration/code", json=details).status_code == 200
    allow_resend(db)
    assert client.post(f"{API}/registration/code", json=details).status_code == 429
    issued = PER_PHONE_PER_HOUR
    phones = (f"1390000{n:04d}" for n in range(100))
    while issued < PER_ADDRESS_PER_HOUR:
        other = {"id_number": certno(500 + issued), "name": "测试丙", "phone": next(phones)}
        assert client.post(f"{API}/registration/code", json=other).status_code == 200
        issued += 1
    refused = client.post(f"{API}/registration/code", json={**details, "phone": next(phones)})
    assert refused.status_code == 429
    assert db.scalars(select(OutboxMessage)).all().__len__() == PER_ADDRESS_PER_HOUR


def test_bad_details_are_refused_and_nothing_is_sent(client: TestClient, db: Session) -> None:
    wrong_digit = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    cases = [
        ({"id_number": wrong_digit, "name": "测试乙", "phone": PHONE}, "id_number"),
        ({"id_number": ID, "name": "Bob", "phone": PHONE}, "name"),
        ({"id_number": ID, "name": "测试乙", "phone": "12345678901"}, "phone"),
    ]
    for body, field in cases:
        answer = client.post(f"{API}/registration/code", json=body)
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["field"] == field
    weak = client.post(f"{API}/registration", json=cases[0][0] | {"id_number": ID, "code": "123456", "password": "1"})
    assert weak.status_code == 422
    assert db.scalars(select(OutboxMessage)).first() is None
    assert db.scalars(select(CitizenPhoneCode)).first() is None


def test_the_stated_name_must_match_the_member_of_that_number(client: TestClient, db: Session) -> None:
    member(db, "P0401", serial=401)  # registered as 测试甲
    refused = client.post(f"{API}/registration/code", json={"id_number": ID, "name": "王五", "phone": PHONE})
    assert refused.status_code == 422
    assert "不一致" in refused.json()["detail"]
    assert db.scalars(select(OutboxMessage)).first() is None
    register(client, db, name="测试甲")
    archive = client.get("/api/v1/insurance/archive")
    assert archive.status_code == 200, archive.text


def test_reset_sends_only_to_the_registered_phone_and_ends_other_sessions(client: TestClient, db: Session) -> None:
    register(client, db)
    other_device = TestClient(client.app, base_url="https://testserver")
    sign_in(other_device, ID)
    assert db.scalars(select(CitizenSession)).all().__len__() == 2
    allow_resend(db)
    stranger = client.post(f"{API}/password-reset/code", json={"id_number": ID, "phone": "13600000000"})
    unknown = client.post(f"{API}/password-reset/code", json={"id_number": certno(402), "phone": PHONE})
    assert stranger.status_code == unknown.status_code == 200
    assert db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "13600000000")).first() is None
    assert db.scalars(select(OutboxMessage)).all().__len__() == 1  # the registration code only
    allow_resend(db)
    body = {"id_number": ID, "phone": PHONE}
    assert client.post(f"{API}/password-reset/code", json=body).status_code == 200
    reset = client.post(f"{API}/password-reset", json=body | {"code": last_code(db), "password": NEW_PASSWORD})
    assert reset.status_code == 200, reset.text
    assert db.scalars(select(CitizenSession)).all().__len__() == 1  # the resetting browser's new session
    assert other_device.get(f"{API}/me").status_code == 401
    assert client.get(f"{API}/me").status_code == 200
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "citizen.password.reset")).one()
    assert entry.detail == {"sessions_ended": 2}
    assert ID not in (entry.target_key or "")
    client.cookies.clear()
    sign_in(client, ID, NEW_PASSWORD)


def test_the_pages_register_and_reset(client: TestClient, db: Session) -> None:
    page = client.get("/citizen/register")
    assert page.headers["cache-control"] == "no-store"
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    form = {"csrf_token": csrf.group(1), "id_number": ID, "name": "测试乙", "phone": PHONE}
    sent = client.post("/citizen/register", data=form | {"step": "code"})
    assert sent.status_code == 200
    assert "137****5678" in sent.text
    assert 'name="code"' in sent.text
    wrong = client.post("/citizen/register", data=form | {"step": "register", "code": "99999x", "password": PASSWORD})
    assert wrong.status_code == 422
    assert "验证码" in wrong.text
    done = client.post("/citizen/register", data=form | {"step": "register", "code": last_code(db),
                                                          "password": PASSWORD}, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    assert done.headers["location"] == "/citizen"
    allow_resend(db)
    form = {"csrf_token": csrf.group(1), "id_number": ID, "phone": PHONE}
    assert "如果身份证号码" in client.post("/citizen/reset", data=form | {"step": "code"}).text
    done = client.post("/citizen/reset", data=form | {"step": "reset", "code": last_code(db),
                                                      "password": NEW_PASSWORD}, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303


def test_the_outbox_page_is_for_staff_in_demo_mode_only(app: FastAPI, client: TestClient, db: Session) -> None:
    client.post(f"{API}/registration/code", json={"id_number": ID, "name": "测试乙", "phone": PHONE})
    client.cookies.clear()
    assert client.get("/staff/outbox", follow_redirects=False).status_code in (303, 401)
    login(client, "admin")
    page = client.get("/staff/outbox")
    assert page.status_code == 200
    assert "演示" in page.text
    assert "137****5678" in page.text
    assert PHONE not in page.text
    assert re.search(r"验证码 [0-9]{6}", page.text)
    assert db.scalars(select(AuditEntry).where(AuditEntry.action == "outbox.read")).first() is not None
    app.state.runtime.settings = app.state.runtime.settings.model_copy(update={"demo_mode": False})
    assert client.get("/staff/outbox").status_code == 404
