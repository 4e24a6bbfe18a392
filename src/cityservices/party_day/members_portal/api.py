"""``GET /api/v1/party/me``: the signed-in citizen's own Party records (401 without a citizen session)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from cityservices.auth.citizens.web import CurrentCitizen
from cityservices.deps import DbSession
from cityservices.errors import NotFound, error_responses
from cityservices.kit.audit import utc_now
from cityservices.party_day.members_portal import service
from cityservices.party_day.members_portal.schemas import MyParty
from cityservices.party_day.members_portal.service import NOT_A_MEMBER

router = APIRouter(prefix="/api/v1/party", tags=["party"])


@router.get("/me", response_model=MyParty, responses=error_responses(401, 404))
def my_party(session: DbSession, citizen: CurrentCitizen, response: Response) -> MyParty | JSONResponse:
    """The citizen's own branch, status, coming Party Days, attendance, study hours and dues (never cached)."""
    response.headers["Cache-Control"] = "no-store"
    found = service.my_party(session, id_number=citizen.id_number, actor=citizen.actor, now=utc_now())
    if found is None:  # answered without raising, so that the audit row of the look is kept
        error = NotFound(NOT_A_MEMBER)
        return JSONResponse(error.body(), status_code=error.status_code, headers={"Cache-Control": "no-store"})
    return found
