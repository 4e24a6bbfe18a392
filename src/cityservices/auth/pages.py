"""Accounts pages (``/staff``): sign-in and out, account administration and the audit log.

Every form carries ``csrf_token``; templates hold no inline script or style (the CSP forbids them).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from cityservices.auth import repository as repo
from cityservices.auth.colleagues import reset_colleague_second_factor, set_role
from cityservices.auth.service import (
    SignedIn,
    create_account,
    end_session,
    reveal_phone,
    set_active,
    sign_in,
)
from cityservices.auth.web import RecentAdmin, render_staff_page, safe_next, see_other, set_session_cookie
from cityservices.deps import CurrentRuntime, CurrentStaff, DbSession, RequireAdmin, ScopeKinds, client_ip
from cityservices.errors import AppError
from cityservices.kit.audit.repository import list_audit
from cityservices.kit.masking import mask_phone
from cityservices.platform.domains import ScopeKind
from cityservices.platform.security import SESSION_COOKIE

router = APIRouter(prefix="/staff", tags=["staff pages"], include_in_schema=False)
SCOPE_FIELD = "scope."  # form fields ``scope.<kind>``


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return render_staff_page(request, "auth/login.html", {"next": safe_next(next), "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DbSession,
    runtime: CurrentRuntime,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form(max_length=500)] = "/staff",
    otp: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    settings = runtime.settings
    result = sign_in(session, username=username, password=password, ip=client_ip(request), settings=settings,
                     previous_token=request.cookies.get(SESSION_COOKIE), counters=runtime.sessions,
                     otp=otp.strip() or None)  # fmt: skip
    if result.account is None or result.token is None:
        context = {"next": safe_next(next), "error": result.error, "username": username}
        return render_staff_page(request, "auth/login.html", context, status=401)
    response = see_other(safe_next(next))
    set_session_cookie(response, result.token, settings)
    return response


@router.post("/logout")
def logout(session: DbSession, staff: CurrentStaff) -> Response:
    end_session(session, signed_in=staff)
    response = see_other("/staff/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: DbSession,
    staff: RequireAdmin,
    action: Annotated[str | None, Query(max_length=60)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    rows, total = list_audit(session, action=action or None, limit=100, offset=offset)
    context = {"staff": staff, "rows": rows, "total": total, "action": action or "", "offset": offset}
    return render_staff_page(request, "auth/audit.html", context)


@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, session: DbSession, staff: RequireAdmin, kinds: ScopeKinds) -> HTMLResponse:
    return _accounts(request, session, staff, kinds, error=None, phone=None)


def _accounts(
    request: Request,
    session: Session,
    staff: SignedIn,
    kinds: dict[str, ScopeKind],
    *,
    error: str | None,
    phone: tuple[int, str | None] | None,
) -> HTMLResponse:
    accounts = [(a, mask_phone(a.phone)) for a in repo.list_accounts(session)]
    values = {name: kind.values(session) if kind.values else None for name, kind in kinds.items()}
    context: dict[str, Any] = {"staff": staff, "accounts": accounts, "error": error, "revealed": phone,
                               "scope_kinds": list(kinds.values()), "scope_values": values}  # fmt: skip
    return render_staff_page(request, "auth/accounts.html", context, status=422 if error else 200)


async def scope_fields(request: Request) -> dict[str, str]:
    """The ``scope.<kind>`` fields of the account form, kind → value."""
    form = await request.form()
    return {
        key.removeprefix(SCOPE_FIELD): value
        for key, value in form.multi_items()
        if key.startswith(SCOPE_FIELD) and isinstance(value, str)
    }


@router.post("/accounts", response_class=HTMLResponse)
def accounts_create(
    request: Request,
    session: DbSession,
    staff: RecentAdmin,
    kinds: ScopeKinds,
    scopes: Annotated[dict[str, str], Depends(scope_fields)],
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    role: Annotated[Literal["admin", "editor", "viewer"], Form()],
    display_name: Annotated[str, Form(max_length=100)] = "",
    phone: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        create_account(session, username=username, password=password, display_name=display_name, role=role,
                       scopes=scopes, scope_kinds=kinds, phone=phone.strip() or None, actor=staff.actor)  # fmt: skip
    except AppError as exc:
        session.rollback()
        return _accounts(request, session, staff, kinds, error=exc.detail, phone=None)
    return see_other("/staff/accounts")


@router.post("/accounts/{account_id}/phone", response_class=HTMLResponse)
def accounts_phone(
    request: Request, session: DbSession, staff: RecentAdmin, kinds: ScopeKinds, account_id: int
) -> HTMLResponse:
    phone = reveal_phone(session, account_id=account_id, actor=staff.actor)
    return _accounts(request, session, staff, kinds, error=None, phone=(account_id, phone))


@router.post("/accounts/{account_id}/active")
def accounts_active(
    session: DbSession, staff: RequireAdmin, account_id: int, active: Annotated[bool, Form()]
) -> Response:
    set_active(session, account_id=account_id, active=active, actor=staff.actor)
    return see_other("/staff/accounts")


@router.post("/accounts/{account_id}/role", response_class=HTMLResponse)
def accounts_role(
    request: Request,
    session: DbSession,
    staff: RecentAdmin,
    kinds: ScopeKinds,
    account_id: int,
    role: Annotated[Literal["admin", "editor", "viewer"], Form()],
) -> Response:
    try:
        set_role(session, account_id=account_id, role=role, by=staff)
    except AppError as exc:
        session.rollback()
        return _accounts(request, session, staff, kinds, error=exc.detail, phone=None)
    return see_other("/staff/accounts")


@router.post("/accounts/{account_id}/totp/reset", response_class=HTMLResponse)
def accounts_totp_reset(
    request: Request, session: DbSession, staff: RecentAdmin, kinds: ScopeKinds, account_id: int
) -> Response:
    try:
        reset_colleague_second_factor(session, account_id=account_id, by=staff)
    except AppError as exc:
        session.rollback()
        return _accounts(request, session, staff, kinds, error=exc.detail, phone=None)
    return see_other("/staff/accounts")
