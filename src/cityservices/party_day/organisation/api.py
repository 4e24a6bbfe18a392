"""``/api/v1/party/organisations`` and ``/api/v1/party/members``: the organisation tree and its members, for staff
with a session; each account sees the subtree its ``party_org`` scope names. Never cached (``no-store``: a
staff path); every read of members is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import error_responses
from cityservices.party_day.organisation import members as members_service
from cityservices.party_day.organisation import service
from cityservices.party_day.organisation.schemas import (
    MemberCreate,
    MemberPage,
    MemberRead,
    OrganisationCreate,
    OrganisationPage,
    OrganisationRead,
    OrganisationSummary,
    OrgCodePath,
)

router = APIRouter(prefix="/api/v1/party", tags=["party"])

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get("/organisations", response_model=OrganisationPage, responses=error_responses(403, 404))
def list_organisations(
    session: DbSession,
    staff: CurrentStaff,
    level: Annotated[
        str | None, Query(description="city / district / committee / general_branch / branch / group")
    ] = None,
    kind: Annotated[
        str | None, Query(description="支部类型: village community government soe sanxin school retired")
    ] = None,
    under: Annotated[str | None, Query(description="只列出该组织代码下的组织")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> OrganisationPage:
    """The organisations inside the account's scope, in tree order."""
    return service.list_organisations(session, account=staff.account, level=level, kind=kind, under=under,
                                      limit=limit, offset=offset)  # fmt: skip


@router.post(
    "/organisations", response_model=OrganisationRead, status_code=201, responses=error_responses(403, 404, 409)
)
def create_organisation(session: DbSession, staff: RequireEditor, data: OrganisationCreate) -> OrganisationRead:
    """Add an organisation under a parent inside the account's scope (level and branch kind checked)."""
    org = service.add_organisation(session, account=staff.account, actor=staff.actor, data=data)
    return service.organisation_read(org, data.parent_code)


@router.get("/organisations/{code}", response_model=OrganisationSummary, responses=error_responses(403, 404))
def read_organisation(session: DbSession, staff: CurrentStaff, code: OrgCodePath) -> OrganisationSummary:
    """An organisation with its children and its subtree's counts (branches by kind, members by status)."""
    return service.summarise(session, account=staff.account, code=code)


@router.get("/organisations/{code}/members", response_model=MemberPage, responses=error_responses(403, 404))
def list_members(
    session: DbSession, staff: CurrentStaff, code: OrgCodePath, limit: Limit = 200, offset: Offset = 0
) -> MemberPage:
    """A branch's members: ID and phone numbers masked; names masked unless the account runs the branch. Audited."""
    return members_service.list_members(session, account=staff.account, actor=staff.actor, branch_code=code,
                                        limit=limit, offset=offset)  # fmt: skip


@router.post("/organisations/{code}/members", response_model=MemberRead, status_code=201,
             responses=error_responses(403, 404, 409))  # fmt: skip
def create_member(session: DbSession, staff: RequireEditor, code: OrgCodePath, data: MemberCreate) -> MemberRead:
    """Register a member of the branch ``code`` (ID number checked, status, roles and group consistent)."""
    return members_service.add_member(session, account=staff.account, actor=staff.actor, branch_code=code, data=data)


@router.get("/members/{member_id}", response_model=MemberRead, responses=error_responses(403, 404))
def read_member(session: DbSession, staff: CurrentStaff, member_id: int) -> MemberRead:
    """One member (masked as in lists). Audited."""
    return members_service.read_member(session, account=staff.account, actor=staff.actor, member_id=member_id)
