"""``/api/v1/party/education/…``: the education resource library, members' study-hours ledgers and the resources
of a Party Day plan. Staff only; ledgers are scoped to the account's organisation subtree and audited; never
cached (the staff prefix answers ``no-store``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from cityservices.deps import CurrentStaff, DbSession, RequireAdmin, RequireEditor
from cityservices.errors import error_responses
from cityservices.party_day.compliance.rules import BEIJING
from cityservices.party_day.education import service
from cityservices.party_day.education.schemas import (
    ActivityResources,
    BranchStudy,
    ResourceCreate,
    ResourcePage,
    ResourceRead,
    StudyCreate,
    StudyLedger,
    StudyRead,
)
from cityservices.party_day.organisation.schemas import OrgCodePath

router = APIRouter(prefix="/api/v1/party/education", tags=["party"])


def _today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


@router.get("/resources", response_model=ResourcePage, responses=error_responses())
def search_resources(
    session: DbSession,
    staff: CurrentStaff,
    q: Annotated[str | None, Query(max_length=50, description="检索词（中文或拼音）")] = None,
    kind: Annotated[str | None, Query(max_length=12, description="资源类型")] = None,
    content: Annotated[str | None, Query(max_length=12, description="内容标签（五项主要内容之一）")] = None,
    branch_kind: Annotated[str | None, Query(max_length=16, description="适用的支部类型")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> ResourcePage:
    """Search the library in Chinese (or pinyin) over title, tags and description, best match first."""
    return service.search_resources(session, q=q, kind=kind, content=content, branch_kind=branch_kind,
                                    limit=limit, offset=offset)  # fmt: skip


@router.post("/resources", response_model=ResourceRead, status_code=201, responses=error_responses(403))
def add_resource(session: DbSession, staff: RequireAdmin, data: ResourceCreate) -> ResourceRead:
    """Add a resource (title, short description, tags, length in minutes) to the city's library."""
    return service.add_resource(session, account=staff.account, actor=staff.actor, data=data)


@router.get("/resources/{resource_id}", response_model=ResourceRead, responses=error_responses(404))
def read_resource(session: DbSession, staff: CurrentStaff, resource_id: int) -> ResourceRead:
    return service.read_resource(session, resource_id)


@router.post("/members/{member_id}/study", response_model=StudyRead, status_code=201,
             responses=error_responses(403, 404))  # fmt: skip
def record_study(session: DbSession, staff: RequireEditor, member_id: int, data: StudyCreate) -> StudyRead:
    """Record minutes a member studied (a library resource or a note of the content)."""
    return service.record_study(session, account=staff.account, actor=staff.actor, member_id=member_id, data=data,
                                today=_today())  # fmt: skip


@router.get("/members/{member_id}/study", response_model=StudyLedger, responses=error_responses(403, 404))
def study_ledger(
    session: DbSession,
    staff: CurrentStaff,
    member_id: int,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="年度（缺省: 今年，北京时间）")] = None,
) -> StudyLedger:
    """A member's study records of a year against the yearly requirement (示例参数，未经核实)."""
    return service.study_ledger(session, account=staff.account, actor=staff.actor, member_id=member_id,
                                year=year or _today().year)  # fmt: skip


@router.put("/activities/{activity_id}/resources", response_model=list[ResourceRead],
            responses=error_responses(403, 404))  # fmt: skip
def attach_resources(
    session: DbSession, staff: RequireEditor, activity_id: int, data: ActivityResources
) -> list[ResourceRead]:
    """Set the library resources a Party Day plan studies (the list replaces the previous one)."""
    return service.attach_resources(session, account=staff.account, actor=staff.actor, activity_id=activity_id,
                                    resource_ids=data.resource_ids)  # fmt: skip


@router.get("/activities/{activity_id}/resources", response_model=list[ResourceRead],
            responses=error_responses(403, 404))  # fmt: skip
def plan_resources(session: DbSession, staff: CurrentStaff, activity_id: int) -> list[ResourceRead]:
    return service.plan_resources(session, account=staff.account, activity_id=activity_id)


@router.get("/branches/{code}/study", response_model=BranchStudy, responses=error_responses(403, 404))
def branch_study(
    session: DbSession,
    staff: CurrentStaff,
    code: OrgCodePath,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="年度（缺省: 今年，北京时间）")] = None,
) -> BranchStudy:
    """Each member of a branch: study hours of the year against the requirement, furthest behind first (names
    masked above the branch). Audited."""
    return service.branch_study(session, account=staff.account, actor=staff.actor, branch_code=code,
                                year=year or _today().year)  # fmt: skip
