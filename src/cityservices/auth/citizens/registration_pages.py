"""Citizen registration and password reset pages (``/citizen/register``, ``/citizen/reset``), phone-first and
in plain Chinese; and, in demo mode only, the staff page of the message outbox (``/staff/outbox``), where the
codes that a gateway would have sent can be read (marked 演示).

Each citizen page is one form in two steps: the stated details and "获取验证码", then the code and the
password. Forms carry the site's CSRF token (checked by the security middleware)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from cityservices.auth.citizens.registration import (
    CodeSent,
    register_citizen,
    request_registration_code,
    request_reset_code,
    reset_password,
)
from cityservices.auth.citizens.service import CitizenSignInResult
from cityservices.auth.citizens.web import citizen_keys, identity_checks, message_sender, set_citizen_cookie
from cityservices.auth.web import render_staff_page
from cityservices.deps import CurrentRuntime, DbSession, RequireAdmin, client_ip
from cityservices.errors import AppError, NotFound, RequestInvalid
from cityservices.kit.audit import record_audit
from cityservices.kit.messaging import recent_messages
from cityservices.platform.templating import templates

router = APIRouter(tags=["citizen pages"], include_in_schema=False)
staff_router = APIRouter(prefix="/staff", tags=["staff pages"], include_in_schema=False)
Text = Annotated[str, Form(max_length=40)]
Secret = Annotated[str, Form(max_length=256)]


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    response = templates.TemplateResponse(request, template, context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _message(exc: AppError) -> str:
    if isinstance(exc, RequestInvalid):
        return "；".join(message for _, message in exc.fields)
    return exc.detail


def _sent_text(sent: CodeSent) -> str:
    return f"验证码已发送至 {sent.phone_masked}，{sent.valid_minutes} 分钟内有效。"


def _signed_in(result: CitizenSignInResult, runtime: Any) -> Response:
    response = RedirectResponse("/citizen", status_code=303)
    assert result.token is not None
    set_citizen_cookie(response, result.token, runtime.settings)
    return response


@router.get("/citizen/register", response_class=HTMLResponse)
def register_page(request: Request) -> Response:
    context: dict[str, Any] = {"form": {}, "stage": "start", "error": None, "sent": None}
    return _page(request, "citizen/register.html", context)


def _two_steps(
    request: Request, session: Session, runtime: Any, *, template: str, form: dict[str, str], final: bool,
    finish: Callable[[], CitizenSignInResult], send: Callable[[], str],
) -> Response:  # fmt: skip
    """Step one sends the code (``send``: what to tell), the final step opens the account or sets the password
    (``finish``) and signs in; a refusal shows the same step again with the reason."""
    try:
        if final:
            return _signed_in(finish(), runtime)
        sent = send()
    except AppError as exc:
        session.rollback()
        context = {"form": form, "stage": "code_sent" if final else "start", "error": _message(exc), "sent": None}
        return _page(request, template, context, status=exc.status_code)
    return _page(request, template, {"form": form, "stage": "code_sent", "error": None, "sent": sent})


@dataclass(frozen=True)
class CodeStep:
    """What both two-step forms send: the ID number and phone, then the code and the new password; ``step`` names
    the step (``code`` first)."""

    id_number: str
    phone: str
    code: str
    password: str
    step: str


def _code_step(
    id_number: Text = "", phone: Text = "", code: Text = "", password: Secret = "", step: Text = "code"
) -> CodeStep:
    return CodeStep(id_number, phone, code, password, step)


CodeStepForm = Annotated[CodeStep, Depends(_code_step)]


@router.post("/citizen/register", response_class=HTMLResponse)
def register(
    request: Request, session: DbSession, runtime: CurrentRuntime, form: CodeStepForm, name: Text = ""
) -> Response:
    """Step ``code``: check the stated details and send the code; step ``register``: open the account."""
    ip, keys, checks = client_ip(request), citizen_keys(request), identity_checks(request)

    def finish() -> CitizenSignInResult:
        return register_citizen(session, id_number=form.id_number, name=name, phone=form.phone, code=form.code,
                                password=form.password, ip=ip, settings=runtime.settings, keys=keys,
                                counters=runtime.sessions, checks=checks)  # fmt: skip

    def send() -> str:
        sent = request_registration_code(session, id_number=form.id_number, name=name, phone=form.phone, ip=ip,
                                         keys=keys, sender=message_sender(request), checks=checks)  # fmt: skip
        return _sent_text(sent)

    shown = {"id_number": form.id_number, "name": name, "phone": form.phone}
    return _two_steps(request, session, runtime, template="citizen/register.html", form=shown,
                      final=form.step == "register", finish=finish, send=send)  # fmt: skip


@router.get("/citizen/reset", response_class=HTMLResponse)
def reset_page(request: Request) -> Response:
    return _page(request, "citizen/reset.html", {"form": {}, "stage": "start", "error": None, "sent": None})


@router.post("/citizen/reset", response_class=HTMLResponse)
def reset(request: Request, session: DbSession, runtime: CurrentRuntime, form: CodeStepForm) -> Response:
    """Step ``code``: send the code to the registered phone; step ``reset``: set the new password."""
    ip, keys = client_ip(request), citizen_keys(request)

    def finish() -> CitizenSignInResult:
        return reset_password(session, id_number=form.id_number, phone=form.phone, code=form.code,
                              password=form.password, ip=ip, settings=runtime.settings, keys=keys,
                              counters=runtime.sessions)  # fmt: skip

    def send() -> str:
        sent = request_reset_code(session, id_number=form.id_number, phone=form.phone, ip=ip, keys=keys,
                                  sender=message_sender(request))  # fmt: skip
        return f"如果身份证号码和手机号码与开通账户时一致，{_sent_text(sent)}"

    return _two_steps(request, session, runtime, template="citizen/reset.html",
                      form={"id_number": form.id_number, "phone": form.phone}, final=form.step == "reset",
                      finish=finish, send=send)  # fmt: skip


@staff_router.get("/outbox", response_class=HTMLResponse)
def outbox_page(request: Request, session: DbSession, runtime: CurrentRuntime, staff: RequireAdmin) -> Response:
    """The newest outgoing messages, in demo mode only (there is no real SMS channel); recipients masked."""
    if not runtime.settings.demo_mode:
        raise NotFound("未找到该页面或资源")
    rows = recent_messages(session)
    record_audit(session, actor=staff.actor, action="outbox.read", target_kind="outbox", detail={"rows": len(rows)})
    response = render_staff_page(request, "auth/outbox.html", {"staff": staff, "rows": rows})
    response.headers["Cache-Control"] = "no-store"
    return response
