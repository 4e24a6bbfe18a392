"""``/party/me``: the signed-in citizen's own Party records on a phone page (sign-in first without a session)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cityservices.auth.citizens.web import OptionalCitizen
from cityservices.deps import DbSession
from cityservices.kit.audit import utc_now
from cityservices.kit.calendar import CHINA_TZ
from cityservices.party_day.members_portal import service
from cityservices.platform.templating import templates

router = APIRouter(tags=["party pages"], include_in_schema=False)


@router.get("/party/me", response_class=HTMLResponse)
def my_party_page(request: Request, session: DbSession, citizen: OptionalCitizen) -> Response:
    if citizen is None:
        return RedirectResponse("/citizen/login?next=/party/me", status_code=303)
    found = service.my_party(session, id_number=citizen.id_number, actor=citizen.actor, now=utc_now())
    context = {"me": found, "not_member": service.NOT_A_MEMBER, "tz": CHINA_TZ}
    response = templates.TemplateResponse(request, "party_day/me.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response
