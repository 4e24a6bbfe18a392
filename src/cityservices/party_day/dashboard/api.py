"""``/api/v1/party/organisations/{code}/dashboard``: a committee's aggregates of its subtree (no names)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from cityservices.deps import CurrentStaff, DbSession
from cityservices.errors import error_responses
from cityservices.party_day.compliance.rules import BEIJING
from cityservices.party_day.dashboard import service
from cityservices.party_day.dashboard.schemas import Dashboard
from cityservices.party_day.organisation.schemas import OrgCodePath

router = APIRouter(prefix="/api/v1/party", tags=["party"])


@router.get("/organisations/{code}/dashboard", response_model=Dashboard, responses=error_responses(403, 404))
def dashboard(
    session: DbSession, staff: CurrentStaff, code: OrgCodePath,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="年份（缺省: 今年）")] = None,
    on: Annotated[dt.date | None, Query(description="按此日期判断应办与逾期（缺省: 今天，北京时间）")] = None,
) -> Dashboard:  # fmt: skip
    """Requirement periods done / due / overdue, attendance rate, dues arrears and study hours, in total, by branch
    kind and by the organisations directly under this one."""
    day = on or dt.datetime.now(BEIJING).date()
    return service.dashboard(session, account=staff.account, actor=staff.actor, code=code, year=year or day.year,
                             on=day)  # fmt: skip
