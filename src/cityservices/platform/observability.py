"""Request observation, one pure ASGI middleware (outermost): ``X-Request-ID``, a JSON access log line per
request on the logger ``cityservices.access``, and the Prometheus request metrics (``cityservices.platform.metrics``).

Phone and ID numbers are masked in the access log line as in every other log record of the process
(``kit.masking``: a query string such as ``?phone=13812345678`` is logged as ``138****5678``; ``138-1234-5678``,
``%2B86%20138…`` and the other written forms too). The parts of the line that come from outside (path, query,
client address, request id) are masked one by one before the line is put together, and the line is handed to the
record factory as ``MaskedText``, so the whole line is not scanned a second time. A query string is masked, then
cut to ``MAX_LOGGED_QUERY`` characters.
Metrics are labelled by the route's template (``/api/v1/venues/{venue_id}``), never by the raw path, so their
number stays bounded whatever clients send.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import os
import re
import secrets
import time
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cityservices.kit.masking import MaskedText, mask_text
from cityservices.platform import metrics

ACCESS_LOGGER = "cityservices.access"
REQUEST_ID_HEADER = "x-request-id"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
_ROUTE_CACHE_MAX = 4096
MAX_LOGGED_QUERY = 1024

access_log = logging.getLogger(ACCESS_LOGGER)


class ObservabilityMiddleware:
    """Times every HTTP request, gives it a request id, logs it and counts it."""

    def __init__(self, app: ASGIApp, *, log_requests: bool = True, count_requests: bool = True) -> None:
        self.app = app
        self.log_requests = log_requests
        self.count_requests = count_requests
        self._routes: dict[str, str] = {}  # raw path → route template, for answers given before routing
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._pid = os.getpid()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        root_path: str = scope.get("root_path", "")  # routing changes it on the way in (mounts)
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        answer = {"status": 500, "bytes": 0}

        async def observed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            elif message["type"] == "http.response.body":
                answer["bytes"] += len(message.get("body", b""))
            await send(message)

        if self.count_requests:
            metrics.IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, observed_send)
        finally:
            seconds = time.perf_counter() - started
            route = self._route(scope, root_path)
            if self.count_requests:
                metrics.IN_FLIGHT.dec()
                counter, latency = self._series(scope["method"], route, answer["status"])
                counter.inc()
                latency.observe(seconds)
            if self.log_requests and access_log.isEnabledFor(logging.INFO):
                _log(self._line(scope, request_id, route, answer, seconds))

    def _series(self, method: str, route: str, status: int) -> tuple[Any, Any]:
        """The request counter and latency histogram of these labels (looked up once, then kept)."""
        key = (method if method in METHODS else "OTHER", route, status)  # bounded: routes and statuses are
        found = self._children.get(key)
        if found is None:
            labels = (key[0], route, str(status))
            found = self._children[key] = (metrics.REQUESTS.labels(*labels), metrics.LATENCY.labels(*labels))
        return found

    def _line(self, scope: Scope, request_id: str, route: str, answer: dict[str, int], seconds: float) -> str:
        client = scope.get("client")
        entry: dict[str, Any] = {
            "time": _now_iso(),
            "method": scope["method"],
            "path": mask_text(scope["path"]),
            "query": _logged_query(scope.get("query_string", b"")),
            "route": route,
            "status": answer["status"],
            "duration_ms": round(seconds * 1000, 2),
            "bytes": answer["bytes"],
            "client": mask_text(str(client[0])) if client else None,
            "request_id": mask_text(request_id),
            "pid": self._pid,
        }
        return MaskedText(json.dumps(entry, ensure_ascii=False))

    def _route(self, scope: Scope, root_path: str) -> str:
        """The matched route's template. Requests answered before routing (cached answers, refusals) get the
        template their path had when it was last routed, or are matched here against the app's routes;
        both are remembered per path in a bounded table."""
        path: str = scope["path"]
        route = scope.get("route")
        known = _template(route) if route is not None else self._routes.get(path)
        if known is None:
            known = _match(scope.get("app"), scope["method"], path, root_path)
        if self._routes.get(path) != known:
            if len(self._routes) >= _ROUTE_CACHE_MAX:
                self._routes.clear()
            self._routes[path] = known
        return known


def _log(line: str) -> None:
    """``access_log.info(line)`` without looking up the caller's file and line (a walk up the stack, for every
    request; the access log's format never shows them). The record is made by the process's record factory as
    any other; ``kit.masking``'s leaves the line as it is, its parts having been masked (``MaskedText``)."""
    access_log.handle(access_log.makeRecord(ACCESS_LOGGER, logging.INFO, __file__, 0, line, (), None))


_second: tuple[int, str] = (-1, "")  # the last whole second formatted, and its text (replaced whole)


def _now_iso() -> str:
    """The time now in UTC, ISO 8601 to the millisecond (``2026-12-07T20:07:01.123+00:00``); the part up to the
    second is formatted once per second."""
    global _second
    now = time.time()
    second, text = _second
    if second != int(now):
        second = int(now)
        text = dt.datetime.fromtimestamp(second, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
        _second = (second, text)
    return f"{text}.{int((now - second) * 1000):03d}+00:00"


def _logged_query(raw: bytes) -> str:
    """The query string as logged: masked first (phone and ID numbers in any written form), then cut to
    ``MAX_LOGGED_QUERY`` characters with the full length noted, so a 60 KB query cannot flood the log."""
    query = mask_text(raw.decode("latin-1"))
    if len(query) <= MAX_LOGGED_QUERY:
        return query
    return f"{query[:MAX_LOGGED_QUERY]}…[{len(raw)} bytes]"


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if _SANE_REQUEST_ID.match(text):
                return text
            break
    return secrets.token_urlsafe(12)  # base64url: no long digit runs for the log masking to mistake


def _template(route: Any) -> str:
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return UNMATCHED
    return f"{path}/{{path}}" if isinstance(route, Mount) else path


def _match(app: Any, method: str, path: str, root_path: str) -> str:
    probe = {"type": "http", "method": method, "path": path, "root_path": root_path}
    return _first_match(getattr(getattr(app, "router", None), "routes", ()), probe) or UNMATCHED


def _first_match(routes: Any, probe: Scope) -> str | None:
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's included routers
        if included is not None:
            found = _first_match(getattr(included, "routes", ()), probe)
        elif route.matches(probe)[0] != Match.NONE:
            found = _template(route)
        else:
            found = None
        if found is not None:
            return found
    return None


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's logging configuration plus our access log (one JSON line per request on stdout) and the
    ``cityservices`` loggers (stderr). ``serve`` turns uvicorn's own access log off."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["cityservices_access"] = {"format": "%(message)s"}
    config["handlers"]["cityservices_access"] = {
        "class": "logging.StreamHandler",
        "formatter": "cityservices_access",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["cityservices"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"][ACCESS_LOGGER] = {"handlers": ["cityservices_access"], "level": "INFO", "propagate": False}
    return config
