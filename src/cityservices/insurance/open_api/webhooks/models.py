"""Tables of the open platform's webhooks: each app's endpoint, every delivery (an event to send, its state and
when to try next) and every attempt (when, the HTTP status or the error) — the delivery log an app can query."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base

DELIVERY_PENDING = "pending"
DELIVERY_DELIVERED = "delivered"
DELIVERY_FAILED = "failed"


class OpenWebhook(Base):
    """The URL an app receives its events at (one per app), signed with the key (``serial``) the app set it with."""

    __tablename__ = "open_webhooks"

    app_id: Mapped[str] = mapped_column(ForeignKey("open_apps.app_id", ondelete="CASCADE"), primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    serial: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class OpenWebhookDelivery(Base):
    """One event for an app: ``pending`` until a 2xx answer (``delivered``) or the last retry (``failed``)."""

    __tablename__ = "open_webhook_deliveries"

    delivery_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    app_id: Mapped[str] = mapped_column(String(32), index=True)
    event: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(40))  # the job id
    url: Mapped[str] = mapped_column(String(500))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=DELIVERY_PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    lease_owner: Mapped[str | None] = mapped_column(String(40))  # the worker sending it, until ``lease_until``
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class OpenWebhookAttempt(Base):
    """One try of a delivery: the answer's status code, or the error when there was no answer."""

    __tablename__ = "open_webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("open_webhook_deliveries.delivery_id", ondelete="CASCADE"), index=True
    )
    attempt_no: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(200))
    duration_ms: Mapped[int] = mapped_column(Integer)
    manual: Mapped[bool] = mapped_column(default=False)


__all__ = ["OpenWebhook", "OpenWebhookAttempt", "OpenWebhookDelivery"]
