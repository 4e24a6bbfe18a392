"""``/api/v1/party/organisations/{code}/notices``: a branch's reminders (staff, scoped, never cached)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from cityservices.deps import CurrentStaff, DbSession
from cityservices.errors import error_responses
from cityservices.party_day.notices import service
from cityservices.party_day.notices.schemas import BranchNotices
from cityservices.party_day.organisation.schemas import OrgCodePath

router = APIRouter(prefix="/api/v1/party", tags=["party"])


@router.get("/organisations/{code}/notices", response_model=BranchNotices, responses=error_responses(403, 404))
def branch_notices(session: DbSession, staff: CurrentStaff, code: OrgCodePath) -> BranchNotices:
    """Overdue and due requirements, Party Days without minutes or self-check, dues six months unpaid and the
    Party Days of the next fourteen days, most urgent first."""
    return service.branch_notices(session, account=staff.account, actor=staff.actor, branch_code=code,
                                  now=dt.datetime.now(dt.UTC))  # fmt: skip
