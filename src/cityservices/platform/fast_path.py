"""A direct path to a few public read routes: their usual requests answered without FastAPI's routing, dependency
resolution and request handling, inside the same middlewares.

FastAPI matches a request against the app's routes in order (the public read routes come after dozens of
others), resolves each route's dependencies and validates its parameters through pydantic: about a quarter of the
CPU of a computed answer (docs/benchmarks.md, "Per-request layers"). For the handful of routes that carry the
public read load, a domain registers a *fast answer* next to the route (``FastPaths.add``): a function that reads
the route's few parameters from the query string itself and returns the answer's JSON bytes, or ``None`` for
anything it does not fully understand. ``None`` — and any exception — passes the request on to the app's router
unchanged, so FastAPI answers it exactly as before: every error (422 with its field messages, 404, 409) and every
unusual request is FastAPI's own answer. Only ``GET`` takes this path.

``FastPathMiddleware`` is the innermost middleware: the answer cache, ETags and 304s, gzip, request limits,
security headers, the access log and the metrics see a fast answer exactly as they see the route's. It sets
``scope["route"]`` to the route it stands in for (the answer cache keeps only answers of routes declared
``cacheable``, and the metrics are labelled by the route's template), and sends the same head a returned
``EncodedJSON`` gets: status 200, ``content-length``, ``content-type: application/json``. The routes stay
registered, so the OpenAPI document does not change. ``tests/service_map/test_fast_paths.py`` compares the two
paths.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

# (the app, the path parameter or "" for a route without one, the query's arguments) → the JSON body, or None
FastAnswer = Callable[[Any, str, dict[str, str]], Awaitable[bytes | None]]

JSON_HEAD = b"application/json"
_PARAMETER = re.compile(r"\{[^}/]+\}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_INTEGER = re.compile(r"[1-9][0-9]{0,5}")
_DECIMAL = re.compile(r"-?[0-9]{1,3}(\.[0-9]{1,15})?")


@dataclass(frozen=True)
class FastRoute:
    route: Any  # the app's route it stands in for (an APIRoute: ``path`` and ``endpoint``)
    prefix: str
    suffix: str  # after the path parameter ("" when the route has none or it ends the path)
    has_parameter: bool
    answer: FastAnswer

    def parameter(self, path: str) -> str | None:
        """The path parameter of ``path`` ("" when the route has none), or None when ``path`` is not this route's."""
        if not self.has_parameter:
            return "" if path == self.prefix else None
        if not (path.startswith(self.prefix) and path.endswith(self.suffix)):
            return None
        value = path[len(self.prefix) : len(path) - len(self.suffix)]
        return value if value and "/" not in value else None  # Starlette's ``{name}``: one non-empty segment


class FastPaths:
    """The app's fast answers, by route (kept on ``app.state.fast_paths``; domains add theirs when installed)."""

    def __init__(self) -> None:
        self.exact: dict[str, FastRoute] = {}
        self.templated: list[FastRoute] = []
        self.served = 0  # answers sent by this path (the rest went on to the router)

    def add(self, route: Any, answer: FastAnswer) -> None:
        """Answer ``route``'s usual requests with ``answer``. The route's path has at most one parameter, a whole
        segment (``/api/v1/items/{code}/guide``)."""
        path: str = route.path
        parameters = _PARAMETER.findall(path)
        if len(parameters) > 1:
            raise ValueError(f"a fast path takes at most one path parameter: {path}")
        if not parameters:
            self.exact[path] = FastRoute(route, path, "", False, answer)
            return
        prefix, suffix = _PARAMETER.split(path)
        if not prefix.endswith("/") or (suffix and not suffix.startswith("/")):
            raise ValueError(f"a fast path's parameter is a whole segment: {path}")
        self.templated.append(FastRoute(route, prefix, suffix, True, answer))

    def clear(self) -> None:
        """Send every request to the router (to compare the two paths)."""
        self.exact.clear()
        self.templated.clear()

    def find(self, path: str) -> tuple[FastRoute, str] | None:
        found = self.exact.get(path)
        if found is not None:
            return found, ""
        for fast in self.templated:
            value = fast.parameter(path)
            if value is not None:
                return fast, value
        return None


def fast_paths(app: Any) -> FastPaths:
    """The app's fast answers (made on first use)."""
    paths: FastPaths | None = getattr(app.state, "fast_paths", None)
    if paths is None:
        paths = app.state.fast_paths = FastPaths()
    return paths


class FastPathMiddleware:
    """Pure ASGI, innermost: a ``GET`` of a registered route is answered by its fast answer when that gives one;
    everything else goes on to the app's router as it came."""

    def __init__(self, app: ASGIApp, *, paths: FastPaths) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            found = self.paths.find(scope["path"])
            if found is not None:
                body = await _answer(found[0], scope, found[1])
                if body is not None:
                    scope["route"], scope["endpoint"] = found[0].route, found[0].route.endpoint
                    self.paths.served += 1
                    head = [(b"content-length", b"%d" % len(body)), (b"content-type", JSON_HEAD)]
                    await send({"type": "http.response.start", "status": 200, "headers": head})
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)


async def _answer(fast: FastRoute, scope: Scope, parameter: str) -> bytes | None:
    args = query_args(scope.get("query_string", b""))
    if args is None:
        return None
    try:
        return await fast.answer(scope["app"], parameter, args)
    except Exception:  # the router answers it again, with FastAPI's own error handling
        return None


def query_args(query_string: bytes) -> dict[str, str] | None:
    """The query's arguments as Starlette reads them (``parse_qsl``, blank values kept), or None when a name is
    repeated (a list, or a value FastAPI would pick from several: left to FastAPI)."""
    if not query_string:
        return {}
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    args = dict(pairs)
    return args if len(args) == len(pairs) else None


def plain_text(value: str | None, *, max_length: int, printable: bool = True) -> str | None:
    """``value`` when it has 1 to ``max_length`` characters (and, if ``printable``, no control characters)."""
    if value is None or not 1 <= len(value) <= max_length or (printable and _CONTROL.search(value)):
        return None
    return value


def plain_int(value: str, *, low: int, high: int) -> int | None:
    """``value`` as an integer in [low, high] when written plainly (digits, no sign, no leading zero), else None."""
    if _INTEGER.fullmatch(value) is None:
        return None
    number = int(value)
    return number if low <= number <= high else None


def plain_decimal(value: str | None) -> float | None:
    """``value`` as a float when written as a plain decimal (``-36.06612``), else None."""
    if value is None or _DECIMAL.fullmatch(value) is None:
        return None
    return float(value)
