"""Request limits, one pure ASGI middleware placed before anything reads a request body.

- **Body size** on the bytes actually received, whatever the framing: a ``Content-Length`` above the limit is
  refused at once, and a chunked body is counted as it arrives and refused (413) as soon as it passes the limit,
  so no more than the limit is ever buffered, parsed or spooled. Uploads (``multipart/form-data``) may carry
  ``max_upload_bytes`` plus 1 MiB of form overhead; every other body ``max_body_bytes``.
- **Slow bodies**: a client that leaves more than ``body_read_timeout_seconds`` between two parts of its body is
  answered 408 (slow headers are cut by the server: ``platform.http_server``).
- **Staff writes are authenticated first**: an unsafe request (POST, PUT, PATCH, DELETE) to a staff path, other
  than a sign-in, without a live staff session is answered 401 (pages: a redirect to the sign-in page) before a
  byte of its body is read. ``check_session`` (given by the application) looks the session cookie up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cityservices.config import Settings
from cityservices.platform.headers import first_headers
from cityservices.platform.templating import templates

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_OVERHEAD_BYTES = 1024 * 1024
TOO_LARGE_DETAIL = "提交的内容过大"
TOO_SLOW_DETAIL = "提交内容的传输过慢，连接已超时"
SessionCheck = Callable[[Scope, str], bool]  # (request scope, session token) → is it a live staff session


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once a body passes its limit; rendered as 413 by the error handler (or here)."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail=TOO_LARGE_DETAIL)


class BodyTooSlow(HTTPException):
    """Raised from ``receive`` when the next part of a body does not come in time; rendered as 408."""

    def __init__(self) -> None:
        super().__init__(status_code=408, detail=TOO_SLOW_DETAIL)


def body_limit(settings: Settings, content_type: str) -> int:
    """The most bytes a request body with this content type may have."""
    if content_type.lower().startswith("multipart/form-data"):
        return settings.max_upload_bytes + FORM_OVERHEAD_BYTES
    return settings.max_body_bytes


class RequestLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        staff_prefixes: tuple[str, ...] = (),
        login_paths: frozenset[str] = frozenset(),
        session_cookie: str = "cs_session",
        check_session: SessionCheck | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.staff_prefixes = staff_prefixes
        self.login_paths = login_paths
        self.session_cookie = session_cookie
        self.check_session = check_session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type, length = (v or "" for v in first_headers(scope, b"content-type", b"content-length"))
        limit = body_limit(self.settings, content_type)
        if length.isdigit() and int(length) > limit:
            await _answer(Request(scope), 413, "too_large", TOO_LARGE_DETAIL)(scope, receive, send)
            return
        if scope["method"] in UNSAFE_METHODS and await self._unauthenticated_staff_write(Request(scope)):
            await _sign_in_first(Request(scope))(scope, receive, send)
            return
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, _counted(receive, limit, self.settings.body_read_timeout_seconds), tracked_send)
        except (BodyTooLarge, BodyTooSlow) as refused:
            if started:
                raise
            code = "too_large" if isinstance(refused, BodyTooLarge) else "timeout"
            await _answer(Request(scope), refused.status_code, code, refused.detail)(scope, receive, send)

    async def _unauthenticated_staff_write(self, request: Request) -> bool:
        path = request.url.path
        if request.method not in UNSAFE_METHODS or not path.startswith(self.staff_prefixes):
            return False
        if path in self.login_paths or self.check_session is None:
            return False
        token = request.cookies.get(self.session_cookie)
        if not token:
            return True
        return not await run_in_threadpool(self.check_session, request.scope, token)


def _counted(receive: Receive, limit: int, timeout: float) -> Callable[[], Awaitable[Message]]:
    received, complete = 0, False

    async def counted_receive() -> Message:
        nonlocal received, complete
        if complete:  # after the body: waiting for a disconnect may take as long as the answer does
            return await receive()
        try:
            message = await asyncio.wait_for(receive(), timeout)
        except TimeoutError:
            raise BodyTooSlow() from None
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge()
            complete = not message.get("more_body", False)
        return message

    return counted_receive


def _answer(request: Request, status: int, code: str, detail: str) -> Response:
    if request.url.path.startswith("/api"):
        return JSONResponse({"error": code, "detail": detail}, status_code=status, headers={"connection": "close"})
    context = {"status": status, "detail": detail}
    return templates.TemplateResponse(request, "error.html", context, status_code=status,
                                      headers={"connection": "close"})  # fmt: skip


def _sign_in_first(request: Request) -> Response:
    if request.url.path.startswith("/api"):
        return _answer(request, 401, "unauthenticated", "请先登录")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/staff/login?next={quote(target, safe='')}", status_code=303,
                            headers={"connection": "close"})  # fmt: skip
