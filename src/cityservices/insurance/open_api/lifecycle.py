"""An app's life after registration: the request of an enterprise account (name, operations, signing profile with
its public key or the ask for an HMAC secret, webhook URL), what approval sets up (the HMAC key whose secret the
enterprise sees once; the webhook endpoint), suspension, the rate limit, keys issued by staff or the enterprise,
and the enterprise's own view of its apps. Rules, never commits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from cityservices.errors import Conflict, NotFound, RequestInvalid
from cityservices.insurance.open_api import repository
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api import signing as sg
from cityservices.insurance.open_api.models import APP_APPROVED, APP_SUSPENDED, OpenApp, OpenAppKey
from cityservices.insurance.open_api.schemas import AppRequest
from cityservices.insurance.open_api.webhooks import service as webhooks


def request_app(
    session: Session, *, account_id: int, emp_no: str, data: AppRequest, rate_limit: int, now: dt.datetime
) -> OpenApp:
    """A pending app of the account's enterprise; an uploaded public key is checked and stored now (it cannot
    sign anything before approval), an HMAC secret is made on approval."""
    url = webhooks.check_url(data.webhook_url) if data.webhook_url else None
    needs_key = data.profile in (sg.SM2_SM3, sg.RSA_SHA256)
    if needs_key and not (data.public_key or "").strip():
        raise RequestInvalid("public_key", f"{data.profile} 须上传公钥")
    if not needs_key and data.public_key:
        raise RequestInvalid("public_key", "HMAC 签名方式不上传公钥，密钥由平台生成")
    row = open_api.register_app(
        session, emp_no=emp_no, name=data.name, operations=data.operations, now=now, rate_limit=rate_limit
    )
    row.account_id, row.requested_profile, row.webhook_url = account_id, data.profile, url
    if data.profile == sg.SM2_SM3:
        open_api.add_public_key(session, row.app_id, public_key=data.public_key or "", now=now)
    elif data.profile == sg.RSA_SHA256:
        open_api.add_rsa_key(session, row.app_id, public_key=data.public_key or "", now=now)
    return row


def set_up_approved(session: Session, row: OpenApp, *, platform_secret: bytes, now: dt.datetime) -> None:
    """On approval of a requested app: its HMAC key (secret kept for the enterprise to see once) and its webhook
    endpoint, signed with its first key."""
    if row.status != APP_APPROVED or row.requested_profile is None:
        return
    keys = repository.keys_of(session, row.app_id)
    if not keys and row.requested_profile in (sg.HMAC_SM3, sg.HMAC_SHA256):
        key, _ = open_api.add_hmac_key(
            session, row.app_id, profile=row.requested_profile, platform_secret=platform_secret, now=now, shown=False
        )
        keys = [key]
    if row.webhook_url and keys and webhooks.webhook(session, row.app_id) is None:
        webhooks.set_webhook(session, row.app_id, row.webhook_url, serial=keys[0].serial, now=now)


def issue_key(
    session: Session,
    app_id: str,
    *,
    profile: str,
    public_key: str | None,
    platform_secret: bytes,
    now: dt.datetime,
    overlap: dt.timedelta,
) -> tuple[OpenAppKey, str | None]:
    """A new key of the app (by staff or by its enterprise): an uploaded SM2 / RSA public key, or an HMAC secret
    the platform makes and returns this once; earlier keys stay valid for ``overlap``."""
    if profile in (sg.SM2_SM3, sg.RSA_SHA256):
        if not public_key:
            raise RequestInvalid("public_key", f"{profile} 密钥须上传公钥")
        add = open_api.add_public_key if profile == sg.SM2_SM3 else open_api.add_rsa_key
        return add(session, app_id, public_key=public_key, now=now, overlap=overlap), None
    return open_api.add_hmac_key(
        session, app_id, profile=profile, platform_secret=platform_secret, now=now, overlap=overlap
    )


def apps_of(session: Session, emp_no: str) -> list[OpenApp]:
    return repository.apps_of(session, emp_no)


def own_app_or_404(session: Session, app_id: str, *, emp_no: str) -> OpenApp:
    """The enterprise's own app; another enterprise's app is answered as not found."""
    row = repository.app(session, app_id)
    if row is None or row.emp_no != emp_no:
        raise NotFound("没有这个应用")
    return row


def suspend_app(session: Session, app_id: str, *, reason: str, staff: str, now: dt.datetime) -> OpenApp:
    """Stop an approved app's calls at once (with a reason); approving it again lets it call again."""
    row = open_api.app_or_404(session, app_id)
    if row.status != APP_APPROVED:
        raise Conflict("只有已获批的应用可以停用")
    if not reason.strip():
        raise RequestInvalid("reason", "停用须写明理由")
    row.status, row.status_reason, row.decided_by, row.decided_at = APP_SUSPENDED, reason.strip()[:300], staff, now
    return row


def set_rate_limit(session: Session, app_id: str, *, per_minute: int) -> tuple[OpenApp, int]:
    """The app's calls a minute (1–100,000); returns the app and the limit it had."""
    if not 1 <= per_minute <= 100_000:
        raise RequestInvalid("rate_limit_per_minute", "每分钟调用次数须在 1 到 100000 之间")
    row = open_api.app_or_404(session, app_id)
    before, row.rate_limit_per_minute = row.rate_limit_per_minute, per_minute
    return row, before


def reveal_secret(session: Session, app_id: str, serial: str, *, platform_secret: bytes, now: dt.datetime) -> str:
    """An HMAC secret not shown yet, this once (a second request is refused: rotate the key instead)."""
    row = repository.key(session, app_id, serial)
    if row is None or row.secret_enc is None:
        raise NotFound("没有这个 HMAC 密钥")
    if row.secret_shown_at is not None:
        raise Conflict("密钥已显示过一次，不再显示；如已遗失请轮换密钥")
    row.secret_shown_at = now
    return open_api.hmac_secret(row, platform_secret).decode()
