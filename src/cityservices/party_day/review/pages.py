"""The public page of the city's selected Party Day cases (``/party/cases``): branches, themes, contents and
scores; never people."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cityservices.deps import DbSession
from cityservices.party_day.compliance.rules import BEIJING
from cityservices.party_day.review import cases
from cityservices.platform.templating import templates

router = APIRouter(prefix="/party", tags=["party pages"], include_in_schema=False)


@router.get("/cases", response_class=HTMLResponse)
def selected_cases(request: Request, session: DbSession,
                   year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> HTMLResponse:  # fmt: skip
    shown = year or dt.datetime.now(BEIJING).year
    context = {"staff": None, "year": shown, "cases": cases.selected(session, year=shown)}
    return templates.TemplateResponse(request, "party_day/cases.html", context)
