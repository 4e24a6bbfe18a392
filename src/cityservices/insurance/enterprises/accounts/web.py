"""The enterprise session in routes: the cookie and the ``CurrentEnterprise`` dependency. Unsafe requests of a
signed-in representative must carry the session's ``X-CSRF-Token``."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Response

from cityservices.config import Settings
from cityservices.deps import DbSession, client_ip, get_runtime
from cityservices.errors import Forbidden, Unauthenticated
from cityservices.insurance.enterprises.accounts.service import SignedInEnterprise, csrf_token, resolve_session
from cityservices.platform.security import CSRF_HEADER, SecurityConfig

ENTERPRISE_COOKIE = "cs_enterprise"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def set_enterprise_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(ENTERPRISE_COOKIE, token, max_age=settings.session_max_hours * 3600, path="/",
                        httponly=True, secure=settings.cookie_secure, samesite="strict")  # fmt: skip


def csrf_for_enterprise(request: Request) -> str:
    security: SecurityConfig = request.app.state.security
    token = request.cookies.get(ENTERPRISE_COOKIE)
    return csrf_token(security.secret, token) if token else ""


def optional_enterprise(request: Request, session: DbSession) -> SignedInEnterprise | None:
    token = request.cookies.get(ENTERPRISE_COOKIE)
    if not token or len(token) > 100:
        return None
    return resolve_session(session, token=token, ip=client_ip(request), settings=get_runtime(request).settings)


def current_enterprise(
    request: Request, signed_in: Annotated[SignedInEnterprise | None, Depends(optional_enterprise)]
) -> SignedInEnterprise:
    """The signed-in representative; 401 without one; 403 on an unsafe request without the CSRF header."""
    if signed_in is None:
        raise Unauthenticated("请先用单位账户登录")
    if request.method not in SAFE_METHODS:
        submitted = request.headers.get(CSRF_HEADER, "")
        if not submitted or not hmac.compare_digest(submitted.encode(), csrf_for_enterprise(request).encode()):
            raise Forbidden("安全校验失败，请刷新页面后重试")
    return signed_in


CurrentEnterprise = Annotated[SignedInEnterprise, Depends(current_enterprise)]
OptionalEnterprise = Annotated[SignedInEnterprise | None, Depends(optional_enterprise)]
