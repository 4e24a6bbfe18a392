"""Staff pages of the open platform (``/staff/insurance/open-platform/apps``): the apps (by status) and the enterprise
accounts awaiting a decision; an app's page with its keys and serials, approve / refuse with a reason, suspend,
its rate limit, a key revoked. Forms post back and redirect (303) with what was done, or show the refusal (422,
nothing written). Every change is audited as in the staff API; pages are ``no-store``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from cityservices.auth.service import SignedIn
from cityservices.auth.web import render_staff_page, see_other
from cityservices.deps import CurrentStaff, DbSession, RequireAdmin, RequireEditor
from cityservices.errors import AppError
from cityservices.insurance.enterprises.accounts import service as accounts
from cityservices.insurance.open_api import lifecycle
from cityservices.insurance.open_api import service as open_api
from cityservices.kit.audit import record_audit, utc_now
from cityservices.kit.calendar import to_china_time
from cityservices.platform.security import load_secret

router = APIRouter(tags=["insurance pages"], include_in_schema=False)
BASE = "/staff/insurance/open-platform/apps"
AppId = Annotated[str, Path(pattern=r"^app[0-9a-f]{16}$")]
Serial = Annotated[str, Path(pattern=r"^[0-9]{4}$")]
Reason = Annotated[str, Form(max_length=300)]
STATUS_ZH = {"pending": "待审核", "approved": "已获批", "rejected": "已拒绝", "suspended": "已停用", "active": "已开通",
             "refused": "已拒绝"}  # fmt: skip
DONE = {
    "approved": "已批准。", "rejected": "已拒绝，理由已记录。", "suspended": "已停用。", "rate": "调用频率已修改。",
    "revoked": "密钥已吊销。", "account_active": "单位账户已开通。", "account_refused": "单位账户申请已拒绝。",
}  # fmt: skip


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    response = render_staff_page(request, template, {"STATUS_ZH": STATUS_ZH, "beijing": to_china_time, **context},
                                 status=status)  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(BASE, response_class=HTMLResponse)
def apps_page(
    request: Request,
    session: DbSession,
    staff: CurrentStaff,
    status: Annotated[str, Query(pattern=r"^(|pending|approved|rejected|suspended)$")] = "",
    done: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    rows = open_api.apps(session, status=status or None, offset=0, limit=200)
    pending_accounts = accounts.accounts(session, status="pending", offset=0, limit=100)
    context = {"staff": staff, "apps": rows, "status": status, "accounts": pending_accounts, "done": DONE.get(done)}
    return _page(request, "insurance/open_apps.html", context)


def _detail(
    request: Request, session: DbSession, staff: SignedIn, app_id: str, *, error: str | None = None, done: str = ""
) -> HTMLResponse:
    row = open_api.app_or_404(session, app_id)
    context = {"staff": staff, "app": open_api.app_read(session, row), "error": error, "done": DONE.get(done)}
    return _page(request, "insurance/open_app.html", context, status=422 if error else 200)


@router.get(BASE + "/{app_id}", response_class=HTMLResponse)
def app_page(
    request: Request,
    session: DbSession,
    staff: CurrentStaff,
    app_id: AppId,
    done: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    return _detail(request, session, staff, app_id, done=done)


def _audit(session: DbSession, staff: SignedIn, action: str, app_id: str, **detail: object) -> None:
    record_audit(session, actor=staff.actor, action=action, target_kind="open_app", target_key=app_id, detail=detail)


@router.post(BASE + "/{app_id}/decision", response_class=HTMLResponse)
def decide(
    request: Request,
    session: DbSession,
    staff: RequireAdmin,
    app_id: AppId,
    approve: Annotated[str, Form(pattern=r"^[01]$")],
    reason: Reason = "",
) -> Response:
    try:
        with session.begin_nested():
            now = utc_now()
            row = open_api.decide_app(
                session, app_id, approve=approve == "1", staff=staff.account.username, now=now, reason=reason
            )
            secret = load_secret(request.app.state.runtime.settings)
            lifecycle.set_up_approved(session, row, platform_secret=secret, now=now)
            _audit(session, staff, "open.app.decide", app_id, status=row.status, reason=row.status_reason)
    except AppError as exc:
        return _detail(request, session, staff, app_id, error=exc.detail)
    return see_other(f"{BASE}/{app_id}?done={row.status}")


@router.post(BASE + "/{app_id}/suspension", response_class=HTMLResponse)
def suspend(request: Request, session: DbSession, staff: RequireAdmin, app_id: AppId, reason: Reason = "") -> Response:
    try:
        with session.begin_nested():
            row = lifecycle.suspend_app(session, app_id, reason=reason, staff=staff.account.username, now=utc_now())
            _audit(session, staff, "open.app.suspend", app_id, reason=row.status_reason)
    except AppError as exc:
        return _detail(request, session, staff, app_id, error=exc.detail)
    return see_other(f"{BASE}/{app_id}?done=suspended")


@router.post(BASE + "/{app_id}/rate-limit", response_class=HTMLResponse)
def rate_limit(
    request: Request,
    session: DbSession,
    staff: RequireAdmin,
    app_id: AppId,
    per_minute: Annotated[str, Form(max_length=7)],
) -> Response:
    try:
        if not per_minute.strip().isdigit():
            raise open_api.OpenApiError(422, "bad_rate_limit", "每分钟调用次数须为 1 到 100000 之间的整数")
        with session.begin_nested():
            row, before = lifecycle.set_rate_limit(session, app_id, per_minute=int(per_minute))
            _audit(session, staff, "open.app.rate_limit", app_id, before=before, after=row.rate_limit_per_minute)
    except AppError as exc:
        return _detail(request, session, staff, app_id, error=exc.detail)
    return see_other(f"{BASE}/{app_id}?done=rate")


@router.post(BASE + "/{app_id}/keys/{serial}/revocation", response_class=HTMLResponse)
def revoke_key(request: Request, session: DbSession, staff: RequireEditor, app_id: AppId, serial: Serial) -> Response:
    try:
        with session.begin_nested():
            open_api.revoke_key(session, app_id, serial, now=utc_now())
            _audit(session, staff, "open.key.revoke", app_id, serial=serial)
    except AppError as exc:
        return _detail(request, session, staff, app_id, error=exc.detail)
    return see_other(f"{BASE}/{app_id}?done=revoked")


@router.post("/staff/insurance/open-platform/enterprise-accounts/{account_id}/decision", response_class=HTMLResponse)
def decide_account(
    request: Request,
    session: DbSession,
    staff: RequireAdmin,
    account_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    approve: Annotated[str, Form(pattern=r"^[01]$")],
    reason: Reason = "",
) -> Response:
    try:
        with session.begin_nested():
            row = accounts.decide_account(
                session, account_id, approve=approve == "1", reason=reason, staff=staff.account.username,
                actor=staff.actor,
            )  # fmt: skip
    except AppError as exc:
        context = {
            "staff": staff, "apps": open_api.apps(session, status=None, offset=0, limit=200), "status": "",
            "accounts": accounts.accounts(session, status="pending", offset=0, limit=100), "error": exc.detail,
        }  # fmt: skip
        return _page(request, "insurance/open_apps.html", context, status=422)
    return see_other(f"{BASE}?done=account_{row.status}")
