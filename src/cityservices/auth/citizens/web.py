"""The citizen session in routes: the cookie, the ``current_citizen`` dependency (``CurrentCitizen``) and the
optional form for pages. Unsafe requests of a signed-in citizen must carry the session's ``X-CSRF-Token``."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Request, Response

from cityservices.auth.citizens.registration import IdentityCheck
from cityservices.auth.citizens.service import CitizenKeys, SignedInCitizen, citizen_csrf_token, resolve_citizen_session
from cityservices.config import Settings
from cityservices.deps import DbSession, client_ip, get_runtime
from cityservices.errors import Forbidden, Unauthenticated
from cityservices.kit.messaging import MessageSender, OutboxSender
from cityservices.platform.domains import Domains
from cityservices.platform.security import CSRF_HEADER, SecurityConfig

CITIZEN_COOKIE = "cs_citizen"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def citizen_keys(request: Request) -> CitizenKeys:
    security: SecurityConfig = request.app.state.security
    return CitizenKeys.from_secret(security.secret)


def set_citizen_cookie(response: Response, token: str, settings: Settings) -> None:
    """HttpOnly and SameSite=Strict (another site's link or form never carries it), Secure unless turned off."""
    response.set_cookie(CITIZEN_COOKIE, token, max_age=settings.session_max_hours * 3600, path="/", httponly=True,
                        secure=settings.cookie_secure, samesite="strict")  # fmt: skip


def csrf_for_citizen(request: Request) -> str:
    """The ``X-CSRF-Token`` value of this request's citizen session ("" without one)."""
    security: SecurityConfig = request.app.state.security
    token = request.cookies.get(CITIZEN_COOKIE)
    return citizen_csrf_token(security.secret, token) if token else ""


def optional_citizen(request: Request, session: DbSession) -> SignedInCitizen | None:
    """The signed-in citizen, or None (pages offer the sign-in instead)."""
    token = request.cookies.get(CITIZEN_COOKIE)
    if not token or len(token) > 100:
        return None
    settings = get_runtime(request).settings
    return resolve_citizen_session(session, token=token, ip=client_ip(request), settings=settings,
                                   keys=citizen_keys(request))  # fmt: skip


def current_citizen(
    request: Request, citizen: Annotated[SignedInCitizen | None, Depends(optional_citizen)]
) -> SignedInCitizen:
    """The signed-in citizen of the request; 401 without one; 403 on an unsafe request without the CSRF header."""
    if citizen is None:
        raise Unauthenticated("请先用身份证号码登录")
    if request.method not in SAFE_METHODS:
        submitted = request.headers.get(CSRF_HEADER, "")
        if not submitted or not hmac.compare_digest(submitted.encode(), csrf_for_citizen(request).encode()):
            raise Forbidden("安全校验失败，请刷新页面后重试")
    return citizen


CurrentCitizen = Annotated[SignedInCitizen, Depends(current_citizen)]
OptionalCitizen = Annotated[SignedInCitizen | None, Depends(optional_citizen)]


def message_sender(request: Request) -> MessageSender:
    """The application's message sender (``app.state.message_sender``), the outbox unless another is installed."""
    sender: MessageSender | None = getattr(request.app.state, "message_sender", None)
    return sender if sender is not None else OutboxSender()


def identity_checks(request: Request) -> Sequence[IdentityCheck]:
    """Every installed domain's check of a registering citizen's stated identity."""
    domains: Domains = request.app.state.domains
    return domains.identity_checks
