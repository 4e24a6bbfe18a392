"""Apps requested by enterprise accounts: the request (name, operations, signing profile with its public key or
the ask for an HMAC secret, webhook URL), what approval sets up (the HMAC key whose secret the enterprise sees
once; the webhook endpoint), and the enterprise's own view of its apps. Rules, never commits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from cityservices.errors import NotFound, RequestInvalid
from cityservices.insurance.open_api import repository
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api import signing as sg
from cityservices.insurance.open_api.models import APP_APPROVED, OpenApp
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


def apps_of(session: Session, emp_no: str) -> list[OpenApp]:
    return repository.apps_of(session, emp_no)


def own_app_or_404(session: Session, app_id: str, *, emp_no: str) -> OpenApp:
    """The enterprise's own app; another enterprise's app is answered as not found."""
    row = repository.app(session, app_id)
    if row is None or row.emp_no != emp_no:
        raise NotFound("没有这个应用")
    return row
