"""Every query on enterprise accounts and their sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cityservices.insurance.enterprises.accounts.models import EnterpriseAccount, EnterpriseSession


def by_uscc(session: Session, code: str) -> EnterpriseAccount | None:
    return session.scalars(select(EnterpriseAccount).where(EnterpriseAccount.uscc == code)).first()


def account(session: Session, account_id: int) -> EnterpriseAccount | None:
    return session.get(EnterpriseAccount, account_id)


def accounts(session: Session, *, status: str | None, offset: int, limit: int) -> list[EnterpriseAccount]:
    query = select(EnterpriseAccount)
    if status is not None:
        query = query.where(EnterpriseAccount.status == status)
    query = query.order_by(EnterpriseAccount.created_at.desc(), EnterpriseAccount.id).offset(offset).limit(limit)
    return list(session.scalars(query))


def add(session: Session, row: EnterpriseAccount | EnterpriseSession) -> None:
    session.add(row)
    session.flush()


def session_row(session: Session, digest: str) -> EnterpriseSession | None:
    return session.get(EnterpriseSession, digest)


def delete_session_row(session: Session, digest: str) -> None:
    session.execute(delete(EnterpriseSession).where(EnterpriseSession.id == digest))


def delete_stale_sessions(session: Session, now: dt.datetime, idle_before: dt.datetime) -> None:
    stale = (EnterpriseSession.expires_at <= now) | (EnterpriseSession.last_seen_at < idle_before)
    session.execute(delete(EnterpriseSession).where(stale))
