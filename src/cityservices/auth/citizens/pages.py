"""Citizen sign-in pages (``/citizen/login``, ``/citizen``): plain Chinese, phone-first. Forms carry the site's
CSRF token (checked by the security middleware)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cityservices.auth.citizens.service import end_citizen_session, sign_in_citizen
from cityservices.auth.citizens.web import CITIZEN_COOKIE, OptionalCitizen, citizen_keys, set_citizen_cookie
from cityservices.deps import CurrentRuntime, DbSession, client_ip
from cityservices.platform.templating import templates

router = APIRouter(tags=["citizen pages"], include_in_schema=False)
NEXT_ALLOWED = ("/insurance/", "/citizen", "/party/me")


def safe_citizen_next(value: str | None) -> str:
    """Only a citizen page of this site (no open redirect)."""
    if value and value.startswith(NEXT_ALLOWED) and not value.startswith("//") and "\\" not in value:
        return value
    return "/citizen"


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/citizen/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    context = {"next": safe_citizen_next(next), "error": None}
    return _no_store(templates.TemplateResponse(request, "citizen/login.html", context))


@router.post("/citizen/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DbSession,
    runtime: CurrentRuntime,
    id_number: Annotated[str, Form(max_length=40)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=300)] = "/citizen",
) -> Response:
    result = sign_in_citizen(session, id_number=id_number, password=password, ip=client_ip(request),
                             settings=runtime.settings, keys=citizen_keys(request), counters=runtime.sessions,
                             previous_token=request.cookies.get(CITIZEN_COOKIE))  # fmt: skip
    if result.account is None or result.token is None:
        context = {"next": safe_citizen_next(next), "error": result.error}
        return _no_store(templates.TemplateResponse(request, "citizen/login.html", context, status_code=401))
    response = RedirectResponse(safe_citizen_next(next), status_code=303)
    set_citizen_cookie(response, result.token, runtime.settings)
    return response


@router.post("/citizen/logout")
def logout(session: DbSession, citizen: OptionalCitizen) -> Response:
    if citizen is not None:
        end_citizen_session(session, citizen=citizen)
    response = RedirectResponse("/citizen/login", status_code=303)
    response.delete_cookie(CITIZEN_COOKIE, path="/")
    return response


@router.get("/citizen", response_class=HTMLResponse)
def home(request: Request, citizen: OptionalCitizen) -> Response:
    """The signed-in citizen's start page: links to their insurance archive, the assistant and video handling."""
    if citizen is None:
        return RedirectResponse("/citizen/login?next=/citizen", status_code=303)
    context = {"citizen": citizen.account}
    return _no_store(templates.TemplateResponse(request, "citizen/home.html", context))
