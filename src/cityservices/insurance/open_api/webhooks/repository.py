"""Every query of the webhooks: endpoints, deliveries and their attempts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.insurance.open_api.webhooks.models import OpenWebhook, OpenWebhookAttempt, OpenWebhookDelivery


def webhook(session: Session, app_id: str) -> OpenWebhook | None:
    return session.get(OpenWebhook, app_id)


def add(session: Session, row: OpenWebhook | OpenWebhookDelivery | OpenWebhookAttempt) -> None:
    session.add(row)
    session.flush()


def delivery(session: Session, delivery_id: str, *, app_id: str | None = None) -> OpenWebhookDelivery | None:
    query = select(OpenWebhookDelivery).where(OpenWebhookDelivery.delivery_id == delivery_id)
    if app_id is not None:
        query = query.where(OpenWebhookDelivery.app_id == app_id)
    return session.scalars(query).first()


def deliveries(session: Session, app_id: str, *, offset: int, limit: int) -> list[OpenWebhookDelivery]:
    query = (
        select(OpenWebhookDelivery)
        .where(OpenWebhookDelivery.app_id == app_id)
        .order_by(OpenWebhookDelivery.created_at.desc(), OpenWebhookDelivery.delivery_id)
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(query))


def attempts(session: Session, delivery_ids: list[str]) -> list[OpenWebhookAttempt]:
    if not delivery_ids:
        return []
    query = (
        select(OpenWebhookAttempt)
        .where(OpenWebhookAttempt.delivery_id.in_(delivery_ids))
        .order_by(OpenWebhookAttempt.delivery_id, OpenWebhookAttempt.attempt_no)
    )
    return list(session.scalars(query))
