"""The open platform's rules: registering and approving apps, issuing and rotating keys, verifying a signed
request (clock skew, nonce, app, key, operation, signature) and answering idempotent writes. Never commits."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import secrets
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Session

from cityservices.errors import AppError, NotFound, RequestInvalid
from cityservices.insurance.open_api import repository
from cityservices.insurance.open_api import signing as sg
from cityservices.insurance.open_api.models import (
    APP_APPROVED,
    APP_PENDING,
    APP_REJECTED,
    OpenApp,
    OpenAppKey,
    OpenIdempotency,
)
from cityservices.insurance.open_api.schemas import AppRead, KeyRead

OPERATIONS: Final = frozenset(
    {"employee.status.read", "employee.enrol", "employee.remove", "maternity.apply"}
    | {"certificate.issue"}  # 参保证明 (insurance/certificates)
)
MAX_SKEW: Final = dt.timedelta(seconds=300)
NONCE_TTL: Final = dt.timedelta(seconds=2 * 300 + 60)  # outlives every timestamp the skew check accepts
IDEMPOTENCY_TTL: Final = dt.timedelta(hours=24)
DEFAULT_OVERLAP: Final = dt.timedelta(days=7)
DEFAULT_RATE_LIMIT: Final = 600  # calls a minute per app


class OpenApiError(AppError):
    """A refused open-platform call; ``code`` is the stable error code an HR system acts on."""

    def __init__(self, status_code: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.code = code


# ---- apps and keys -------------------------------------------------------------------------------------------


def register_app(
    session: Session,
    *,
    emp_no: str,
    name: str,
    operations: list[str],
    now: dt.datetime,
    rate_limit: int = DEFAULT_RATE_LIMIT,
) -> OpenApp:
    """A new app of an enterprise, pending staff approval, allowed ``rate_limit`` calls a minute."""
    unknown = sorted(set(operations) - OPERATIONS)
    if unknown:
        raise RequestInvalid("operations", f"未知的操作：{', '.join(unknown)}")
    if not name.strip():
        raise RequestInvalid("name", "应用名称不能为空")
    if not repository.enterprise_exists(session, emp_no):
        raise RequestInvalid("emp_no", f"没有单位 {emp_no}")
    row = OpenApp(
        app_id="app" + secrets.token_hex(8),
        emp_no=emp_no,
        name=name.strip(),
        status=APP_PENDING,
        operations=sorted(set(operations)),
        rate_limit_per_minute=rate_limit,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def apps(session: Session, *, status: str | None, offset: int, limit: int) -> list[OpenApp]:
    return repository.apps(session, status=status, offset=offset, limit=limit)


def app_or_404(session: Session, app_id: str) -> OpenApp:
    row = repository.app(session, app_id)
    if row is None:
        raise NotFound("没有这个应用")
    return row


def decide_app(
    session: Session, app_id: str, *, approve: bool, staff: str, now: dt.datetime, reason: str | None = None
) -> OpenApp:
    """Approve, or refuse with a reason (required when the app was requested by an enterprise account)."""
    row = app_or_404(session, app_id)
    text = (reason or "").strip()
    if not approve and row.account_id is not None and not text:
        raise RequestInvalid("reason", "拒绝须写明理由")
    row.status = APP_APPROVED if approve else APP_REJECTED
    row.status_reason = None if approve else text[:300] or None
    row.decided_by, row.decided_at = staff, now
    return row


def _cipher(platform_secret: bytes) -> AESGCM:
    return AESGCM(sg.sm3(b"open-platform/app-secret\0" + platform_secret))


def _rotate_out(session: Session, app_id: str, now: dt.datetime, overlap: dt.timedelta) -> None:
    for old in repository.keys_of(session, app_id):
        if old.revoked_at is None and (old.not_after is None or old.not_after > now + overlap):
            old.not_after = now + overlap


def _serial(session: Session, app_id: str) -> str:
    return f"{len(repository.keys_of(session, app_id)) + 1:04d}"


def add_hmac_key(
    session: Session,
    app_id: str,
    *,
    profile: str,
    platform_secret: bytes,
    now: dt.datetime,
    overlap: dt.timedelta = DEFAULT_OVERLAP,
    shown: bool = True,
) -> tuple[OpenAppKey, str]:
    """A new HMAC key (the secret is returned once, kept encrypted); earlier keys stay valid for ``overlap``.
    ``shown=False``: the secret is not handed out now but later, once, to the enterprise (``reveal_secret``)."""
    if profile not in (sg.HMAC_SM3, sg.HMAC_SHA256):
        raise RequestInvalid("profile", "HMAC 密钥的签名方式须为 HMAC-SM3 或 HMAC-SHA256")
    app_or_404(session, app_id)
    secret = secrets.token_urlsafe(32)
    nonce = secrets.token_bytes(12)
    sealed = nonce + _cipher(platform_secret).encrypt(nonce, secret.encode(), app_id.encode())
    _rotate_out(session, app_id, now, overlap)
    row = OpenAppKey(
        app_id=app_id,
        serial=_serial(session, app_id),
        profile=profile,
        secret_enc=sealed,
        not_before=now,
        secret_shown_at=now if shown else None,
    )
    session.add(row)
    session.flush()
    return row, secret


def add_public_key(
    session: Session, app_id: str, *, public_key: str, now: dt.datetime, overlap: dt.timedelta = DEFAULT_OVERLAP
) -> OpenAppKey:
    """An uploaded SM2 public key; earlier keys stay valid for ``overlap``."""
    try:
        key = sg.parse_public_key(public_key)
    except sg.SignatureError as exc:
        raise RequestInvalid("public_key", str(exc)) from exc
    app_or_404(session, app_id)
    _rotate_out(session, app_id, now, overlap)
    row = OpenAppKey(app_id=app_id, serial=_serial(session, app_id), profile=sg.SM2_SM3, public_key=key, not_before=now)
    session.add(row)
    session.flush()
    return row


def add_rsa_key(
    session: Session, app_id: str, *, public_key: str, now: dt.datetime, overlap: dt.timedelta = DEFAULT_OVERLAP
) -> OpenAppKey:
    """An uploaded RSA public key (PEM, at least 2048 bits) for ``RSA-SHA256``; earlier keys stay valid for
    ``overlap``."""
    try:
        pem = sg.parse_rsa_public_key(public_key)
    except sg.SignatureError as exc:
        raise RequestInvalid("public_key", str(exc)) from exc
    app_or_404(session, app_id)
    _rotate_out(session, app_id, now, overlap)
    row = OpenAppKey(app_id=app_id, serial=_serial(session, app_id), profile=sg.RSA_SHA256, not_before=now)
    session.add(row)
    session.flush()
    repository.add_rsa_public_key(session, row.id, pem)
    return row


def revoke_key(session: Session, app_id: str, serial: str, *, now: dt.datetime) -> OpenAppKey:
    row = repository.key(session, app_id, serial)
    if row is None:
        raise NotFound("没有这个密钥")
    row.revoked_at = now
    return row


def hmac_secret(row: OpenAppKey, platform_secret: bytes) -> bytes:
    assert row.secret_enc is not None
    return _cipher(platform_secret).decrypt(row.secret_enc[:12], row.secret_enc[12:], row.app_id.encode())


# ---- verification --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedRequest:
    app_id: str
    serial: str
    profile: str
    timestamp: str
    nonce: str
    signature: str
    method: str
    path_query: str
    body: bytes


@dataclass(frozen=True)
class VerifiedCall:
    app: OpenApp
    key: OpenAppKey
    operation: str
    nonce: str


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def verify(
    session: Session, request: SignedRequest, *, operation: str, platform_secret: bytes, now: dt.datetime
) -> VerifiedCall:
    """Check a signed request in the order that leaks least; raise ``OpenApiError`` with the first failure."""
    if request.profile not in sg.PROFILES:
        raise OpenApiError(401, "unsupported_profile", f"不支持的签名方式：{request.profile[:20]}")
    if not request.timestamp.isdigit() or len(request.timestamp) > 12:
        raise OpenApiError(401, "bad_timestamp", "timestamp: 须为 Unix 秒")
    if abs(int(request.timestamp) - now.timestamp()) > MAX_SKEW.total_seconds():
        raise OpenApiError(401, "timestamp_out_of_window", "timestamp: 与服务器时间相差超过 300 秒")
    if not 8 <= len(request.nonce) <= 64 or not request.nonce.isascii() or not request.nonce.isalnum():
        raise OpenApiError(401, "bad_nonce", "nonce: 须为 8–64 位字母或数字")
    app = repository.app(session, request.app_id)
    if app is None:
        raise OpenApiError(401, "unknown_app", "没有这个应用")
    if app.status != APP_APPROVED:
        raise OpenApiError(403, "app_not_approved", "应用尚未获批或已停用")
    key = repository.key(session, app.app_id, request.serial)
    if key is None:
        raise OpenApiError(401, "unknown_key", "没有这个密钥序列号")
    if key.revoked_at is not None or (key.not_after is not None and _aware(key.not_after) <= now):
        raise OpenApiError(401, "key_revoked", "密钥已吊销或已过期")
    if _aware(key.not_before) > now:
        raise OpenApiError(401, "key_not_yet_valid", "密钥尚未生效")
    if key.profile != request.profile:
        raise OpenApiError(401, "profile_mismatch", "签名方式与密钥不符")
    canonical = sg.canonical_string(
        request.method,
        request.path_query,
        int(request.timestamp),
        request.nonce,
        sg.body_digest(request.profile, request.body),
    )
    if key.profile == sg.RSA_SHA256:
        signature_ok = _rsa_signature_ok(repository.rsa_public_pem(session, key.id), canonical, request.signature)
    else:
        signature_ok = _signature_ok(key, canonical, request.signature, platform_secret)
    if not signature_ok:
        raise OpenApiError(401, "bad_signature", "签名不正确")
    if operation not in app.operations:
        raise OpenApiError(403, "operation_not_granted", f"应用未获授权：{operation}")
    if not repository.add_nonce(session, app.app_id, request.nonce, now=now, expires_at=now + NONCE_TTL):
        raise OpenApiError(401, "nonce_replayed", "nonce 已使用过（重放）")
    return VerifiedCall(app=app, key=key, operation=operation, nonce=request.nonce)


def _signature_ok(key: OpenAppKey, canonical: str, signature: str, platform_secret: bytes) -> bool:
    if key.profile == sg.SM2_SM3:
        try:
            der = base64.b64decode(signature, validate=True)
        except ValueError:
            return False
        assert key.public_key is not None
        return sg.sm2_verify(key.public_key, canonical.encode(), der)
    return sg.hmac_verify(key.profile, hmac_secret(key, platform_secret), canonical, signature)


def _rsa_signature_ok(public_pem: str | None, canonical: str, signature: str) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError:
        return False
    return public_pem is not None and sg.rsa_verify(public_pem, canonical.encode(), raw)


# ---- signed responses ----------------------------------------------------------------------------------------


def server_keys(platform_secret: bytes) -> sg.Sm2KeyPair:
    """The platform's SM2 key pair, derived from its secret (the public half is published)."""
    d = int.from_bytes(sg.sm3(b"open-platform/server-sm2\0" + platform_secret), "big") % (sg.N - 2) + 1
    return sg.keypair_from_private(f"{d:064x}")


