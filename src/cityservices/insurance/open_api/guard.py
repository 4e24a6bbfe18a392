"""The FastAPI side of a signed call: ``Depends(signed("operation"))`` verifies the request headers and body
(in a transaction of its own, so that the nonce and the audit row of a refusal are kept), and ``answer`` builds
the signed JSON response, replaying or storing the answer of a write under its ``Idempotency-Key``.

Headers: ``X-Open-App-Id``, ``X-Open-Serial``, ``X-Open-Signature-Type``, ``X-Open-Timestamp``,
``X-Open-Nonce``, ``X-Open-Signature``; writes also ``Idempotency-Key``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from cityservices.db import session_scope
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api.models import OpenApp
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.ratelimit import RateLimiter
from cityservices.platform.security import load_secret

HEADERS = ("X-Open-App-Id", "X-Open-Serial", "X-Open-Signature-Type", "X-Open-Timestamp", "X-Open-Nonce")
MAX_BODY = 1_000_000


@dataclass(frozen=True)
class OpenCall:
    """A verified call: who (app, enterprise), what (operation) and the request's body as signed."""

    verified: open_api.VerifiedCall
    emp_no: str
    path_query: str
    body: bytes
    idempotency_key: str | None
    platform_secret: bytes

    @property
    def actor(self) -> Actor:
        return Actor(id=None, name=f"app:{self.verified.app.app_id}")


def _path_query(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def audit_call(session: Session, app_id: str, operation: str, outcome: str, subject: str | None = None) -> None:
    record_audit(
        session,
        actor=Actor(id=None, name=f"app:{app_id[:32]}"),
        action=f"open.{operation}",
        target_kind="open_call",
        target_key=subject,
        detail={"outcome": outcome},
    )


def signed(operation: str) -> Callable[..., Awaitable[OpenCall]]:
    """The dependency of a route under ``/api/open/v1``: the call verified for ``operation``, or an error with
    its code (the refusal audited)."""

    async def dependency(
        request: Request,
        _app_id: Annotated[str, Header(alias="X-Open-App-Id", description="应用编号")] = "",
        _serial: Annotated[str, Header(alias="X-Open-Serial", description="密钥序列号")] = "",
        _profile: Annotated[
            str, Header(alias="X-Open-Signature-Type", description="HMAC-SM3 / HMAC-SHA256 / SM2-SM3 / RSA-SHA256")
        ] = "",
        _timestamp: Annotated[str, Header(alias="X-Open-Timestamp", description="Unix 秒，±300 秒")] = "",
        _nonce: Annotated[str, Header(alias="X-Open-Nonce", description="8–64 位字母或数字，只用一次")] = "",
        _signature: Annotated[str, Header(alias="X-Open-Signature", description="签名（base64）")] = "",
        _idempotency: Annotated[str, Header(alias="Idempotency-Key", description="写操作的幂等键")] = "",
    ) -> OpenCall:
        # The headers are declared for the OpenAPI document; they are read (and checked) below.
        length = request.headers.get("content-length")
        too_large = length is not None and (not length.isdigit() or int(length) > MAX_BODY)
        body = b"" if too_large else await request.body()
        check = functools.partial(_check, request, operation, body, too_large or len(body) > MAX_BODY)
        return await run_in_threadpool(check)  # database work and SM2 arithmetic off the event loop

    return dependency


def _check(request: Request, operation: str, body: bytes, too_large: bool) -> OpenCall:
    runtime = request.app.state.runtime
    secret = load_secret(runtime.settings)
    values = {name: request.headers.get(name, "") for name in (*HEADERS, "X-Open-Signature")}
    app_id = values["X-Open-App-Id"]
    missing = [name for name, value in values.items() if not value]
    now = utc_now()
    with session_scope(runtime.sessions) as session:
        if too_large:
            error = open_api.OpenApiError(413, "body_too_large", "请求体超过 1 MB")
        elif missing:
            error = open_api.OpenApiError(401, "missing_header", f"缺少请求头：{', '.join(missing)}")
        else:
            signed_request = open_api.SignedRequest(
                app_id=app_id,
                serial=values["X-Open-Serial"],
                profile=values["X-Open-Signature-Type"],
                timestamp=values["X-Open-Timestamp"],
                nonce=values["X-Open-Nonce"],
                signature=values["X-Open-Signature"],
                method=request.method,
                path_query=_path_query(request),
                body=body,
            )
            try:
                verified = open_api.verify(
                    session, signed_request, operation=operation, platform_secret=secret, now=now
                )
                _within_rate_limit(request, verified.app)
            except open_api.OpenApiError as exc:
                error = exc
            else:
                return OpenCall(
                    verified=verified,
                    emp_no=verified.app.emp_no,
                    path_query=signed_request.path_query,
                    body=body,
                    idempotency_key=request.headers.get("Idempotency-Key"),
                    platform_secret=secret,
                )
        audit_call(session, app_id or "-", operation, error.code)
    raise error


def _within_rate_limit(request: Request, app: OpenApp) -> None:
    """Per-app calls a minute (counted only for correctly signed calls, so nobody else can use up an app's quota)."""
    limiter: RateLimiter = request.app.state.security.limiter
    decision = limiter.hit("open_app", app.app_id, limit=app.rate_limit_per_minute, window=60)
    if not decision.allowed:
        detail = f"本应用每分钟最多调用 {app.rate_limit_per_minute} 次，请 {decision.retry_after} 秒后重试"
        raise open_api.OpenApiError(429, "rate_limited", detail)


def answer(call: OpenCall, payload: Any, status: int = 200) -> Response:
    """The JSON answer, signed."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    headers = open_api.sign_response(
        call.verified,
        status=status,
        path_query=call.path_query,
        body=body,
        platform_secret=call.platform_secret,
        now=utc_now(),
    )
    headers["Cache-Control"] = "no-store"
    return Response(content=body, status_code=status, media_type="application/json", headers=headers)


def idempotent(session: Session, call: OpenCall, write: Callable[[], tuple[int, dict[str, Any]]]) -> Response:
    """Run a write once per ``Idempotency-Key``: the same key and body get the stored answer, another body 409."""
    if not call.idempotency_key:
        raise open_api.OpenApiError(422, "missing_idempotency_key", "Idempotency-Key: 写操作必须提供")
    now = utc_now()
    stored = open_api.stored_answer(session, call.verified, call.idempotency_key, call.body, now)
    if stored is not None:
        return answer(call, stored[1], stored[0])
    status, payload = write()
    open_api.store_answer(session, call.verified, call.idempotency_key, call.body, status, payload, now)
    return answer(call, payload, status)
