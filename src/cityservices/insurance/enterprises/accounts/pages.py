"""Enterprise pages of the open platform (``/enterprise``): what the platform is, registration of a unit's
representative (pending staff approval), sign-in, the unit's apps with their status, a form to request an app,
the one-time display of an HMAC secret after approval, and key rotation. The pages call the same services as
``/api/v1/enterprise`` (no rule of their own); forms carry the site's CSRF token (checked by the security
middleware); a refused form is shown again with the reason in Chinese and nothing is written. Every page is
``no-store`` and every step audited as in the API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import pydantic
from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cityservices.deps import CurrentRuntime, DbSession, client_ip
from cityservices.errors import AppError, RequestInvalid
from cityservices.insurance.enterprises.accounts import service as accounts
from cityservices.insurance.enterprises.accounts.service import SignedInEnterprise
from cityservices.insurance.enterprises.accounts.web import ENTERPRISE_COOKIE, OptionalEnterprise, set_enterprise_cookie
from cityservices.insurance.open_api import lifecycle
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api.models import APP_PENDING, APP_REJECTED
from cityservices.insurance.open_api.schemas import AppRequest
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.calendar import to_china_time
from cityservices.platform.security import load_secret
from cityservices.platform.templating import templates

router = APIRouter(tags=["enterprise pages"], include_in_schema=False)
AppId = Annotated[str, Path(pattern=r"^app[0-9a-f]{16}$")]
Serial = Annotated[str, Path(pattern=r"^[0-9]{4}$")]
Text = Annotated[str, Form(max_length=100)]
Secret = Annotated[str, Form(max_length=256)]
LongText = Annotated[str, Form(max_length=2000)]

FIELD_ZH = {
    "uscc": "统一社会信用代码", "contact_name": "联系人姓名", "password": "密码", "name": "应用名称",
    "operations": "接口权限", "profile": "签名方式", "public_key": "公钥", "webhook_url": "回调地址",
    "app_id": "应用", "reason": "理由",
}  # fmt: skip
STATUS_ZH = {"pending": "待审核", "approved": "已批准", "rejected": "已拒绝", "suspended": "已暂停"}
OPERATION_ZH = {
    "employee.status.read": "查询职工参保状态", "employee.enrol": "增员（职工参保登记）",
    "employee.remove": "减员（停止参保）", "maternity.apply": "申请生育津贴", "certificate.issue": "开具参保证明",
}  # fmt: skip
PROFILE_ZH = {
    "HMAC-SM3": "HMAC-SM3（平台生成密钥，推荐）", "HMAC-SHA256": "HMAC-SHA256（平台生成密钥）",
    "SM2-SM3": "SM2-SM3（上传本单位公钥）", "RSA-SHA256": "RSA-SHA256（上传本单位公钥）",
}  # fmt: skip
HMAC_PROFILES = ("HMAC-SM3", "HMAC-SHA256")


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    base = {"STATUS_ZH": STATUS_ZH, "OPERATION_ZH": OPERATION_ZH, "PROFILE_ZH": PROFILE_ZH, "beijing": to_china_time}
    response = templates.TemplateResponse(request, template, base | context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _labelled(field: str, message: str) -> str:
    label = FIELD_ZH.get(field.split(".")[0], "")
    return message if not label or label in message else f"{label}：{message}"


def error_text(exc: AppError) -> str:
    """The refusal in Chinese, each wrong field named."""
    if isinstance(exc, RequestInvalid):
        return "；".join(_labelled(field, message) for field, message in exc.fields)
    return exc.detail


def _see(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


@router.get("/enterprise", response_class=HTMLResponse)
def home(request: Request, signed_in: OptionalEnterprise) -> Response:
    """What the open platform is, and sign-in; a signed-in representative goes on to the unit's apps."""
    if signed_in is not None:
        return _see("/enterprise/apps")
    return _page(request, "enterprise/home.html", {"error": None, "uscc": ""})