@functools.lru_cache(maxsize=4)
def server_rsa_key(platform_secret: bytes) -> rsa.RSAPrivateKey:
    """The platform's RSA key (2048 bits) that signs answers to RSA-SHA256 apps, derived from its secret."""
    return sg.rsa_private_from_seed(sg.sm3(b"open-platform/server-rsa\0" + platform_secret))


def server_rsa_public_pem(platform_secret: bytes) -> str:
    public = server_rsa_key(platform_secret).public_key()
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def sign_response(
    call: VerifiedCall, *, status: int, path_query: str, body: bytes, platform_secret: bytes, now: dt.datetime
) -> dict[str, str]:
    """Headers that sign an answer: the canonical string with the status code in place of the method, signed with
    the caller's HMAC secret, or with the platform's SM2 key for SM2 apps."""
    nonce, timestamp = sg.new_nonce(), int(now.timestamp())
    profile = call.key.profile
    canonical = sg.canonical_string(str(status), path_query, timestamp, nonce, sg.body_digest(profile, body))
    if profile == sg.SM2_SM3:
        signature = base64.b64encode(sg.sm2_sign(server_keys(platform_secret), canonical.encode())).decode()
    elif profile == sg.RSA_SHA256:
        signature = base64.b64encode(sg.rsa_sign(server_rsa_key(platform_secret), canonical.encode())).decode()
    else:
        signature = sg.hmac_sign(profile, hmac_secret(call.key, platform_secret), canonical)
    return {
        "X-Open-Signature-Type": profile,
        "X-Open-Timestamp": str(timestamp),
        "X-Open-Nonce": nonce,
        "X-Open-Signature": signature,
    }


