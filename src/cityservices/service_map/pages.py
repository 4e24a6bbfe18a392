"""Server-rendered pages of the service map."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from cityservices.deps import DbSession
from cityservices.service_map import repository as repo
from cityservices.service_map.service import collect_stats
from cityservices.templating import templates

router = APIRouter(tags=["pages"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, session: DbSession) -> HTMLResponse:
    stats = collect_stats(session)
    venues, _ = repo.list_venues(session, level=None, limit=1000, offset=0)
    context = {"stats": stats, "venues": venues}
    return templates.TemplateResponse(request, "home.html", context)
