"""Enterprise accounts over HTTP. ``/api/v1/enterprise``: self-registration (pending staff approval), sign-in and
sign-out with the credit code, the signed-in account. ``/api/v1/insurance/enterprise-accounts`` (staff): the
accounts, one created at once, a pending one approved or refused with a reason. Every answer is ``no-store``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from cityservices.deps import CurrentRuntime, CurrentStaff, DbSession, RequireAdmin, RequireEditor, client_ip
from cityservices.errors import error_responses
from cityservices.insurance.enterprises.accounts import service as accounts
from cityservices.insurance.enterprises.accounts.models import EnterpriseAccount
from cityservices.insurance.enterprises.accounts.schemas import (
    AccountCreate,
    AccountRead,
    AccountSignedIn,
    AccountSignIn,
    Decision,
)
from cityservices.insurance.enterprises.accounts.web import (
    ENTERPRISE_COOKIE,
    CurrentEnterprise,
    set_enterprise_cookie,
)
from cityservices.kit.audit import Actor

router = APIRouter(prefix="/api/v1/enterprise", tags=["enterprise"], responses=error_responses(401, 403, 409, 422))
staff_router = APIRouter(
    prefix="/api/v1/insurance/enterprise-accounts", tags=["insurance"], responses=error_responses(401, 403, 404, 422)
)
AccountId = Annotated[int, Path(ge=1, le=2**31 - 1)]
LOGIN_PATH = "/api/v1/enterprise/login"
REGISTER_PATH = "/api/v1/enterprise/registrations"


def account_read(row: EnterpriseAccount) -> AccountRead:
    return AccountRead(
        id=row.id, uscc=row.uscc, emp_no=row.emp_no, contact_masked=row.contact_masked, status=row.status,
        refusal_reason=row.refusal_reason, created_at=row.created_at, decided_by=row.decided_by,
        decided_at=row.decided_at,
    )  # fmt: skip


@router.post("/registrations", response_model=AccountRead, status_code=201)
def register(request: Request, session: DbSession, data: AccountCreate, response: Response) -> AccountRead:
    """Self-registration of a unit's representative: the account waits for staff approval."""
    response.headers["Cache-Control"] = "no-store"
    actor = Actor(id=None, name=f"enterprise:{data.uscc.strip().upper()[:18]}", ip=client_ip(request))
    row = accounts.register_account(
        session, uscc=data.uscc, contact_name=data.contact_name, password=data.password, actor=actor
    )
    return account_read(row)


@router.post("/login", response_model=AccountSignedIn, responses={401: {"description": "代码或密码错误，或未获批"}})
def login(request: Request, session: DbSession, runtime: CurrentRuntime, body: AccountSignIn) -> Response:
    """Sign in with the credit code and password (an approved account only): a session cookie and its CSRF token."""
    account, token, error = accounts.sign_in(
        session, uscc=body.uscc, password=body.password, ip=client_ip(request), settings=runtime.settings,
        counters=runtime.sessions,
    )  # fmt: skip
    headers = {"Cache-Control": "no-store"}
    if account is None or token is None:
        return JSONResponse({"error": "unauthenticated", "detail": error}, status_code=401, headers=headers)
    secret: bytes = request.app.state.security.secret
    read = AccountSignedIn(account=account_read(account), csrf_token=accounts.csrf_token(secret, token))
    response = JSONResponse(read.model_dump(mode="json"), headers=headers)
    set_enterprise_cookie(response, token, runtime.settings)
    return response


@router.get("/me", response_model=AccountRead)
def read_me(signed_in: CurrentEnterprise, response: Response) -> AccountRead:
    """The signed-in account (its contact name masked)."""
    response.headers["Cache-Control"] = "no-store"
    return account_read(signed_in.account)


@router.post("/logout", status_code=204)
def logout(session: DbSession, signed_in: CurrentEnterprise) -> Response:
    """End the session (needs ``X-CSRF-Token``)."""
    accounts.end_session(session, signed_in=signed_in)
    response = Response(status_code=204)
    response.delete_cookie(ENTERPRISE_COOKIE, path="/")
    return response


# ---- staff ---------------------------------------------------------------------------------------------------


@staff_router.get("", response_model=list[AccountRead])
def list_accounts(
    session: DbSession,
    staff: CurrentStaff,
    response: Response,
    status: Annotated[str | None, Query(pattern=r"^(pending|active|refused)$")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AccountRead]:
    """Enterprise accounts, newest first (``status=pending``: the ones awaiting a decision)."""
    response.headers["Cache-Control"] = "no-store"
    return [account_read(row) for row in accounts.accounts(session, status=status, offset=offset, limit=limit)]


@staff_router.post("", response_model=AccountRead, status_code=201)
def create(session: DbSession, staff: RequireEditor, data: AccountCreate, response: Response) -> AccountRead:
    """An account opened by staff, active at once and bound to the unit registered under the credit code."""
    response.headers["Cache-Control"] = "no-store"
    row = accounts.create_account(
        session, uscc=data.uscc, contact_name=data.contact_name, password=data.password,
        staff=staff.account.username, actor=staff.actor,
    )  # fmt: skip
    return account_read(row)


@staff_router.post("/{account_id}/decision", response_model=AccountRead)
def decide(
    session: DbSession, staff: RequireAdmin, account_id: AccountId, data: Decision, response: Response
) -> AccountRead:
    """Approve a self-registered account (bound to its unit), or refuse it with a reason (administrators)."""
    response.headers["Cache-Control"] = "no-store"
    row = accounts.decide_account(
        session, account_id, approve=data.approve, reason=data.reason, staff=staff.account.username,
        actor=staff.actor,
    )  # fmt: skip
    return account_read(row)
