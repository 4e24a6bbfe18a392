"""``/api/v1/party/organisations/{code}/calendar``, ``…/compliance`` and ``…/meetings``: the compliance calendar
of a branch, the aggregates of a committee's subtree, and 三会一课 meetings held apart from Party Days."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import error_responses
from cityservices.party_day.compliance import service
from cityservices.party_day.compliance.rules import BEIJING
from cityservices.party_day.compliance.schemas import BranchCalendar, ComplianceOverview, MeetingCreate, MeetingRead
from cityservices.party_day.organisation.schemas import OrgCodePath

router = APIRouter(prefix="/api/v1/party", tags=["party"])

Year = Annotated[int | None, Query(description="年份（缺省: 今年）")]
On = Annotated[dt.date | None, Query(description="按此日期判断应办与逾期（缺省: 今天，北京时间）")]


def _today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


@router.get("/organisations/{code}/calendar", response_model=BranchCalendar, responses=error_responses(403, 404))
def branch_calendar(
    session: DbSession, staff: CurrentStaff, code: OrgCodePath, year: Year = None, on: On = None
) -> BranchCalendar:
    """A branch's year: each requirement's periods, held counts and state (done / due / overdue / upcoming)."""
    day = on or _today()
    return service.branch_calendar(session, account=staff.account, branch_code=code, year=year or day.year, on=day)


@router.get("/organisations/{code}/compliance", response_model=ComplianceOverview, responses=error_responses(403, 404))
def compliance(
    session: DbSession, staff: CurrentStaff, code: OrgCodePath, year: Year = None, on: On = None
) -> ComplianceOverview:
    """A committee's subtree: branches with overdue items, by branch kind, district and requirement."""
    day = on or _today()
    return service.overview(session, account=staff.account, code=code, year=year or day.year, on=day)


@router.post("/organisations/{code}/meetings", response_model=MeetingRead, status_code=201,
             responses=error_responses(403, 404))  # fmt: skip
def record_meeting(session: DbSession, staff: RequireEditor, code: OrgCodePath, data: MeetingCreate) -> MeetingRead:
    """Record a branch committee meeting, group meeting, general meeting, Party lecture … held apart."""
    return service.record_meeting(session, account=staff.account, actor=staff.actor, branch_code=code, data=data)
