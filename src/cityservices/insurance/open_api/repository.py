"""Every query of the open platform: apps, keys, nonces, stored idempotent answers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cityservices.insurance.enterprises.models import InsuranceEnterprise
from cityservices.insurance.open_api.models import OpenApp, OpenAppKey, OpenAppRsaKey, OpenIdempotency, OpenNonce


def app(session: Session, app_id: str) -> OpenApp | None:
    return session.get(OpenApp, app_id)


def enterprise_exists(session: Session, emp_no: str) -> bool:
    return session.get(InsuranceEnterprise, emp_no) is not None


def apps_of(session: Session, emp_no: str) -> list[OpenApp]:
    return list(session.scalars(select(OpenApp).where(OpenApp.emp_no == emp_no).order_by(OpenApp.app_id)))


def apps(session: Session, *, status: str | None, offset: int, limit: int) -> list[OpenApp]:
    query = select(OpenApp)
    if status is not None:
        query = query.where(OpenApp.status == status)
    query = query.order_by(OpenApp.created_at.desc(), OpenApp.app_id).offset(offset).limit(limit)
    return list(session.scalars(query))


def keys_of(session: Session, app_id: str) -> list[OpenAppKey]:
    query = select(OpenAppKey).where(OpenAppKey.app_id == app_id).order_by(OpenAppKey.id)
    return list(session.scalars(query))


def key(session: Session, app_id: str, serial: str) -> OpenAppKey | None:
    query = select(OpenAppKey).where(OpenAppKey.app_id == app_id, OpenAppKey.serial == serial)
    return session.scalars(query).one_or_none()


def add_nonce(session: Session, app_id: str, nonce: str, *, now: dt.datetime, expires_at: dt.datetime) -> bool:
    """Store a nonce; ``False`` if the app used it before and it has not expired (the unique constraint decides
    between concurrent requests)."""
    session.execute(delete(OpenNonce).where(OpenNonce.app_id == app_id, OpenNonce.expires_at < now))
    if session.scalars(select(OpenNonce.id).where(OpenNonce.app_id == app_id, OpenNonce.nonce == nonce)).first():
        return False
    try:
        with session.begin_nested():
            session.add(OpenNonce(app_id=app_id, nonce=nonce, expires_at=expires_at))
    except IntegrityError:
        return False
    return True


def idempotent_answer(session: Session, app_id: str, key: str, now: dt.datetime) -> OpenIdempotency | None:
    query = select(OpenIdempotency).where(
        OpenIdempotency.app_id == app_id, OpenIdempotency.key == key, OpenIdempotency.expires_at >= now
    )
    return session.scalars(query).one_or_none()


def store_answer(session: Session, row: OpenIdempotency) -> bool:
    """Keep an answer; ``False`` if another request stored one under the same key first."""
    session.execute(
        delete(OpenIdempotency).where(
            OpenIdempotency.app_id == row.app_id,
            OpenIdempotency.key == row.key,
            OpenIdempotency.expires_at < row.created_at,
        )
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def rsa_public_pem(session: Session, key_id: int) -> str | None:
    row = session.get(OpenAppRsaKey, key_id)
    return row.public_pem if row is not None else None


def add_rsa_public_key(session: Session, key_id: int, public_pem: str) -> None:
    session.add(OpenAppRsaKey(key_id=key_id, public_pem=public_pem))
    session.flush()