@router.post("/enterprise/login", response_class=HTMLResponse)
def login(
    request: Request, session: DbSession, runtime: CurrentRuntime, uscc: Text = "", password: Secret = ""
) -> Response:
    account, token, error = accounts.sign_in(
        session, uscc=uscc, password=password, ip=client_ip(request), settings=runtime.settings,
        counters=runtime.sessions,
    )  # fmt: skip
    if account is None or token is None:
        return _page(request, "enterprise/home.html", {"error": error, "uscc": uscc.strip()[:18]}, status=401)
    response = _see("/enterprise/apps")
    set_enterprise_cookie(response, token, runtime.settings)
    return response


@router.post("/enterprise/logout")
def logout(session: DbSession, signed_in: OptionalEnterprise) -> Response:
    if signed_in is not None:
        accounts.end_session(session, signed_in=signed_in)
    response = _see("/enterprise")
    response.delete_cookie(ENTERPRISE_COOKIE, path="/")
    return response


@router.get("/enterprise/register", response_class=HTMLResponse)
def register_page(request: Request) -> Response:
    return _page(request, "enterprise/register.html", {"form": {}, "error": None, "done": False})


@router.post("/enterprise/register", response_class=HTMLResponse)
def register(
    request: Request, session: DbSession, uscc: Text = "", contact_name: Text = "", password: Secret = ""
) -> Response:
    """A pending account (staff approve it); a refusal shows the form again, nothing written."""
    form = {"uscc": uscc.strip(), "contact_name": contact_name.strip()}
    actor = Actor(id=None, name=f"enterprise:{uscc.strip().upper()[:18]}", ip=client_ip(request))
    try:
        accounts.register_account(session, uscc=uscc, contact_name=contact_name, password=password, actor=actor)
    except AppError as exc:
        session.rollback()
        context = {"form": form, "error": error_text(exc), "done": False}
        return _page(request, "enterprise/register.html", context, status=exc.status_code)
    return _page(request, "enterprise/register.html", {"form": form, "error": None, "done": True})


def _apps(
    request: Request, session: DbSession, signed_in: SignedInEnterprise, *, done: str | None = None,
    error: str | None = None, status: int = 200,
) -> Response:  # fmt: skip
    rows = [open_api.app_read(session, row) for row in lifecycle.apps_of(session, signed_in.emp_no)]
    context = {"account": signed_in.account, "apps": rows, "done": done, "error": error, "hidden": HIDDEN}
    return _page(request, "enterprise/apps.html", context, status=status)


HIDDEN = (APP_PENDING, APP_REJECTED)


@router.get("/enterprise/apps", response_class=HTMLResponse)
def apps_page(request: Request, session: DbSession, signed_in: OptionalEnterprise) -> Response:
    """The unit's apps: status (with the reason of a refusal or suspension), keys, the secret not yet seen."""
    if signed_in is None:
        return _see("/enterprise")
    done = {"requested": "申请已提交，等待工作人员审核。"}.get(request.query_params.get("done", ""))
    return _apps(request, session, signed_in, done=done)


@router.get("/enterprise/apps/new", response_class=HTMLResponse)
def new_app_page(request: Request, signed_in: OptionalEnterprise) -> Response:
    if signed_in is None:
        return _see("/enterprise")
    return _page(request, "enterprise/new_app.html", {"account": signed_in.account, "form": {}, "error": None})


def _app_request(name: str, operations: list[str], profile: str, public_key: str, webhook_url: str) -> AppRequest:
    try:
        return AppRequest(
            name=name.strip(), operations=operations, profile=profile,
            public_key=public_key.strip() or None, webhook_url=webhook_url.strip() or None,
        )  # fmt: skip
    except pydantic.ValidationError as exc:
        fields = [(str(error["loc"][0]), _why(str(error["loc"][0]))) for error in exc.errors()]
        raise RequestInvalid(*fields[0], *fields[1:]) from None


def _why(field: str) -> str:
    return {
        "name": "请填写应用名称（不超过 100 字）", "operations": "请至少选择一项接口权限",
        "profile": "请选择签名方式",
    }.get(field, "填写有误")  # fmt: skip


