"""``/api/v1/party/…/activities``: Party Day plans (checked against the branch kind's template on save) and the
templates themselves. Staff only, scoped to the account's organisation subtree, never cached."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import error_responses
from cityservices.party_day.activities import service
from cityservices.party_day.activities.schemas import ActivityCreate, ActivityPage, ActivityRead, RequirementsRead
from cityservices.party_day.organisation.schemas import BranchKindPath, OrgCodePath

router = APIRouter(prefix="/api/v1/party", tags=["party"])


@router.get("/requirements/{kind}", response_model=RequirementsRead, responses=error_responses())
def read_requirements(staff: CurrentStaff, kind: BranchKindPath) -> RequirementsRead:
    """The requirement template of a branch kind (示例参数，未经核实: the guideline's full text is not public)."""
    return service.requirements_for(kind)


@router.post("/organisations/{code}/activities", response_model=ActivityRead, status_code=201,
             responses=error_responses(403, 404))  # fmt: skip
def plan_activity(session: DbSession, staff: RequireEditor, code: OrgCodePath, data: ActivityCreate) -> ActivityRead:
    """Plan a Party Day of the branch ``code``: a failed check of the template is a 422 naming the field."""
    return service.plan_activity(session, account=staff.account, actor=staff.actor, branch_code=code, data=data)


@router.get("/activities", response_model=ActivityPage, responses=error_responses(403, 404))
def list_activities(
    session: DbSession,
    staff: CurrentStaff,
    branch: Annotated[str | None, Query(description="党支部代码")] = None,
    start: Annotated[dt.datetime | None, Query(description="开始时间不早于")] = None,
    end: Annotated[dt.datetime | None, Query(description="开始时间早于")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ActivityPage:
    """Activities inside the account's scope, by start time."""
    return service.list_activities(session, account=staff.account, branch_code=branch, start=start, end=end,
                                   limit=limit, offset=offset)  # fmt: skip


@router.get("/activities/{activity_id}", response_model=ActivityRead, responses=error_responses(403, 404))
def read_activity(session: DbSession, staff: CurrentStaff, activity_id: int) -> ActivityRead:
    return service.read_activity(session, account=staff.account, activity_id=activity_id)
