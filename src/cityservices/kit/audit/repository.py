"""Reads of the audit log."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.kit.audit.models import AuditEntry


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
