"""The outbox of outgoing messages: what a gateway would send, stored in the sender's transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class OutboxMessage(Base):
    """One outgoing message. ``recipient`` is kept for the relay to a gateway; pages and logs show it masked."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))  # sms
    recipient: Mapped[str] = mapped_column(String(20))
    recipient_masked: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
