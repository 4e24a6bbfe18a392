"""Every query on a session table, whichever kind (the table is a parameter)."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from sqlalchemy import delete
from sqlalchemy.orm import Session

from cityservices.kit.sessions.models import SessionColumns

S = TypeVar("S", bound=SessionColumns)


def add_session_row(session: Session, row: SessionColumns) -> None:
    session.add(row)
    session.flush()


def session_row(session: Session, model: type[S], digest: str) -> S | None:
    return session.get(model, digest)


def delete_session_row(session: Session, model: type[S], digest: str) -> None:
    session.execute(delete(model).where(model.id == digest))


def delete_stale_sessions(session: Session, model: type[S], now: dt.datetime, idle_before: dt.datetime) -> None:
    stale = (model.expires_at <= now) | (model.last_seen_at < idle_before)
    session.execute(delete(model).where(stale))
