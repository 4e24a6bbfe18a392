"""Helpers of the staff web layer that every domain's staff pages share: the session cookie, account views
(phone masked), page rendering, redirects, and the sign-in redirect for requests without a session."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from cityservices.auth.models import StaffAccount
from cityservices.auth.reauth import ReauthRequired, require_recent_reauth
from cityservices.auth.schemas import StaffRead
from cityservices.auth.scopes import ROLE_NAMES
from cityservices.auth.service import SignedIn
from cityservices.config import Settings
from cityservices.deps import CurrentRuntime, RequireAdmin, RequireEditor
from cityservices.errors import Unauthenticated
from cityservices.kit.masking import mask_phone
from cityservices.platform.security import SESSION_COOKIE
from cityservices.platform.templating import templates


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    """HttpOnly, SameSite=Lax, Secure (unless ``cookie_secure`` is off), ending with the session."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_max_hours * 3600,
        path="/",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )


def staff_read(account: StaffAccount) -> StaffRead:
    read = StaffRead.model_validate(account)
    read.phone = mask_phone(account.phone)
    return read


def render_staff_page(request: Request, template: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    """A page in the staff layout (``templates/staff/layout.html``), which names the signed-in account's role."""
    return templates.TemplateResponse(request, template, {"ROLE_NAMES": ROLE_NAMES, **context}, status_code=status)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(value: str | None) -> str:
    """Only a staff page of this site (no open redirect)."""
    if value and value.startswith("/staff") and not value.startswith("//") and "\\" not in value:
        return value
    return "/staff"


def get_recent_admin(staff: RequireAdmin, runtime: CurrentRuntime) -> SignedIn:
    """An administrator whose session gave its credentials within ``reauth_window_minutes``."""
    require_recent_reauth(staff, runtime.settings)
    return staff


def get_recent_editor(staff: RequireEditor, runtime: CurrentRuntime) -> SignedIn:
    """An editor (or admin) whose session gave its credentials within ``reauth_window_minutes``: for staff pages
    that show personal data in full (the API's audited reads check it in ``deps``)."""
    require_recent_reauth(staff, runtime.settings)
    return staff


# Routes that grant power or reveal personal data: a recent re-authentication too (403 reauth_required; pages are
# sent to /staff/reauth and back).
RecentAdmin = Annotated[SignedIn, Depends(get_recent_admin)]
RecentEditor = Annotated[SignedIn, Depends(get_recent_editor)]


def install_sign_in_redirects(app: FastAPI) -> None:
    """No staff session: JSON 401 under /api, a redirect to the sign-in page elsewhere. A sensitive action without
    a recent re-authentication: JSON 403 ``reauth_required`` under /api, the re-authentication page elsewhere."""
    app.add_exception_handler(Unauthenticated, _unauthenticated)  # type: ignore[arg-type]
    app.add_exception_handler(ReauthRequired, _reauth_required)  # type: ignore[arg-type]


async def _unauthenticated(request: Request, exc: Unauthenticated) -> Response:
    if request.url.path.startswith("/api"):
        return JSONResponse({"error": exc.code, "detail": exc.detail}, status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/staff/login?next={quote(target, safe='')}", status_code=303)


async def _reauth_required(request: Request, exc: ReauthRequired) -> Response:
    if request.url.path.startswith("/api"):
        return JSONResponse({"error": exc.code, "detail": exc.detail}, status_code=403)
    back = request.url.path if request.method in ("GET", "HEAD") else _referring_path(request)
    return RedirectResponse(f"/staff/reauth?next={quote(safe_next(back), safe='')}", status_code=303)


def _referring_path(request: Request) -> str:
    """The staff page a form was sent from (this site only), to return to after re-authenticating."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.url.netloc:
        return "/staff"
    return referer.path or "/staff"
