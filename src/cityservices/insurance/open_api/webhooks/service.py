"""Webhooks: an app sets its endpoint; an event (a finished job) becomes a delivery; a delivery is POSTed signed
like an answer (the app's newest valid HMAC key, or the platform's SM2 key for SM2 apps) over the canonical string
``POST``, the endpoint's path and query, timestamp, nonce and body digest; a failure is retried with exponential
backoff, every attempt is recorded, and an app may ask for a delivery again.

``set_webhook``, ``enqueue`` and the readers never commit; ``deliver`` owns its transactions (one per attempt),
like a command, because it waits between attempts.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import os
import secrets
import time
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import urlsplit

import httpx
from sqlalchemy.orm import Session, sessionmaker

from cityservices.db import session_scope
from cityservices.errors import NotFound, RequestInvalid
from cityservices.insurance.open_api import repository as apps
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api import signing as sg
from cityservices.insurance.open_api.models import OpenAppKey
from cityservices.insurance.open_api.webhooks import repository
from cityservices.insurance.open_api.webhooks.models import (
    DELIVERY_DELIVERED,
    DELIVERY_FAILED,
    DELIVERY_PENDING,
    OpenWebhook,
    OpenWebhookAttempt,
    OpenWebhookDelivery,
)
from cityservices.kit.audit import utc_now

BACKOFF_SECONDS: Final = (2.0, 4.0, 8.0, 16.0)  # waits between the five attempts of a delivery
TIMEOUT_SECONDS: Final = 5.0
LEASE: Final = dt.timedelta(seconds=60)  # how long a worker holds a delivery past its attempt or its wait
EVENT_JOB_FINISHED: Final = "job.finished"
PLATFORM_SERIAL: Final = "platform"  # the serial header of webhooks signed with the platform's SM2 key


def check_url(url: str) -> str:
    """An ``https`` URL, or ``http`` to a loopback address (an HR system's local receiver while testing)."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return url.strip()
    if parts.scheme == "http" and host:
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if loopback:
            return url.strip()
    raise RequestInvalid("url", "回调地址须为 https，或测试用的本机 http 地址")


def set_webhook(session: Session, app_id: str, url: str, *, serial: str, now: dt.datetime) -> OpenWebhook:
    """The app's endpoint; its webhooks are signed with the profile of the key ``serial`` (the one that signed
    this call), or with its newest valid key once that one has expired."""
    checked = check_url(url)
    row = repository.webhook(session, app_id)
    if row is None:
        row = OpenWebhook(app_id=app_id, url=checked, serial=serial, updated_at=now)
        repository.add(session, row)
    else:
        row.url, row.serial, row.updated_at = checked, serial, now
    return row


def webhook(session: Session, app_id: str) -> OpenWebhook | None:
    return repository.webhook(session, app_id)


def enqueue(
    session: Session, *, app_id: str, event: str, subject: str, payload: dict[str, Any], now: dt.datetime
) -> OpenWebhookDelivery | None:
    """A pending delivery of the event to the app's endpoint; ``None`` when the app has set no endpoint."""
    hook = repository.webhook(session, app_id)
    if hook is None:
        return None
    row = OpenWebhookDelivery(
        delivery_id="whd" + secrets.token_hex(12),
        app_id=app_id,
        event=event,
        subject=subject,
        url=hook.url,
        payload=payload,
        status=DELIVERY_PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    repository.add(session, row)
    return row


def delivery_or_404(session: Session, delivery_id: str, *, app_id: str) -> OpenWebhookDelivery:
    row = repository.delivery(session, delivery_id, app_id=app_id)
    if row is None:
        raise NotFound("没有这次回调")
    return row


def delivery_log(
    session: Session, app_id: str, *, offset: int, limit: int
) -> list[tuple[OpenWebhookDelivery, list[OpenWebhookAttempt]]]:
    rows = repository.deliveries(session, app_id, offset=offset, limit=limit)
    attempts = repository.attempts(session, [row.delivery_id for row in rows])
    return [(row, [a for a in attempts if a.delivery_id == row.delivery_id]) for row in rows]


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _signing_key(session: Session, app_id: str, now: dt.datetime) -> OpenAppKey | None:
    """The key the app set its endpoint with, while valid; else its newest key valid now."""
    valid = [
        key
        for key in apps.keys_of(session, app_id)
        if key.revoked_at is None
        and _aware(key.not_before) <= now
        and (key.not_after is None or _aware(key.not_after) > now)
    ]
    hook = repository.webhook(session, app_id)
    chosen = [key for key in valid if hook is not None and key.serial == hook.serial]
    if chosen:
        return chosen[0]
    return valid[-1] if valid else None


def signed_headers(
    session: Session, row: OpenWebhookDelivery, body: bytes, *, platform_secret: bytes, now: dt.datetime
) -> dict[str, str]:
    """The headers that sign a webhook (the same profiles as answers)."""
    key = _signing_key(session, row.app_id, now)
    if key is None:
        raise NotFound("应用没有有效的密钥，无法签名回调")
    parts = urlsplit(row.url)
    path_query = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    nonce, timestamp = sg.new_nonce(), int(now.timestamp())
    canonical = sg.canonical_string("POST", path_query, timestamp, nonce, sg.body_digest(key.profile, body))
    if key.profile == sg.SM2_SM3:
        signature = base64.b64encode(sg.sm2_sign(open_api.server_keys(platform_secret), canonical.encode())).decode()
        serial = PLATFORM_SERIAL
    else:
        signature = sg.hmac_sign(key.profile, open_api.hmac_secret(key, platform_secret), canonical)
        serial = key.serial
    return {
        "Content-Type": "application/json",
        "X-Open-App-Id": row.app_id,
        "X-Open-Serial": serial,
        "X-Open-Signature-Type": key.profile,
        "X-Open-Timestamp": str(timestamp),
        "X-Open-Nonce": nonce,
        "X-Open-Signature": signature,
        "X-Open-Event": row.event,
        "X-Open-Delivery-Id": row.delivery_id,
    }


def deliver(
    sessions: sessionmaker[Session],
    delivery_id: str,
    *,
    platform_secret: bytes,
    client: httpx.Client | None = None,
    backoff: tuple[float, ...] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    manual: bool = False,
    owner: str | None = None,
) -> str:
    """Try a delivery until a 2xx answer or the attempts run out (a manual re-delivery tries once more); returns
    the delivery's status. The worker holds the delivery by a lease through its attempts and the waits between
    them; a delivery another worker holds is left alone, and one resumed after a restart waits for its next
    attempt's time and makes only the attempts it has left."""
    waits = BACKOFF_SECONDS if backoff is None else backoff
    me = owner or f"{os.getpid()}-{secrets.token_hex(8)}"
    owned = client is None
    http = client or httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)
    try:
        while True:
            claimed, status, made, wait = _claim(sessions, delivery_id, me, manual=manual)
            if not claimed:
                return status
            if wait > 0:
                sleep(wait)
            last = manual or made >= len(waits)
            status = _attempt(sessions, delivery_id, http, platform_secret, manual=manual, last=last)
            if status != DELIVERY_PENDING or manual:
                _release(sessions, delivery_id)
                return status
            pause = waits[min(made, len(waits) - 1)]
            with session_scope(sessions) as session:
                row = repository.delivery(session, delivery_id)
                assert row is not None
                row.next_attempt_at = utc_now() + dt.timedelta(seconds=pause)
                row.lease_until = row.next_attempt_at + LEASE  # nobody takes it over during the wait
            sleep(pause)
    finally:
        if owned:
            http.close()


def _claim(
    sessions: sessionmaker[Session], delivery_id: str, owner: str, *, manual: bool
) -> tuple[bool, str, int, float]:
    """(claimed, status, attempts made, seconds until the next attempt is due)."""
    with session_scope(sessions) as session:
        now = utc_now()
        until = now + dt.timedelta(seconds=TIMEOUT_SECONDS) + LEASE
        claimed = repository.claim_delivery(session, delivery_id, owner=owner, now=now, until=until, any_status=manual)
        row = repository.delivery(session, delivery_id)
        if row is None:
            return False, DELIVERY_FAILED, 0, 0.0
        due = _aware(row.next_attempt_at) if row.next_attempt_at is not None and not manual else now
        return claimed, row.status, row.attempts, max(0.0, (due - now).total_seconds())


def _release(sessions: sessionmaker[Session], delivery_id: str) -> None:
    with session_scope(sessions) as session:
        row = repository.delivery(session, delivery_id)
        if row is not None:
            row.lease_owner, row.lease_until = None, None


def pending_deliveries(session: Session) -> list[tuple[str, dt.datetime | None]]:
    return repository.pending_deliveries(session)


def _attempt(
    sessions: sessionmaker[Session],
    delivery_id: str,
    http: httpx.Client,
    platform_secret: bytes,
    *,
    manual: bool,
    last: bool,
) -> str:
    with session_scope(sessions) as session:
        row = repository.delivery(session, delivery_id)
        if row is None:
            return DELIVERY_FAILED
        now = utc_now()
        body = body_of(row.payload)
        headers = signed_headers(session, row, body, platform_secret=platform_secret, now=now)
        url = row.url
    started = time.perf_counter()
    status_code: int | None = None
    error: str | None = None
    try:
        answer = http.post(url, content=body, headers=headers)
        status_code = answer.status_code
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}"[:200]
    duration = int((time.perf_counter() - started) * 1000)
    ok = status_code is not None and 200 <= status_code < 300
    with session_scope(sessions) as session:
        row = repository.delivery(session, delivery_id)
        assert row is not None
        row.attempts += 1
        attempt = OpenWebhookAttempt(
            delivery_id=delivery_id,
            attempt_no=row.attempts,
            at=now,
            status_code=status_code,
            error=error,
            duration_ms=duration,
            manual=manual,
        )
        repository.add(session, attempt)
        if ok:
            row.status, row.delivered_at, row.next_attempt_at = DELIVERY_DELIVERED, utc_now(), None
        elif last:
            row.status, row.next_attempt_at = DELIVERY_FAILED, None
        else:
            row.status = DELIVERY_PENDING
        return row.status
