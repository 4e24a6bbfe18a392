"""Accounts JSON API (``/api/staff``): CSRF token, sign-in and out, the signed-in account, account
administration and the audit log. Every route but ``csrf`` and ``login`` needs a staff session; unsafe
methods also need the ``X-CSRF-Token`` header."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from cityservices.auth import repository as repo
from cityservices.auth.colleagues import reset_colleague_second_factor, set_role
from cityservices.auth.reauth import ReauthFailure, reauthenticate
from cityservices.auth.schemas import (
    AccountCreate,
    AuditPage,
    AuditRead,
    CsrfRead,
    LoginRead,
    LoginRequest,
    PasswordChange,
    PhoneRead,
    ReauthRead,
    ReauthRequest,
    RecoveryCodesRead,
    RoleWrite,
    ScopesWrite,
    StaffRead,
    TotpConfirm,
    TotpRead,
    TotpStart,
)
from cityservices.auth.service import (
    change_password,
    create_account,
    end_session,
    reveal_phone,
    set_active,
    set_scopes,
    sign_in,
    unlock_account,
)
from cityservices.auth.totp import confirm_enrolment, start_enrolment
from cityservices.auth.web import RecentAdmin, set_session_cookie, staff_read
from cityservices.deps import AuditedAdmin, CurrentRuntime, CurrentStaff, DbSession, RequireAdmin, ScopeKinds, client_ip
from cityservices.errors import NotFound
from cityservices.kit.audit.repository import list_audit
from cityservices.platform.security import SESSION_COOKIE, csrf_token, make_csrf_token

router = APIRouter(prefix="/api/staff", tags=["staff"])


@router.get("/csrf", response_model=CsrfRead)
def read_csrf(request: Request) -> CsrfRead:
    """A CSRF token for this client (public): send it as ``X-CSRF-Token`` with every unsafe request."""
    return CsrfRead(csrf_token=csrf_token(request))


@router.post("/login", response_model=LoginRead, responses={401: {"description": "用户名或密码错误，或已锁定"}})
def login(request: Request, session: DbSession, runtime: CurrentRuntime, body: LoginRequest) -> Response:
    """Sign in: sets a new session cookie (the old one, if any, is ended) and returns the new CSRF token."""
    settings = runtime.settings
    result = sign_in(session, username=body.username, password=body.password, ip=client_ip(request),
                     settings=settings, previous_token=request.cookies.get(SESSION_COOKIE),
                     counters=runtime.sessions, otp=body.otp)  # fmt: skip
    if result.account is None or result.token is None:
        return JSONResponse({"error": "login_failed", "detail": result.error}, status_code=401)
    body_out = LoginRead(account=staff_read(result.account),
                         csrf_token=make_csrf_token(request.app.state.security.secret, result.token))  # fmt: skip
    response = JSONResponse(body_out.model_dump(mode="json"))
    set_session_cookie(response, result.token, settings)
    return response


@router.post("/logout", status_code=204)
def logout(session: DbSession, staff: CurrentStaff) -> Response:
    end_session(session, signed_in=staff)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=StaffRead)
def me(staff: CurrentStaff) -> StaffRead:
    return staff_read(staff.account)


@router.post("/me/password", status_code=204)
def me_password(request: Request, session: DbSession, staff: CurrentStaff, runtime: CurrentRuntime,
                body: PasswordChange) -> Response:  # fmt: skip
    """Change one's own password (the current one is required); the staff member's other sessions end."""
    change_password(session, signed_in=staff, current=body.current_password, new=body.new_password,
                    settings=runtime.settings, counters=runtime.sessions)  # fmt: skip
    return Response(status_code=204)


@router.post(
    "/me/reauth", response_model=ReauthRead, responses={422: {"description": "密码或动态验证码不正确，或已锁定"}}
)
def me_reauth(session: DbSession, staff: CurrentStaff, runtime: CurrentRuntime, body: ReauthRequest) -> Response:
    """Give the password again (and a second-factor code, when enrolled): for ``reauth_window_minutes`` the session
    may create accounts, change roles and scopes, reset a colleague's second factor and read personal data in
    full. Counted like a sign-in; a wrong password is a 422."""
    settings = runtime.settings
    at = reauthenticate(session, signed_in=staff, password=body.password, otp=body.otp, settings=settings,
                        counters=runtime.sessions)  # fmt: skip
    if isinstance(at, ReauthFailure):  # answered, not raised: the failure's audit row is kept
        return JSONResponse(at.error().body(), status_code=422)
    read = ReauthRead(reauthenticated_at=at, valid_until=at + dt.timedelta(minutes=settings.reauth_window_minutes))
    return JSONResponse(read.model_dump(mode="json"))


@router.post("/me/totp", response_model=TotpRead)
def me_totp_start(session: DbSession, staff: CurrentStaff, body: TotpStart) -> TotpRead:
    """Start the second factor (password again): the secret and ``otpauth://`` URI for an authenticator app."""
    enrolment = start_enrolment(session, account=staff.account, password=body.password, actor=staff.actor)
    return TotpRead(secret=enrolment.secret, uri=enrolment.uri)