@router.post("/enterprise/apps", response_class=HTMLResponse)
def request_app(
    request: Request,
    session: DbSession,
    signed_in: OptionalEnterprise,
    name: Text = "",
    operations: Annotated[list[str] | None, Form(max_length=20)] = None,
    profile: Annotated[str, Form(max_length=20)] = "",
    public_key: LongText = "",
    webhook_url: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Ask for an app (as ``POST /api/v1/enterprise/apps``); refused: the form again, nothing written."""
    if signed_in is None:
        return _see("/enterprise")
    chosen = [op for op in (operations or []) if op]
    form = {"name": name, "operations": chosen, "profile": profile, "public_key": public_key,
            "webhook_url": webhook_url}  # fmt: skip
    limit = request.app.state.runtime.settings.open_app_rate_limit_per_minute
    try:
        data = _app_request(name, chosen, profile, public_key, webhook_url)
        row = lifecycle.request_app(
            session, account_id=signed_in.account.id, emp_no=signed_in.emp_no, data=data, rate_limit=limit,
            now=utc_now(),
        )  # fmt: skip
    except AppError as exc:
        session.rollback()
        context = {"account": signed_in.account, "form": form, "error": error_text(exc)}
        return _page(request, "enterprise/new_app.html", context, status=exc.status_code)
    record_audit(session, actor=signed_in.actor, action="open.app.request", target_kind="open_app",
                 target_key=row.app_id, detail={"profile": data.profile, "operations": row.operations})  # fmt: skip
    return _see("/enterprise/apps?done=requested")


def _approved(session: DbSession, signed_in: SignedInEnterprise, app_id: str) -> str:
    row = lifecycle.own_app_or_404(session, app_id, emp_no=signed_in.emp_no)
    if row.status in HIDDEN:
        raise RequestInvalid("app_id", "应用尚未获批")
    return row.app_id


@router.post("/enterprise/apps/{app_id}/keys/{serial}/secret", response_class=HTMLResponse)
def show_secret(
    request: Request, session: DbSession, signed_in: OptionalEnterprise, app_id: AppId, serial: Serial
) -> Response:
    """The HMAC secret of an approved app's key, this once (afterwards: rotate the key)."""
    if signed_in is None:
        return _see("/enterprise")
    try:
        own = _approved(session, signed_in, app_id)
        secret = lifecycle.reveal_secret(
            session, own, serial, platform_secret=load_secret(request.app.state.runtime.settings), now=utc_now()
        )
    except AppError as exc:
        session.rollback()
        return _apps(request, session, signed_in, error=error_text(exc), status=exc.status_code)
    record_audit(session, actor=signed_in.actor, action="open.key.secret_shown", target_kind="open_app",
                 target_key=own, detail={"serial": serial})  # fmt: skip
    return _page(request, "enterprise/secret.html", {"account": signed_in.account, "app_id": own, "serial": serial,
                                                     "secret": secret})  # fmt: skip


@router.post("/enterprise/apps/{app_id}/keys", response_class=HTMLResponse)
def rotate_key(
    request: Request,
    session: DbSession,
    signed_in: OptionalEnterprise,
    app_id: AppId,
    profile: Annotated[str, Form(max_length=20)] = "",
    public_key: LongText = "",
    overlap_days: Annotated[int, Form(ge=0, le=90)] = 7,
) -> Response:
    """A new key (next serial); earlier keys stay valid ``overlap_days``; an HMAC secret shown on this page only."""
    if signed_in is None:
        return _see("/enterprise")
    try:
        own = _approved(session, signed_in, app_id)
        if profile not in PROFILE_ZH:
            raise RequestInvalid("profile", "请选择签名方式")
        key, secret = lifecycle.issue_key(
            session, own, profile=profile, public_key=public_key.strip() or None,
            platform_secret=load_secret(request.app.state.runtime.settings), now=utc_now(),
            overlap=dt.timedelta(days=overlap_days),
        )  # fmt: skip
    except AppError as exc:
        session.rollback()
        return _apps(request, session, signed_in, error=error_text(exc), status=exc.status_code)
    record_audit(session, actor=signed_in.actor, action="open.key.add", target_kind="open_app", target_key=own,
                 detail={"serial": key.serial, "profile": key.profile})  # fmt: skip
    if secret is None:
        return _apps(request, session, signed_in, done=f"已启用新密钥 {key.serial}。")
    return _page(request, "enterprise/secret.html", {"account": signed_in.account, "app_id": own,
                                                     "serial": key.serial, "secret": secret,
                                                     "overlap_days": overlap_days})  # fmt: skip
