"""The member's archive page (``/insurance/archive``): phone-first, plain Chinese, the signed-in member only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cityservices.auth.citizens.web import OptionalCitizen
from cityservices.deps import DbSession
from cityservices.errors import NotFound
from cityservices.insurance.archive.api import certificate_pdf
from cityservices.insurance.archive.service import read_own_archive
from cityservices.insurance.rules.service import rule_book
from cityservices.insurance.video import service as video_service
from cityservices.kit.calendar import now_in_china
from cityservices.platform.templating import templates

router = APIRouter(tags=["insurance pages"], include_in_schema=False)


@router.get("/insurance/archive", response_class=HTMLResponse)
def archive_page(
    request: Request,
    session: DbSession,
    citizen: OptionalCitizen,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    if citizen is None:
        return RedirectResponse("/citizen/login?next=/insurance/archive", status_code=303)
    today = now_in_china().date()
    error: str | None = None
    try:
        archive = read_own_archive(session, certno=citizen.id_number, year=year or today.year,
                                   book=rule_book(session), today=today, actor=citizen.actor)  # fmt: skip
    except NotFound as exc:
        archive, error = None, exc.detail
    videos = [video_service.session_read(row) for row in video_service.own_sessions(session, citizen.account.id)]
    context = {"archive": archive, "error": error, "year": year or today.year, "this_year": today.year,
               "videos": videos}  # fmt: skip
    response = templates.TemplateResponse(request, "insurance/archive.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/insurance/archive/certificate")
def certificate_download(request: Request, session: DbSession, citizen: OptionalCitizen) -> Response:
    """The member's own 参保证明 as a PDF, issued now through the certificates service (audited)."""
    if citizen is None:
        return RedirectResponse("/citizen/login?next=/insurance/archive", status_code=303)
    return certificate_pdf(request, session, citizen)