# ---- idempotency ---------------------------------------------------------------------------------------------


def body_fingerprint(body: bytes) -> str:
    return sg.sm3(body).hex()


def stored_answer(
    session: Session, call: VerifiedCall, key: str, body: bytes, now: dt.datetime
) -> tuple[int, dict[str, Any]] | None:
    """The answer stored under ``key`` for the same body; 409 when the key was used with another body."""
    if not 1 <= len(key) <= 64 or not key.isascii():
        raise OpenApiError(422, "bad_idempotency_key", "Idempotency-Key: 须为 1–64 位 ASCII 字符")
    row = repository.idempotent_answer(session, call.app.app_id, key, now)
    if row is None:
        return None
    if row.body_digest != body_fingerprint(body) or row.operation != call.operation:
        raise OpenApiError(409, "idempotency_key_reused", "Idempotency-Key 已用于另一个请求体")
    return row.status_code, row.response


def store_answer(
    session: Session, call: VerifiedCall, key: str, body: bytes, status: int, answer: dict[str, Any], now: dt.datetime
) -> None:
    row = OpenIdempotency(
        app_id=call.app.app_id,
        key=key,
        operation=call.operation,
        body_digest=body_fingerprint(body),
        status_code=status,
        response=json.loads(json.dumps(answer, default=str)),
        created_at=now,
        expires_at=now + IDEMPOTENCY_TTL,
    )
    if not repository.store_answer(session, row):
        raise OpenApiError(409, "idempotency_in_progress", "同一 Idempotency-Key 的请求正在处理")


def app_read(session: Session, row: OpenApp) -> AppRead:
    keys = [key_read(key) for key in repository.keys_of(session, row.app_id)]
    return AppRead(
        app_id=row.app_id,
        emp_no=row.emp_no,
        name=row.name,
        status=row.status,
        operations=list(row.operations),
        rate_limit_per_minute=row.rate_limit_per_minute,
        created_at=row.created_at,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        status_reason=row.status_reason,
        requested_profile=row.requested_profile,
        webhook_url=row.webhook_url,
        keys=keys,
    )


def key_read(row: OpenAppKey) -> KeyRead:
    public = "04" + row.public_key if row.public_key else None
    return KeyRead(
        serial=row.serial,
        profile=row.profile,
        public_key=public,
        not_before=row.not_before,
        not_after=row.not_after,
        revoked_at=row.revoked_at,
        secret_pending=row.secret_enc is not None and row.secret_shown_at is None,
    )
