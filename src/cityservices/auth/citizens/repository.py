"""Every query on citizen accounts and citizen sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cityservices.auth.citizens.models import CitizenAccount, CitizenSession


def get_by_hash(session: Session, id_hash: str) -> CitizenAccount | None:
    return session.scalars(select(CitizenAccount).where(CitizenAccount.id_hash == id_hash)).first()


def get_account(session: Session, citizen_id: int) -> CitizenAccount | None:
    return session.get(CitizenAccount, citizen_id)


def demo_accounts(session: Session) -> list[CitizenAccount]:
    query = select(CitizenAccount).where(CitizenAccount.demo.is_(True)).order_by(CitizenAccount.id)
    return list(session.scalars(query))


def count_accounts(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(CitizenAccount)) or 0)


def add(session: Session, row: CitizenAccount | CitizenSession) -> None:
    session.add(row)
    session.flush()


def get_session_row(session: Session, digest: str) -> CitizenSession | None:
    return session.get(CitizenSession, digest)


def delete_session_row(session: Session, digest: str) -> None:
    session.execute(delete(CitizenSession).where(CitizenSession.id == digest))


def delete_stale_sessions(session: Session, now: dt.datetime, idle_before: dt.datetime) -> None:
    stale = (CitizenSession.expires_at <= now) | (CitizenSession.last_seen_at < idle_before)
    session.execute(delete(CitizenSession).where(stale))
