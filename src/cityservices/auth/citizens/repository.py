"""Every query on citizen accounts and citizen sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cityservices.auth.citizens.models import CitizenAccount, CitizenPhoneCode, CitizenSession


def get_by_hash(session: Session, id_hash: str) -> CitizenAccount | None:
    return session.scalars(select(CitizenAccount).where(CitizenAccount.id_hash == id_hash)).first()


def get_account(session: Session, citizen_id: int) -> CitizenAccount | None:
    return session.get(CitizenAccount, citizen_id)


def demo_accounts(session: Session) -> list[CitizenAccount]:
    query = select(CitizenAccount).where(CitizenAccount.demo.is_(True)).order_by(CitizenAccount.id)
    return list(session.scalars(query))


def count_accounts(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(CitizenAccount)) or 0)


def add(session: Session, row: CitizenAccount) -> None:
    session.add(row)
    session.flush()


def add_code(session: Session, row: CitizenPhoneCode) -> None:
    session.add(row)
    session.flush()


def latest_open_code(session: Session, *, purpose: str, subject_hash: str) -> CitizenPhoneCode | None:
    """The newest unused code of (purpose, ID number and phone); an older one is replaced by it."""
    query = (
        select(CitizenPhoneCode)
        .where(CitizenPhoneCode.purpose == purpose, CitizenPhoneCode.subject_hash == subject_hash)
        .where(CitizenPhoneCode.used_at.is_(None))
        .order_by(CitizenPhoneCode.created_at.desc(), CitizenPhoneCode.id.desc())
    )
    return session.scalars(query.limit(1)).first()


def codes_since(session: Session, *, since: dt.datetime, phone_hash: str | None = None, ip: str | None = None) -> int:
    """How many codes were issued since ``since`` to one phone or from one client address."""
    query = select(func.count()).select_from(CitizenPhoneCode).where(CitizenPhoneCode.created_at >= since)
    if phone_hash is not None:
        query = query.where(CitizenPhoneCode.phone_hash == phone_hash)
    if ip is not None:
        query = query.where(CitizenPhoneCode.ip == ip)
    return int(session.scalar(query) or 0)


def newest_code_at(session: Session, *, purpose: str, phone_hash: str) -> dt.datetime | None:
    query = select(func.max(CitizenPhoneCode.created_at)).where(
        CitizenPhoneCode.purpose == purpose, CitizenPhoneCode.phone_hash == phone_hash
    )
    return session.scalar(query)


def delete_account_sessions(session: Session, citizen_id: int) -> int:
    """End every session of one account; how many there were."""
    result = session.execute(delete(CitizenSession).where(CitizenSession.citizen_id == citizen_id))
    return int(getattr(result, "rowcount", 0) or 0)
