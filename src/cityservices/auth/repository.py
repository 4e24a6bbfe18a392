"""Every query of accounts: accounts, sessions, login attempts and the sign-in throttle."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cityservices.auth.models import LoginThrottle, StaffAccount, StaffSession


def get_account(session: Session, account_id: int) -> StaffAccount | None:
    return session.get(StaffAccount, account_id)


def get_account_by_username(session: Session, username: str) -> StaffAccount | None:
    return session.scalar(select(StaffAccount).where(StaffAccount.username == username))


def list_accounts(session: Session) -> list[StaffAccount]:
    return list(session.scalars(select(StaffAccount).order_by(StaffAccount.username)))


def count_admins(session: Session) -> int:
    query = select(func.count()).where(StaffAccount.role == "admin", StaffAccount.is_active.is_(True))
    return session.scalar(query) or 0


def lock_active_admins(session: Session) -> None:
    """Serialise changes to the set of active administrators until the transaction ends: PostgreSQL locks their
    rows (``SELECT … FOR UPDATE``; a concurrent caller waits, then sees the committed state); SQLite takes the
    database's write lock with a no-op write, so the count read next is the latest committed one."""
    active_admins = (StaffAccount.role == "admin") & StaffAccount.is_active.is_(True)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(StaffAccount.id).where(active_admins).with_for_update())
    else:
        session.execute(update(StaffAccount).where(active_admins).values(is_active=StaffAccount.is_active))


def get_session_row(session: Session, session_id: str) -> StaffSession | None:
    return session.get(StaffSession, session_id)


def delete_sessions_of(session: Session, account_id: int, *, keep: str | None = None) -> None:
    query = delete(StaffSession).where(StaffSession.account_id == account_id)
    if keep is not None:
        query = query.where(StaffSession.id != keep)
    session.execute(query)


def count_attempt(session: Session, *, username: str, client: str, window_start: dt.datetime, now: dt.datetime) -> int:
    """Count one more sign-in attempt of (``username``, ``client``) in one statement (an upsert returning the new
    count), so that parallel attempts each see a distinct count. A count whose window began before
    ``window_start`` starts again at 1."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    expired = LoginThrottle.window_start < window_start
    statement = (
        insert(LoginThrottle)
        .values(username=username, client=client, failures=1, window_start=now)
        .on_conflict_do_update(
            index_elements=[LoginThrottle.username, LoginThrottle.client],
            set_={
                "failures": case((expired, 1), else_=LoginThrottle.failures + 1),
                "window_start": case((expired, now), else_=LoginThrottle.window_start),
            },
        )
        .returning(LoginThrottle.failures)
    )
    return int(session.execute(statement).scalar_one())


def forgive_attempt(session: Session, *, username: str, client: str) -> None:
    """After a successful sign-in: the client's count is cleared, the account-wide count loses that attempt."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.username == username, LoginThrottle.client == client))
    session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.username == username, LoginThrottle.client == "", LoginThrottle.failures > 0)
        .values(failures=LoginThrottle.failures - 1)
    )


def delete_throttles(session: Session, username: str) -> int:
    """Lift every lock of ``username`` (every address and the account-wide one); how many counts were removed."""
    result = session.execute(delete(LoginThrottle).where(LoginThrottle.username == username))
    return int(getattr(result, "rowcount", 0) or 0)
