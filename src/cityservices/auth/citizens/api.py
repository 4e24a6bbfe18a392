"""Citizen sign-in API (``/api/v1/citizen``): sign in with the ID number and password, the signed-in citizen,
sign out; registration and password reset with a one-time code sent to the phone. A citizen session is separate
from staff sessions (its own cookie and table)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from cityservices.auth.citizens.models import CitizenAccount
from cityservices.auth.citizens.registration import (
    CodeSent,
    register_citizen,
    request_registration_code,
    request_reset_code,
    reset_password,
)
from cityservices.auth.citizens.schemas import (
    CitizenRead,
    CitizenSignedIn,
    CitizenSignIn,
    CodeSentRead,
    PasswordReset,
    Registration,
    RegistrationCodeRequest,
    ResetCodeRequest,
)
from cityservices.auth.citizens.service import (
    CitizenSignInResult,
    citizen_csrf_token,
    end_citizen_session,
    sign_in_citizen,
)
from cityservices.auth.citizens.web import (
    CITIZEN_COOKIE,
    CurrentCitizen,
    citizen_keys,
    identity_checks,
    message_sender,
    set_citizen_cookie,
)
from cityservices.config import Settings
from cityservices.deps import CurrentRuntime, DbSession, client_ip
from cityservices.errors import error_responses

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
    return _signed_in(request, result, runtime.settings)


def _signed_in(request: Request, result: CitizenSignInResult, settings: Settings, status: int = 200) -> Response:
    """The new session's cookie and CSRF token (no-store)."""
    assert result.account is not None
    assert result.token is not None
    secret: bytes = request.app.state.security.secret
    read = CitizenSignedIn(citizen=citizen_read(result.account), csrf_token=citizen_csrf_token(secret, result.token))
    response = JSONResponse(read.model_dump(), status_code=status, headers={"Cache-Control": "no-store"})
    set_citizen_cookie(response, result.token, settings)
    return response


def _code_sent(sent: CodeSent, response: Response) -> CodeSentRead:
    response.headers["Cache-Control"] = "no-store"
    return CodeSentRead(phone_masked=sent.phone_masked, valid_minutes=sent.valid_minutes,
                        resend_seconds=sent.resend_seconds)  # fmt: skip


@router.post("/registration/code", response_model=CodeSentRead, responses=error_responses(409, 422, 429))
def registration_code(
    request: Request, response: Response, session: DbSession, body: RegistrationCodeRequest
) -> CodeSentRead:
    """Check the stated ID number and name and send a one-time code to the phone (limited per phone and
    address)."""
    sent = request_registration_code(session, id_number=body.id_number, name=body.name, phone=body.phone,
                                     ip=client_ip(request), keys=citizen_keys(request),
                                     sender=message_sender(request), checks=identity_checks(request))  # fmt: skip
    return _code_sent(sent, response)


@router.post("/registration", status_code=201, response_model=CitizenSignedIn, responses=error_responses(409, 422, 429))
def register(request: Request, session: DbSession, runtime: CurrentRuntime, body: Registration) -> Response:
    """Open a citizen account with the code sent to the phone; the citizen is signed in."""
    result = register_citizen(session, id_number=body.id_number, name=body.name, phone=body.phone, code=body.code,
                              password=body.password, ip=client_ip(request), settings=runtime.settings,
                              keys=citizen_keys(request), counters=runtime.sessions,
                              checks=identity_checks(request))  # fmt: skip
    return _signed_in(request, result, runtime.settings, status=201)


@router.post("/password-reset/code", response_model=CodeSentRead, responses=error_responses(422, 429))
def password_reset_code(
    request: Request, response: Response, session: DbSession, body: ResetCodeRequest
) -> CodeSentRead:
    """Send a one-time code to the phone the account was registered with; the same answer for an unknown pair."""
    sent = request_reset_code(session, id_number=body.id_number, phone=body.phone, ip=client_ip(request),
                              keys=citizen_keys(request), sender=message_sender(request))  # fmt: skip
    return _code_sent(sent, response)


@router.post("/password-reset", response_model=CitizenSignedIn, responses=error_responses(422, 429))
def password_reset(request: Request, session: DbSession, runtime: CurrentRuntime, body: PasswordReset) -> Response:
    """Set a new password with the code; every other session of the account ends; the citizen is signed in."""
    result = reset_password(session, id_number=body.id_number, phone=body.phone, code=body.code,
                            password=body.password, ip=client_ip(request), settings=runtime.settings,
                            keys=citizen_keys(request), counters=runtime.sessions)  # fmt: skip
    return _signed_in(request, result, runtime.settings)


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
