"""``/api/open/v1/…``: the enterprise open platform. Every route but the server key is a signed call
(``guard.signed``), scoped to the app's enterprise and its granted operations, audited and never cached."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from cityservices.deps import DbSession
from cityservices.errors import NotFound, error_responses
from cityservices.insurance.members import service as members
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api import signing as sg
from cityservices.insurance.open_api.guard import OpenCall, answer, audit_call, signed
from cityservices.insurance.open_api.schemas import EmployeeStatus, ServerKey
from cityservices.kit.calendar import now_in_china
from cityservices.platform.security import load_secret

router = APIRouter(prefix="/api/open/v1", tags=["open-platform"], responses=error_responses(401, 403, 404, 409))
PsnNo = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{4,30}$", description="人员编号 psn_no")]
STATUS_READ = "employee.status.read"


@router.get("/server-key", response_model=ServerKey)
def server_key(request: Request) -> ServerKey:
    """The public key that signs answers to SM2-SM3 apps (HMAC apps' answers are signed with their own secret)."""
    keys = open_api.server_keys(load_secret(request.app.state.runtime.settings))
    return ServerKey(profile=sg.SM2_SM3, public_key="04" + keys.public_hex, user_id=sg.DEFAULT_USER_ID.decode())


@router.get("/employees/{psn_no}/status", response_model=EmployeeStatus)
def employee_status(
    session: DbSession, psn_no: PsnNo, call: Annotated[OpenCall, Depends(signed(STATUS_READ))]
) -> Response:
    """An employee of the app's enterprise (masked) and the status of each insurance type this month; an
    employee of another enterprise is answered as not found."""
    try:
        member = members.member_or_404(session, psn_no)
    except NotFound:
        member = None
    if member is None or member.emp_no != call.emp_no:  # another enterprise's employee is not revealed
        audit_call(session, call.verified.app.app_id, STATUS_READ, "not_found", psn_no)
        return answer(call, {"error": "employee_not_found", "detail": "本单位没有这名职工"}, 404)
    audit_call(session, call.verified.app.app_id, STATUS_READ, "ok", psn_no)
    read = members.member_read(member)
    today = now_in_china().date()
    status = EmployeeStatus(
        psn_no=member.psn_no,
        psn_name=read.psn_name,
        certno=read.certno,
        emp_no=call.emp_no,
        month=today.replace(day=1),
        psn_insu_stas=members.statuses_on(session, psn_no, today),
    )
    return answer(call, status.model_dump(mode="json"))
