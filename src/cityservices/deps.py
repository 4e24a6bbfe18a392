"""Annotated dependency aliases for routes. A route without an auth alias is public."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.types import Scope

from cityservices.auth.reauth import require_recent_reauth
from cityservices.auth.scopes import require_admin, require_editor
from cityservices.auth.service import SignedIn, resolve_session
from cityservices.db import session_scope
from cityservices.errors import Busy, Forbidden, RequestInvalid, Unauthenticated
from cityservices.kit.pagination import (
    DEFAULT_LIMIT,
    MAX_CURSOR_CHARS,
    MAX_LIMIT,
    MAX_OFFSET,
    PageRequest,
    decode_cursor,
)
from cityservices.platform.domains import Domains, ScopeKind
from cityservices.platform.runtime import Runtime
from cityservices.platform.security import CSRF_HEADER, SESSION_COOKIE, SecurityConfig, make_csrf_token


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: commit on success, roll back on error (``db.session_scope``)."""
    try:
        with session_scope(get_runtime(request).sessions) as session:
            yield session
    except OperationalError as exc:  # SQLite: still locked by other writers after the busy timeout
        if "database is locked" not in str(exc):
            raise
        raise Busy("系统繁忙，请稍后重试") from exc


# scope="function": the transaction commits before the response is sent, so an acknowledged write is stored.
DbSession = Annotated[Session, Depends(get_session, scope="function")]
CurrentRuntime = Annotated[Runtime, Depends(get_runtime)]


def get_scope_kinds(request: Request) -> dict[str, ScopeKind]:
    """The scope kinds the installed domains declare (an account's scopes must be of these kinds)."""
    domains: Domains = request.app.state.domains
    return domains.scopes


ScopeKinds = Annotated[dict[str, ScopeKind], Depends(get_scope_kinds)]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


async def form_values(request: Request) -> dict[str, str]:
    """The text fields of a submitted form whose fields are not known in advance (named after a record's)."""
    form = await request.form()
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


FormValues = Annotated[dict[str, str], Depends(form_values)]


def get_signed_in(request: Request, session: DbSession) -> SignedIn:
    """The staff member of the request's session cookie; 401 (pages: a redirect to sign in) without one."""
    security: SecurityConfig = request.app.state.security
    if not request.url.path.startswith(security.staff_prefixes):  # CSRF protection covers only these paths
        raise Forbidden("工作人员身份只在工作人员页面与接口下有效")
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthenticated("请先登录")
    settings = get_runtime(request).settings
    signed_in = resolve_session(session, token=token, ip=client_ip(request), settings=settings)
    if signed_in is None:
        raise Unauthenticated("登录已过期，请重新登录")
    return signed_in


def staff_session_is_live(scope: Scope, token: str) -> bool:
    """Whether ``token`` names a live staff session (``platform.limits`` asks before reading a staff write's body)."""
    runtime: Runtime = scope["app"].state.runtime
    client = scope.get("client")
    with session_scope(runtime.sessions) as session:
        found = resolve_session(session, token=token, ip=client[0] if client else None, settings=runtime.settings)
        return found is not None


def get_editor(staff: Annotated[SignedIn, Depends(get_signed_in)]) -> SignedIn:
    require_editor(staff.account)
    return staff


def get_admin(staff: Annotated[SignedIn, Depends(get_signed_in)], request: Request) -> SignedIn:
    """An administrator; with ``admin_totp_required``, only one who signs in with a second factor."""
    require_admin(staff.account)
    if get_runtime(request).settings.admin_totp_required and not staff.account.totp_enabled:
        raise Forbidden("管理员须先启用动态验证码 (POST /api/staff/me/totp)")
    return staff


def _require_csrf_header(request: Request) -> None:
    """A GET that reads personal data in full (and is audited) must also carry the session's ``X-CSRF-Token``
    header, which an ``<img>``, a link or another site's page cannot send: a planted URL cannot make a colleague's
    browser read (and audit) personal data in their name."""
    security: SecurityConfig = request.app.state.security
    token = request.cookies.get(SESSION_COOKIE, "")
    submitted = request.headers.get(CSRF_HEADER, "")
    if not submitted or not hmac.compare_digest(submitted.encode(), make_csrf_token(security.secret, token).encode()):
        raise Forbidden("读取完整个人信息需要请求头 X-CSRF-Token")


def get_audited_editor(staff: Annotated[SignedIn, Depends(get_editor)], request: Request) -> SignedIn:
    _require_csrf_header(request)
    require_recent_reauth(staff, get_runtime(request).settings)  # personal data in full: credentials given lately
    return staff


def get_audited_admin(staff: Annotated[SignedIn, Depends(get_admin)], request: Request) -> SignedIn:
    _require_csrf_header(request)
    require_recent_reauth(staff, get_runtime(request).settings)
    return staff


# Staff routes: any signed-in staff member (viewers included), editors and admins, admins only.
CurrentStaff = Annotated[SignedIn, Depends(get_signed_in)]
RequireEditor = Annotated[SignedIn, Depends(get_editor)]
RequireAdmin = Annotated[SignedIn, Depends(get_admin)]
# Audited GET reads of personal data: editors / admins, the X-CSRF-Token header, a recent re-authentication.
AuditedEditor = Annotated[SignedIn, Depends(get_audited_editor)]
AuditedAdmin = Annotated[SignedIn, Depends(get_audited_admin)]


def page_params(scope: str, *, arity: int = 1) -> Callable[..., PageRequest]:
    """A dependency reading ``limit`` and ``offset`` or ``cursor`` of the list called ``scope`` (kit.pagination).

    Use as ``Annotated[PageRequest, Depends(page_params("venues"))]``. A cursor of another list, an edited
    cursor, or a cursor together with an offset is a 422 naming ``cursor``."""

    def read_page(
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数 (1–500)")] = DEFAULT_LIMIT,
        offset: Annotated[
            int | None, Query(ge=0, le=MAX_OFFSET, description="跳过的条数 (缺省 0)；不能与 cursor 同时使用")
        ] = None,
        cursor: Annotated[
            str | None, Query(min_length=1, max_length=MAX_CURSOR_CHARS, description="上一页返回的 next_cursor")
        ] = None,
    ) -> PageRequest:
        if cursor is None:
            return PageRequest(limit=limit, offset=offset or 0)
        if offset is not None:
            raise RequestInvalid("cursor", "cursor 与 offset 不能同时使用")
        return PageRequest(limit=limit, after=decode_cursor(cursor, scope=scope, arity=arity))  # CursorError: 422

    return read_page
