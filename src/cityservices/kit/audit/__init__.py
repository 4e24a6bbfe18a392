"""The audit log: one row per staff action and per read of personal data (table in ``models``, reads in
``repository``).

Rows are written inside the caller's transaction, so an action and its audit row commit together. Details
must never hold personal data in clear: callers pass masked values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cityservices.kit.audit.models import AuditEntry


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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


__all__ = ["SYSTEM", "Actor", "AuditEntry", "record_audit", "utc_now"]
