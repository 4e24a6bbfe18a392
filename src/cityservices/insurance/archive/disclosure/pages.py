"""The page of staff reads (``/insurance/archive/reads``): phone-first, plain Chinese, the signed-in member only."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cityservices.auth.citizens.web import OptionalCitizen
from cityservices.deps import DbSession
from cityservices.errors import NotFound
from cityservices.insurance.archive.disclosure.service import staff_reads
from cityservices.platform.templating import templates

router = APIRouter(tags=["insurance pages"], include_in_schema=False)


@router.get("/insurance/archive/reads", response_class=HTMLResponse)
def reads_page(request: Request, session: DbSession, citizen: OptionalCitizen) -> Response:
    if citizen is None:
        return RedirectResponse("/citizen/login?next=/insurance/archive/reads", status_code=303)
    reads, error = None, None
    try:
        reads = staff_reads(session, certno=citizen.id_number)
    except NotFound as exc:
        error = exc.detail
    response = templates.TemplateResponse(request, "insurance/archive_reads.html", {"reads": reads, "error": error})
    response.headers["Cache-Control"] = "no-store"
    return response