@router.post("/me/totp/confirm", response_model=RecoveryCodesRead)
def me_totp_confirm(session: DbSession, staff: CurrentStaff, body: TotpConfirm) -> RecoveryCodesRead:
    """Turn the second factor on with a first code; answers the ten single-use recovery codes (shown once)."""
    codes = confirm_enrolment(session, account=staff.account, code=body.otp, actor=staff.actor)
    return RecoveryCodesRead(recovery_codes=codes)


@router.get("/audit", response_model=AuditPage)
def audit_log(
    session: DbSession,
    staff: RequireAdmin,
    action: Annotated[str | None, Query(max_length=60)] = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditPage:
    """Every staff action, newest first (admins)."""
    rows, total = list_audit(session, action=action, actor_name=actor, limit=limit, offset=offset)
    return AuditPage(total=total, limit=limit, offset=offset, items=[AuditRead.model_validate(r) for r in rows])


@router.get("/accounts", response_model=list[StaffRead])
def list_accounts(session: DbSession, staff: RequireAdmin) -> list[StaffRead]:
    return [staff_read(a) for a in repo.list_accounts(session)]


@router.post("/accounts", response_model=StaffRead, status_code=201)
def add_account(session: DbSession, staff: RecentAdmin, kinds: ScopeKinds, body: AccountCreate) -> StaffRead:
    """Create an account (after a recent re-authentication); each scope's kind must be declared by an installed
    domain, its value must exist."""
    account = create_account(session, **body.model_dump(), scope_kinds=kinds, actor=staff.actor)
    return staff_read(account)


@router.put("/accounts/{account_id}/scopes", response_model=StaffRead)
def change_scopes(
    session: DbSession, staff: RecentAdmin, kinds: ScopeKinds, account_id: int, body: ScopesWrite
) -> StaffRead:
    """Replace an account's scopes (checked like at creation; after a recent re-authentication); an empty object
    removes every limit."""
    account = set_scopes(session, account_id=account_id, scopes=body.scopes, scope_kinds=kinds, actor=staff.actor)
    return staff_read(account)


@router.put("/accounts/{account_id}/role", response_model=StaffRead)
def change_role(session: DbSession, staff: RecentAdmin, account_id: int, body: RoleWrite) -> StaffRead:
    """Give an account another role (after a recent re-authentication; audited); the last active administrator
    keeps theirs."""
    return staff_read(set_role(session, account_id=account_id, role=body.role, by=staff))


@router.post("/accounts/{account_id}/totp/reset", response_model=StaffRead)
def reset_totp(session: DbSession, staff: RecentAdmin, account_id: int) -> StaffRead:
    """Switch off a colleague's second factor (a lost phone; after a recent re-authentication; audited): their
    sessions end, they sign in with the password alone and enrol again. Never one's own."""
    return staff_read(reset_colleague_second_factor(session, account_id=account_id, by=staff))


@router.post("/accounts/{account_id}/active", response_model=StaffRead)
def change_active(session: DbSession, staff: RequireAdmin, account_id: int, active: bool) -> StaffRead:
    return staff_read(set_active(session, account_id=account_id, active=active, actor=staff.actor))


@router.post("/accounts/{account_id}/unlock", response_model=StaffRead)
def unlock(session: DbSession, staff: RequireAdmin, account_id: int) -> StaffRead:
    """Lift the sign-in lock-out of an account, from every address (admins; audited)."""
    account = repo.get_account(session, account_id)
    if account is None:
        raise NotFound("未找到该账户")
    unlock_account(session, username=account.username, actor=staff.actor)
    return staff_read(account)


@router.get("/accounts/{account_id}/phone", response_model=PhoneRead)
def read_phone(session: DbSession, staff: AuditedAdmin, account_id: int) -> PhoneRead:
    """A staff member's phone number in full (admins, after a recent re-authentication; every read is audited; the
    request must carry ``X-CSRF-Token``, so that a planted link or image cannot trigger it)."""
    return PhoneRead(id=account_id, phone=reveal_phone(session, account_id=account_id, actor=staff.actor))
