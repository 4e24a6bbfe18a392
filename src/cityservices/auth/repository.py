"""Every query of accounts: accounts, sessions and login attempts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cityservices.auth.models import LoginAttempt, StaffAccount, StaffSession


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
