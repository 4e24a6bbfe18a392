"""Annotated dependency aliases for routes. A route without an auth alias is public."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from cityservices.errors import Forbidden, Unauthenticated
from cityservices.runtime import Runtime
from cityservices.security import SESSION_COOKIE, STAFF_PREFIXES
from cityservices.staff.accounts import SignedIn, resolve_session
from cityservices.staff.scope import require_admin, require_editor


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: commit on success, roll back on error."""
    session = get_runtime(request).sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": the transaction commits before the response is sent, so an acknowledged write is stored.
DbSession = Annotated[Session, Depends(get_session, scope="function")]
CurrentRuntime = Annotated[Runtime, Depends(get_runtime)]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def get_signed_in(request: Request, session: DbSession) -> SignedIn:
    """The staff member of the request's session cookie; 401 (pages: a redirect to sign in) without one."""
    if not request.url.path.startswith(STAFF_PREFIXES):  # CSRF protection covers only these paths
        raise Forbidden("工作人员身份只在 /staff 与 /api/staff 下有效")
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthenticated("请先登录")
    settings = get_runtime(request).settings
    signed_in = resolve_session(session, token=token, ip=client_ip(request), settings=settings)
    if signed_in is None:
        raise Unauthenticated("登录已过期，请重新登录")
    return signed_in


def get_editor(staff: Annotated[SignedIn, Depends(get_signed_in)]) -> SignedIn:
    require_editor(staff.account)
    return staff


def get_admin(staff: Annotated[SignedIn, Depends(get_signed_in)]) -> SignedIn:
    require_admin(staff.account)
    return staff


# Staff routes: any signed-in staff member (viewers included), editors and admins, admins only.
CurrentStaff = Annotated[SignedIn, Depends(get_signed_in)]
RequireEditor = Annotated[SignedIn, Depends(get_editor)]
RequireAdmin = Annotated[SignedIn, Depends(get_admin)]
