"""A staff member's own security pages (``/staff/me/security``, ``/staff/reauth``): setting up the second factor
(a QR code of the ``otpauth://`` URI drawn with ``segno``, then ten recovery codes shown once) and giving the
password again before a sensitive action. Pages only: the rules are in ``auth.totp`` and ``auth.reauth``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from cityservices.auth.reauth import ReauthFailure, is_recent, reauthenticate
from cityservices.auth.service import SignedIn
from cityservices.auth.totp import ISSUER, confirm_enrolment, start_enrolment
from cityservices.auth.web import render_staff_page, safe_next, see_other
from cityservices.deps import CurrentRuntime, CurrentStaff, DbSession
from cityservices.errors import AppError

router = APIRouter(prefix="/staff", tags=["staff pages"], include_in_schema=False)
TEMPLATE = "auth/security.html"


def qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as inline SVG (no script, no style: the CSP allows it)."""
    import segno

    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", border=4))


def _page(request: Request, staff: SignedIn, status: int = 200, **context: Any) -> HTMLResponse:
    base: dict[str, Any] = {"staff": staff, "error": None, "enrolment": None, "qr": None, "recovery_codes": None}
    return render_staff_page(request, TEMPLATE, {**base, **context}, status=status)


@router.get("/me/security", response_class=HTMLResponse)
def security_page(request: Request, staff: CurrentStaff) -> HTMLResponse:
    """The account's second factor: on or off, and the form that starts setting it up."""
    return _page(request, staff)


@router.post("/me/security/totp", response_class=HTMLResponse)
def security_totp_start(
    request: Request, session: DbSession, staff: CurrentStaff, password: Annotated[str, Form(max_length=256)]
) -> HTMLResponse:
    """Password again → a new secret, shown as a QR code and as text, with the form for the first code."""
    try:
        enrolment = start_enrolment(session, account=staff.account, password=password, actor=staff.actor)
    except AppError as exc:
        session.rollback()
        return _page(request, staff, status=422, error=_message(exc))
    return _page(request, staff, enrolment=enrolment, qr=qr_svg(enrolment.uri))


@router.post("/me/security/totp/confirm", response_class=HTMLResponse)
def security_totp_confirm(
    request: Request, session: DbSession, staff: CurrentStaff, otp: Annotated[str, Form(max_length=20)]
) -> HTMLResponse:
    """The first code turns the factor on; the recovery codes are shown on this answer only (never stored in
    clear, never shown again)."""
    try:
        codes = confirm_enrolment(session, account=staff.account, code=otp, actor=staff.actor)
    except AppError as exc:
        session.rollback()
        account = staff.account
        again = None
        if account.totp_secret and not account.totp_enabled:  # the pending secret: scan again, retry the code
            import pyotp

            uri = pyotp.TOTP(account.totp_secret).provisioning_uri(name=account.username, issuer_name=ISSUER)
            again = {"secret": account.totp_secret, "uri": uri}
        return _page(request, staff, status=422, error=_message(exc), enrolment=again,
                     qr=qr_svg(again["uri"]) if again else None)  # fmt: skip
    return _page(request, staff, recovery_codes=codes)


@router.get("/reauth", response_class=HTMLResponse)
def reauth_page(request: Request, staff: CurrentStaff, runtime: CurrentRuntime, next: str | None = None) -> Response:
    context = {"staff": staff, "next": safe_next(next), "error": None,
               "recent": is_recent(staff, runtime.settings)}  # fmt: skip
    return render_staff_page(request, "auth/reauth.html", context)


@router.post("/reauth", response_class=HTMLResponse)
def reauth(
    request: Request,
    session: DbSession,
    staff: CurrentStaff,
    runtime: CurrentRuntime,
    password: Annotated[str, Form(max_length=256)],
    otp: Annotated[str, Form(max_length=20)] = "",
    next: Annotated[str, Form(max_length=500)] = "/staff",
) -> Response:
    """Password (and code) again, then back to the page the action was started from."""
    done = reauthenticate(session, signed_in=staff, password=password, otp=otp.strip() or None,
                          settings=runtime.settings, counters=runtime.sessions)  # fmt: skip
    if isinstance(done, ReauthFailure):
        context = {"staff": staff, "next": safe_next(next), "error": done.message, "recent": False}
        return render_staff_page(request, "auth/reauth.html", context, status=422)
    return see_other(safe_next(next))


def _message(exc: AppError) -> str:
    """The error in plain words (a form field's message without the field's name)."""
    message = getattr(exc, "message", None)
    return message if isinstance(message, str) and message else exc.detail
