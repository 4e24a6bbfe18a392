"""Every query of the staff side (accounts, sessions, login attempts, versions, record lists)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cityservices.auth.models import LoginAttempt, RecordVersion, StaffAccount, StaffSession
from cityservices.service_map.catalogue.models import Bundle, Department, Guide, Item, Venue


def get_account(session: Session, account_id: int) -> StaffAccount | None:
    return session.get(StaffAccount, account_id)


def get_account_by_username(session: Session, username: str) -> StaffAccount | None:
    return session.scalar(select(StaffAccount).where(StaffAccount.username == username))


def list_accounts(session: Session) -> list[StaffAccount]:
    return list(session.scalars(select(StaffAccount).order_by(StaffAccount.username)))


def count_admins(session: Session) -> int:
    query = select(func.count()).where(StaffAccount.role == "admin", StaffAccount.is_active.is_(True))
    return session.scalar(query) or 0


def get_session_row(session: Session, session_id: str) -> StaffSession | None:
    return session.get(StaffSession, session_id)


def delete_session_row(session: Session, session_id: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.id == session_id))


def delete_sessions_of(session: Session, account_id: int) -> None:
    session.execute(delete(StaffSession).where(StaffSession.account_id == account_id))


def delete_expired_sessions(session: Session, now: dt.datetime) -> None:
    session.execute(delete(StaffSession).where(StaffSession.expires_at < now))


def failures_since(session: Session, username: str, since: dt.datetime) -> int:
    """Failed attempts for ``username`` after ``since`` and after its last successful sign-in."""
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.username == username, LoginAttempt.succeeded.is_(True))
    )
    query = select(func.count()).where(
        LoginAttempt.username == username, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since
    )
    if last_success is not None:
        query = query.where(LoginAttempt.at > last_success)
    return session.scalar(query) or 0


def latest_version(session: Session, kind: str, key: str) -> int:
    query = select(func.max(RecordVersion.version)).where(
        RecordVersion.entity_kind == kind, RecordVersion.entity_key == key
    )
    return session.scalar(query) or 0


def list_versions(session: Session, kind: str, key: str) -> list[RecordVersion]:
    query = (
        select(RecordVersion)
        .where(RecordVersion.entity_kind == kind, RecordVersion.entity_key == key)
        .order_by(RecordVersion.version.desc())
    )
    return list(session.scalars(query))


def get_version(session: Session, kind: str, key: str, version: int) -> RecordVersion | None:
    query = select(RecordVersion).where(
        RecordVersion.entity_kind == kind, RecordVersion.entity_key == key, RecordVersion.version == version
    )
    return session.scalar(query)


def department_division(session: Session, code: str | None) -> str | None:
    if code is None:
        return None
    return session.scalar(select(Department.division_code).where(Department.code == code))


def item_department(session: Session, item_code: str) -> str | None:
    return session.scalar(select(Item.department_code).where(Item.code == item_code))


def search_records(session: Session, kind: str, *, q: str, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """Rows of the staff record lists: key, name and a short description, filtered by name or key."""
    if kind == "venue":
        query: Any = select(Venue.id, Venue.name, Venue.division_code).order_by(Venue.id)
        columns = (Venue.id, Venue.name)
    elif kind == "bundle":
        query = select(Bundle.code, Bundle.name, Bundle.life_event).order_by(Bundle.code)
        columns = (Bundle.code, Bundle.name)
    else:
        query = select(Item.code, Item.name, Item.department_code).order_by(Item.code)
        if kind == "guide":
            query = query.join(Guide, (Guide.item_id == Item.id) & Guide.is_current.is_(True))
        columns = (Item.code, Item.name)
    if q:
        query = query.where(columns[0].contains(q, autoescape=True) | columns[1].contains(q, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = [
        {"key": k, "name": n, "note": note or ""} for k, n, note in session.execute(query.limit(limit).offset(offset))
    ]
    return rows, total
