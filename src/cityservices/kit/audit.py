"""The audit log: one row per staff action and per read of personal data.

Rows are written inside the caller's transaction, so an action and its audit row commit together. Details
must never hold personal data in clear: callers pass masked values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from cityservices.db import Base


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AuditEntry(Base):
    """One audited action: who, when, what, on which record, from where."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_kind: Mapped[str | None] = mapped_column(String(20))
    target_key: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff account (id and user name), or the system (id ``None``)."""

    id: int | None
    name: str
    ip: str | None = None


SYSTEM = Actor(id=None, name="system")


def record_audit(
    session: Session,
    *,
    actor: Actor,
    action: str,
    target_kind: str | None = None,
    target_key: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one audit row in the current transaction."""
    entry = AuditEntry(
        at=utc_now(),
        actor_id=actor.id,
        actor_name=actor.name,
        action=action,
        target_kind=target_kind,
        target_key=target_key,
        detail=detail or {},
        ip=actor.ip,
    )
    session.add(entry)
    return entry


def list_audit(
    session: Session, *, action: str | None = None, actor_name: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[AuditEntry], int]:
    """Audit rows, newest first, optionally of one action (prefix match on ``x.``) or one actor."""
    query = select(AuditEntry)
    if action:
        query = query.where((AuditEntry.action == action) | AuditEntry.action.startswith(action + "."))
    if actor_name:
        query = query.where(AuditEntry.actor_name == actor_name)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), total
