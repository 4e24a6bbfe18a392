"""Apps, keys with rotation, request verification and idempotent answers; on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy.orm import Session

from cityservices.errors import RequestInvalid
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api import signing as sg
from cityservices.insurance.open_api.models import OpenAppKey
from tests.insurance.builders import enterprise

SECRET = b"platform-secret-for-tests"
NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
OP = "employee.status.read"


def _app(session: Session, approve: bool = True, operations: tuple[str, ...] = (OP,)) -> str:
    enterprise(session)
    app = open_api.register_app(session, emp_no="E0001", name="人事系统", operations=list(operations), now=NOW)
    assert app.status == "pending"
    if approve:
        open_api.decide_app(session, app.app_id, approve=True, staff="ins_admin", now=NOW)
    return app.app_id


def _request(
    app_id: str,
    serial: str,
    profile: str,
    sign: object,
    *,
    nonce: str = "nonce0001",
    at: dt.datetime = NOW,
    body: bytes = b'{"a":1}',
) -> open_api.SignedRequest:
    timestamp = int(at.timestamp())
    canonical = sg.canonical_string("POST", "/api/open/v1/x?y=1", timestamp, nonce, sg.body_digest(profile, body))
    if isinstance(sign, sg.Sm2KeyPair):
        signature = base64.b64encode(sg.sm2_sign(sign, canonical.encode())).decode()
    else:
        assert isinstance(sign, str)
        signature = sg.hmac_sign(profile, sign.encode(), canonical)
    return open_api.SignedRequest(
        app_id, serial, profile, str(timestamp), nonce, signature, "POST", "/api/open/v1/x?y=1", body
    )


def _code(session: Session, request: open_api.SignedRequest, operation: str = OP, now: dt.datetime = NOW) -> str:
    with pytest.raises(open_api.OpenApiError) as caught:
        open_api.verify(session, request, operation=operation, platform_secret=SECRET, now=now)
    return caught.value.code


def test_register_validates_operations_and_name(session: Session) -> None:
    enterprise(session)
    with pytest.raises(RequestInvalid) as caught:
        open_api.register_app(session, emp_no="E0001", name="x", operations=["drop.tables"], now=NOW)
    assert caught.value.field == "operations"
    with pytest.raises(RequestInvalid) as caught:
        open_api.register_app(session, emp_no="E0001", name=" ", operations=[OP], now=NOW)
    assert caught.value.field == "name"


@pytest.mark.parametrize("profile", [sg.HMAC_SM3, sg.HMAC_SHA256])
def test_hmac_request_verifies_and_secret_is_stored_encrypted(session: Session, profile: str) -> None:
    app_id = _app(session)
    key, secret = open_api.add_hmac_key(session, app_id, profile=profile, platform_secret=SECRET, now=NOW)
    assert key.secret_enc is not None
    assert secret.encode() not in key.secret_enc
    call = open_api.verify(
        session, _request(app_id, key.serial, profile, secret), operation=OP, platform_secret=SECRET, now=NOW
    )
    assert call.app.app_id == app_id
    assert _code(session, _request(app_id, key.serial, profile, secret)) == "nonce_replayed"
    assert _code(session, _request(app_id, key.serial, profile, secret + "x", nonce="nonce0002")) == "bad_signature"
    with pytest.raises(InvalidTag):  # a different platform secret cannot open the stored secret
        open_api.hmac_secret(key, b"another")


def test_sm2_request_verifies(session: Session) -> None:
    app_id = _app(session)
    keys = sg.generate_sm2_keypair()
    key = open_api.add_public_key(session, app_id, public_key="04" + keys.public_hex, now=NOW)
    open_api.verify(
        session, _request(app_id, key.serial, sg.SM2_SM3, keys), operation=OP, platform_secret=SECRET, now=NOW
    )
    other = sg.generate_sm2_keypair()
    assert _code(session, _request(app_id, key.serial, sg.SM2_SM3, other, nonce="nonce0002")) == "bad_signature"
    with pytest.raises(RequestInvalid) as caught:
        open_api.add_public_key(session, app_id, public_key="04" + "12" * 64, now=NOW)
    assert caught.value.field == "public_key"


def test_refusals_have_their_codes(session: Session) -> None:
    app_id = _app(session)
    key, secret = open_api.add_hmac_key(session, app_id, profile=sg.HMAC_SM3, platform_secret=SECRET, now=NOW)
    ok = _request(app_id, key.serial, sg.HMAC_SM3, secret)
    late = NOW + dt.timedelta(seconds=301)
    assert _code(session, ok, now=late) == "timestamp_out_of_window"
    assert _code(session, ok, now=NOW - dt.timedelta(seconds=301)) == "timestamp_out_of_window"
    assert _code(session, _request("app-none", key.serial, sg.HMAC_SM3, secret)) == "unknown_app"
    assert _code(session, _request(app_id, "9999", sg.HMAC_SM3, secret)) == "unknown_key"
    assert _code(session, _request(app_id, key.serial, sg.HMAC_SHA256, secret)) == "profile_mismatch"
    assert _code(session, _request(app_id, key.serial, sg.HMAC_SM3, secret, nonce="x")) == "bad_nonce"
    assert _code(session, ok, operation="employee.enrol") == "operation_not_granted"
    open_api.revoke_key(session, app_id, key.serial, now=NOW)
    assert _code(session, ok) == "key_revoked"


def test_pending_app_cannot_call(session: Session) -> None:
    app_id = _app(session, approve=False)
    key, secret = open_api.add_hmac_key(session, app_id, profile=sg.HMAC_SM3, platform_secret=SECRET, now=NOW)
    assert _code(session, _request(app_id, key.serial, sg.HMAC_SM3, secret)) == "app_not_approved"


def test_rotation_keeps_the_old_key_for_the_overlap(session: Session) -> None:
    app_id = _app(session)
    old, old_secret = open_api.add_hmac_key(session, app_id, profile=sg.HMAC_SM3, platform_secret=SECRET, now=NOW)
    new, new_secret = open_api.add_hmac_key(
        session, app_id, profile=sg.HMAC_SM3, platform_secret=SECRET, now=NOW, overlap=dt.timedelta(hours=1)
    )
    assert (old.serial, new.serial) == ("0001", "0002")
    soon = NOW + dt.timedelta(minutes=30)
    for serial, secret, nonce in ((old.serial, old_secret, "nonce0001"), (new.serial, new_secret, "nonce0002")):
        request = _request(app_id, serial, sg.HMAC_SM3, secret, nonce=nonce, at=soon)
        open_api.verify(session, request, operation=OP, platform_secret=SECRET, now=soon)
    later = NOW + dt.timedelta(hours=2)
    stale = _request(app_id, old.serial, sg.HMAC_SM3, old_secret, nonce="nonce0003", at=later)
    assert _code(session, stale, now=later) == "key_revoked"
    fresh = _request(app_id, new.serial, sg.HMAC_SM3, new_secret, nonce="nonce0004", at=later)
    open_api.verify(session, fresh, operation=OP, platform_secret=SECRET, now=later)
    assert session.get(OpenAppKey, new.id).not_after is None  # type: ignore[union-attr]


def test_nonce_is_reusable_only_after_it_expires(session: Session) -> None:
    app_id = _app(session)
    key, secret = open_api.add_hmac_key(session, app_id, profile=sg.HMAC_SM3, platform_secret=SECRET, now=NOW)
    open_api.verify(
        session, _request(app_id, key.serial, sg.HMAC_SM3, secret), operation=OP, platform_secret=SECRET, now=NOW
    )
    much_later = NOW + open_api.NONCE_TTL + dt.timedelta(seconds=1)
    again = _request(app_id, key.serial, sg.HMAC_SM3, secret, at=much_later)
    open_api.verify(session, again, operation=OP, platform_secret=SECRET, now=much_later)


def test_idempotent_answers(session: Session) -> None:
    app_id = _app(session)
    key, secret = open_api.add_hmac_key(session, app_id, profile=sg.HMAC_SM3, platform_secret=SECRET, now=NOW)
    call = open_api.verify(
        session, _request(app_id, key.serial, sg.HMAC_SM3, secret), operation=OP, platform_secret=SECRET, now=NOW
    )
    assert open_api.stored_answer(session, call, "k1", b"{}", NOW) is None
    open_api.store_answer(session, call, "k1", b"{}", 201, {"ok": True}, NOW)
    assert open_api.stored_answer(session, call, "k1", b"{}", NOW) == (201, {"ok": True})
    with pytest.raises(open_api.OpenApiError) as caught:
        open_api.stored_answer(session, call, "k1", b'{"other":1}', NOW)
    assert (caught.value.status_code, caught.value.code) == (409, "idempotency_key_reused")
    with pytest.raises(open_api.OpenApiError) as caught:
        open_api.store_answer(session, call, "k1", b"{}", 201, {"ok": True}, NOW)
    assert caught.value.code == "idempotency_in_progress"
    later = NOW + open_api.IDEMPOTENCY_TTL + dt.timedelta(seconds=1)
    assert open_api.stored_answer(session, call, "k1", b'{"other":1}', later) is None


def test_signed_response_verifies_with_the_caller_key_or_the_server_key(session: Session) -> None:
    app_id = _app(session)
    key, secret = open_api.add_hmac_key(session, app_id, profile=sg.HMAC_SM3, platform_secret=SECRET, now=NOW)
    call = open_api.verify(
        session, _request(app_id, key.serial, sg.HMAC_SM3, secret), operation=OP, platform_secret=SECRET, now=NOW
    )
    headers = open_api.sign_response(call, status=200, path_query="/p", body=b"{}", platform_secret=SECRET, now=NOW)
    canonical = sg.canonical_string(
        "200", "/p", int(headers["X-Open-Timestamp"]), headers["X-Open-Nonce"], sg.sm3(b"{}").hex()
    )
    assert sg.hmac_verify(sg.HMAC_SM3, secret.encode(), canonical, headers["X-Open-Signature"])
    keys = sg.generate_sm2_keypair()
    sm2_key = open_api.add_public_key(session, app_id, public_key=keys.public_hex, now=NOW)
    sm2_call = open_api.VerifiedCall(app=call.app, key=sm2_key, operation=OP, nonce="n")
    headers = open_api.sign_response(sm2_call, status=200, path_query="/p", body=b"{}", platform_secret=SECRET, now=NOW)
    canonical = sg.canonical_string(
        "200", "/p", int(headers["X-Open-Timestamp"]), headers["X-Open-Nonce"], sg.sm3(b"{}").hex()
    )
    server = open_api.server_keys(SECRET).public_hex
    assert sg.sm2_verify(server, canonical.encode(), base64.b64decode(headers["X-Open-Signature"]))
    assert not sg.sm2_verify(keys.public_hex, canonical.encode(), base64.b64decode(headers["X-Open-Signature"]))
