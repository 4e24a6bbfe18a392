"""Every query of the webhooks: endpoints, deliveries and their attempts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from cityservices.insurance.open_api.webhooks.models import (
    DELIVERY_PENDING,
    OpenWebhook,
    OpenWebhookAttempt,
    OpenWebhookDelivery,
)


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


def claim_delivery(
    session: Session, delivery_id: str, *, owner: str, now: dt.datetime, until: dt.datetime, any_status: bool
) -> bool:
    """Take (or renew) the lease of a delivery, pending unless ``any_status`` (a manual re-delivery): one
    conditional UPDATE, so of several workers exactly one gets a free or expired lease."""
    free = or_(
        OpenWebhookDelivery.lease_until.is_(None),
        OpenWebhookDelivery.lease_until < now,
        OpenWebhookDelivery.lease_owner == owner,
    )
    conditions = [OpenWebhookDelivery.delivery_id == delivery_id, free]
    if not any_status:
        conditions.append(OpenWebhookDelivery.status == DELIVERY_PENDING)
    statement = (
        update(OpenWebhookDelivery)
        .where(*conditions)
        .values(lease_owner=owner, lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(session.execute(statement), "rowcount", 0) or 0) == 1


def pending_deliveries(session: Session) -> list[tuple[str, dt.datetime | None]]:
    """Every pending delivery with the end of its lease (None: nobody holds it), the first due first."""
    query = (
        select(OpenWebhookDelivery.delivery_id, OpenWebhookDelivery.lease_until)
        .where(OpenWebhookDelivery.status == DELIVERY_PENDING)
        .order_by(OpenWebhookDelivery.next_attempt_at, OpenWebhookDelivery.delivery_id)
    )
    return [(delivery_id, until) for delivery_id, until in session.execute(query)]
