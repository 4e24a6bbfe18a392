"""Helpers shared by the staff API and pages: the session cookie and account views (phone masked)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from cityservices.auth.models import StaffAccount
from cityservices.config import Settings
from cityservices.errors import Unauthenticated
from cityservices.kit.masking import mask_phone
from cityservices.platform.security import SESSION_COOKIE
from cityservices.service_map.editing.schemas import StaffRead


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


def install_sign_in_redirects(app: FastAPI) -> None:
    """No staff session: JSON 401 under /api, a redirect to the sign-in page elsewhere."""
    app.add_exception_handler(Unauthenticated, _unauthenticated)  # type: ignore[arg-type]


async def _unauthenticated(request: Request, exc: Unauthenticated) -> Response:
    if request.url.path.startswith("/api"):
        return JSONResponse({"error": exc.code, "detail": exc.detail}, status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/staff/login?next={quote(target, safe='')}", status_code=303)
