"""The staff dashboard (数据看板): one use case behind ``GET /api/staff/dashboard`` and the ``/staff`` page.

Satisfaction by venue and by item, the open feedback count and the current guides not verified for some days,
all inside the account's scopes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.service_map.feedback import service as feedback_service
from cityservices.service_map.feedback.service import Satisfaction


@dataclass(frozen=True)
class Dashboard:
    open_feedback: int
    stale_days: int
    venues: list[Satisfaction]  # worst first
    items: list[Satisfaction]
    stale_guides: list[dict[str, Any]]  # never verified first, then the oldest


def build_dashboard(session: Session, *, account: StaffAccount, stale_days: int, today: dt.date) -> Dashboard:
    _, open_count = feedback_service.list_feedback(session, account=account, status="open", limit=1, offset=0)
    return Dashboard(
        open_feedback=open_count,
        stale_days=stale_days,
        venues=feedback_service.satisfaction(session, account=account, by="venue"),
        items=feedback_service.satisfaction(session, account=account, by="item"),
        stale_guides=feedback_service.stale_guides(session, account=account, days=stale_days, today=today),
    )
