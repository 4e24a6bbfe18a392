"""``/api/v1/insurance/members/…``: a member's masked record, statuses and annual counters — personal data, so a
staff session is required, the account's region scope filters the lookup, every read is audited and nothing is
cached."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from cityservices.deps import CurrentStaff, DbSession
from cityservices.errors import error_responses
from cityservices.insurance.members import service as members
from cityservices.insurance.members.schemas import CountersRead, MemberRead
from cityservices.insurance.scopes import region_of
from cityservices.kit.calendar import now_in_china

router = APIRouter(prefix="/api/v1/insurance/members", tags=["insurance"], responses=error_responses(401, 403, 404))
PsnNo = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{4,30}$", description="人员编号 psn_no")]


class MemberDetail(BaseModel):
    member: MemberRead
    psn_insu_stas: dict[str, str]  # insutype → status this month (1 enrolled, 2 suspended, 4 stopped)


@router.get("/{psn_no}", response_model=MemberDetail)
def read_member(session: DbSession, staff: CurrentStaff, psn_no: PsnNo) -> MemberDetail:
    """A member (ID number and name masked) and the status of each insurance type this month."""
    member = members.member_or_404(session, psn_no, region=region_of(staff.account))
    members.audit_member_read(session, actor=staff.actor, action="insurance.member.read", psn_no=psn_no)
    statuses = members.statuses_on(session, psn_no, now_in_china().date())
    return MemberDetail(member=members.member_read(member), psn_insu_stas=statuses)


@router.get("/{psn_no}/counters", response_model=CountersRead)
def read_counters(
    session: DbSession,
    staff: CurrentStaff,
    psn_no: PsnNo,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="年度，缺省为今年")] = None,
) -> CountersRead:
    """The member's annual counters: admissions, deductible borne, what each fund paid."""
    when = year or now_in_china().year
    result = members.read_counters(session, psn_no, when, region=region_of(staff.account))
    members.audit_member_read(session, actor=staff.actor, action="insurance.counters.read", psn_no=psn_no, year=when)
    return result


@router.get("/{psn_no}/coverage/fhir", response_model=dict[str, Any])
def read_coverage_fhir(session: DbSession, staff: CurrentStaff, psn_no: PsnNo) -> dict[str, Any]:
    """The member's insurance relations as an HL7 FHIR Bundle of ``Coverage`` (no ID number in it)."""
    result = members.coverage_fhir(session, psn_no, on=now_in_china().date(), region=region_of(staff.account))
    members.audit_member_read(session, actor=staff.actor, action="insurance.coverage.export", psn_no=psn_no)
    return result
