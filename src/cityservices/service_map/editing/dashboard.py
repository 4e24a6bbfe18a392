"""The staff dashboard (数据看板): one use case behind ``GET /api/staff/dashboard`` and the ``/staff`` page.

Satisfaction by venue and by item, the open feedback count and the current guides not verified for some days,
all inside the account's scopes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.service_map.editing.schemas import DashboardRead
from cityservices.service_map.feedback import service as feedback_service


def build_dashboard(session: Session, *, account: StaffAccount, stale_days: int, today: dt.date) -> DashboardRead:
    _, open_count = feedback_service.list_feedback(session, account=account, status="open", limit=1, offset=0)
    return DashboardRead(
        open_feedback=open_count,
        stale_days=stale_days,
        venues=feedback_service.satisfaction(session, account=account, by="venue"),
        items=feedback_service.satisfaction(session, account=account, by="item"),
        stale_guides=feedback_service.stale_guides(session, account=account, days=stale_days, today=today),
    )
