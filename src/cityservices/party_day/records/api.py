"""``/api/v1/party/activities/{id}/minutes``: the minutes of an activity (staff, scoped, audited)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import error_responses
from cityservices.party_day.records import service
from cityservices.party_day.records.schemas import MinutesCreate, MinutesRead

router = APIRouter(prefix="/api/v1/party", tags=["party"])


@router.post("/activities/{activity_id}/minutes", response_model=MinutesRead, status_code=201,
             responses=error_responses(403, 404, 409))  # fmt: skip
def record_minutes(session: DbSession, staff: RequireEditor, activity_id: int, data: MinutesCreate) -> MinutesRead:
    """Record the minutes: present + absent must equal expected, present must match the sign-in records."""
    return service.record_minutes(session, account=staff.account, actor=staff.actor, activity_id=activity_id,
                                  data=data, now=dt.datetime.now(dt.UTC))  # fmt: skip


@router.get("/activities/{activity_id}/minutes", response_model=MinutesRead, responses=error_responses(403, 404))
def read_minutes(session: DbSession, staff: CurrentStaff, activity_id: int) -> MinutesRead:
    return service.read_minutes(session, account=staff.account, actor=staff.actor, activity_id=activity_id)
