"""Every query on the message outbox."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.kit.messaging.models import OutboxMessage


def add(session: Session, row: OutboxMessage) -> None:
    session.add(row)
    session.flush()


def recent(session: Session, *, limit: int) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    return list(session.scalars(query))
