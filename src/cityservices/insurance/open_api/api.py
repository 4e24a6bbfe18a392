"""``/api/open/v1/…``: the enterprise open platform. Every route but the server key is a signed call
(``guard.signed``), scoped to the app's enterprise and its granted operations, audited and never cached."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from cityservices.auth.service import SignedIn
from cityservices.deps import CurrentStaff, DbSession, RequireAdmin, RequireEditor
from cityservices.errors import NotFound, error_responses
from cityservices.insurance.members import service as members
from cityservices.insurance.open_api import lifecycle
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api import signing as sg
from cityservices.insurance.open_api.guard import OpenCall, answer, audit_call, signed
from cityservices.insurance.open_api.schemas import (
    AppCreate,
    AppDecision,
    AppRead,
    AppSuspension,
    EmployeeStatus,
    KeyCreate,
    KeyIssued,
    RateLimitSet,
    ServerKey,
    ServerRsaKey,
)
from cityservices.kit.audit import record_audit, utc_now
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


@router.get("/server-key/rsa", response_model=ServerRsaKey)
def server_rsa_key(request: Request) -> ServerRsaKey:
    """The public key that signs answers to RSA-SHA256 apps (RSASSA-PKCS1-v1_5, SHA-256)."""
    pem = open_api.server_rsa_public_pem(load_secret(request.app.state.runtime.settings))
    return ServerRsaKey(profile=sg.RSA_SHA256, public_key_pem=pem, padding="PKCS1-v1_5")


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


# ---- staff: registering and approving apps, issuing and revoking keys ----------------------------------------

staff_router = APIRouter(
    prefix="/api/v1/insurance/open-apps", tags=["insurance"], responses=error_responses(401, 403, 404, 422)
)
AppId = Annotated[str, Path(pattern=r"^app[0-9a-f]{16}$", description="应用编号 app_id")]
Serial = Annotated[str, Path(pattern=r"^[0-9]{4}$", description="密钥序列号")]


def _audit_staff(session: Session, staff: SignedIn, action: str, app_id: str, **detail: object) -> None:
    record_audit(session, actor=staff.actor, action=action, target_kind="open_app", target_key=app_id, detail=detail)


@staff_router.post("", response_model=AppRead, status_code=201)
def register_app(request: Request, session: DbSession, staff: RequireEditor, data: AppCreate) -> AppRead:
    """Register an enterprise's app; it is pending until an administrator approves it."""
    limit = request.app.state.runtime.settings.open_app_rate_limit_per_minute
    row = open_api.register_app(
        session, emp_no=data.emp_no, name=data.name, operations=data.operations, now=utc_now(), rate_limit=limit
    )
    _audit_staff(session, staff, "open.app.register", row.app_id, emp_no=row.emp_no, operations=row.operations)
    return open_api.app_read(session, row)


@staff_router.get("", response_model=list[AppRead])
def list_apps(
    session: DbSession,
    staff: CurrentStaff,
    response: Response,
    status: Annotated[str | None, Query(pattern=r"^(pending|approved|rejected|suspended)$")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AppRead]:
    """Apps, newest first (``status=pending``: the requests awaiting a decision)."""
    response.headers["Cache-Control"] = "no-store"
    return [
        open_api.app_read(session, row) for row in open_api.apps(session, status=status, offset=offset, limit=limit)
    ]


@staff_router.get("/{app_id}", response_model=AppRead)
def read_app(session: DbSession, staff: CurrentStaff, app_id: AppId, response: Response) -> AppRead:
    """The app with its keys (serials, validity, public keys; never a secret)."""
    response.headers["Cache-Control"] = "no-store"
    return open_api.app_read(session, open_api.app_or_404(session, app_id))


@staff_router.post("/{app_id}/decision", response_model=AppRead)
def decide(request: Request, session: DbSession, staff: RequireAdmin, app_id: AppId, data: AppDecision) -> AppRead:
    """Approve or refuse an app, with a reason when refusing one an enterprise requested (administrators). On
    approval of a requested HMAC app the platform makes its key; the enterprise is shown the secret once."""
    now = utc_now()
    row = open_api.decide_app(
        session, app_id, approve=data.approve, staff=staff.account.username, now=now, reason=data.reason
    )
    platform_secret = load_secret(request.app.state.runtime.settings)
    lifecycle.set_up_approved(session, row, platform_secret=platform_secret, now=now)
    _audit_staff(session, staff, "open.app.decide", app_id, status=row.status, reason=row.status_reason)
    return open_api.app_read(session, row)


@staff_router.post("/{app_id}/suspension", response_model=AppRead)
def suspend(session: DbSession, staff: RequireAdmin, app_id: AppId, data: AppSuspension) -> AppRead:
    """Stop an approved app's calls at once, with a reason (administrators; approving it again lets it call)."""
    row = lifecycle.suspend_app(session, app_id, reason=data.reason, staff=staff.account.username, now=utc_now())
    _audit_staff(session, staff, "open.app.suspend", app_id, reason=row.status_reason)
    return open_api.app_read(session, row)


@staff_router.put("/{app_id}/rate-limit", response_model=AppRead)
def set_rate_limit(session: DbSession, staff: RequireAdmin, app_id: AppId, data: RateLimitSet) -> AppRead:
    """The app's calls a minute, applied by the open platform's rate limiter from the next call on."""
    row, before = lifecycle.set_rate_limit(session, app_id, per_minute=data.rate_limit_per_minute)
    _audit_staff(session, staff, "open.app.rate_limit", app_id, before=before, after=row.rate_limit_per_minute)
    return open_api.app_read(session, row)


@staff_router.post("/{app_id}/keys", response_model=KeyIssued, status_code=201)
def add_key(
    request: Request, session: DbSession, staff: RequireEditor, app_id: AppId, data: KeyCreate, response: Response
) -> KeyIssued:
    """A new key; earlier keys stay valid for ``overlap_days``. An HMAC secret is in this answer only."""
    response.headers["Cache-Control"] = "no-store"
    row, secret = lifecycle.issue_key(
        session, app_id, profile=data.profile, public_key=data.public_key,
        platform_secret=load_secret(request.app.state.runtime.settings), now=utc_now(),
        overlap=dt.timedelta(days=data.overlap_days),
    )  # fmt: skip
    _audit_staff(session, staff, "open.key.add", app_id, serial=row.serial, profile=row.profile)
    return KeyIssued(**open_api.key_read(row).model_dump(), secret=secret)


@staff_router.post("/{app_id}/keys/{serial}/revocation", response_model=AppRead)
def revoke(session: DbSession, staff: RequireEditor, app_id: AppId, serial: Serial) -> AppRead:
    """Revoke a key at once."""
    open_api.revoke_key(session, app_id, serial, now=utc_now())
    _audit_staff(session, staff, "open.key.revoke", app_id, serial=serial)
    return open_api.app_read(session, open_api.app_or_404(session, app_id))
