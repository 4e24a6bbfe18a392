"""Citizen sign-in API (``/api/v1/citizen``): sign in with the ID number and password, the signed-in citizen,
sign out. A citizen session is separate from staff sessions (its own cookie and table)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from cityservices.auth.citizens.models import CitizenAccount
from cityservices.auth.citizens.schemas import CitizenRead, CitizenSignedIn, CitizenSignIn
from cityservices.auth.citizens.service import citizen_csrf_token, end_citizen_session, sign_in_citizen
from cityservices.auth.citizens.web import CITIZEN_COOKIE, CurrentCitizen, citizen_keys, set_citizen_cookie
from cityservices.deps import CurrentRuntime, DbSession, client_ip

router = APIRouter(prefix="/api/v1/citizen", tags=["citizen"])


def citizen_read(account: CitizenAccount) -> CitizenRead:
    return CitizenRead(id_masked=account.id_masked, name_masked=account.name_masked, demo=account.demo)


@router.post(
    "/login", response_model=CitizenSignedIn, responses={401: {"description": "身份证号码或密码错误，或已锁定"}}
)
def login(request: Request, session: DbSession, runtime: CurrentRuntime, body: CitizenSignIn) -> Response:
    """Sign in: a new citizen session cookie and the CSRF token for later unsafe requests."""
    keys = citizen_keys(request)
    result = sign_in_citizen(session, id_number=body.id_number, password=body.password, ip=client_ip(request),
                             settings=runtime.settings, keys=keys, counters=runtime.sessions,
                             previous_token=request.cookies.get(CITIZEN_COOKIE))  # fmt: skip
    if result.account is None or result.token is None:
        return JSONResponse({"error": "unauthenticated", "detail": result.error}, status_code=401)
    secret: bytes = request.app.state.security.secret
    read = CitizenSignedIn(citizen=citizen_read(result.account), csrf_token=citizen_csrf_token(secret, result.token))
    response = JSONResponse(read.model_dump())
    set_citizen_cookie(response, result.token, runtime.settings)
    return response


@router.get("/me", response_model=CitizenRead, responses={401: {"description": "未登录"}})
def read_me(citizen: CurrentCitizen, response: Response) -> CitizenRead:
    """The signed-in citizen (ID number and name masked)."""
    response.headers["Cache-Control"] = "no-store"
    return citizen_read(citizen.account)


@router.post("/logout", status_code=204, responses={401: {"description": "未登录"}})
def logout(session: DbSession, citizen: CurrentCitizen) -> Response:
    """End the citizen session (needs ``X-CSRF-Token``)."""
    end_citizen_session(session, citizen=citizen)
    response = Response(status_code=204)
    response.delete_cookie(CITIZEN_COOKIE, path="/")
    return response
