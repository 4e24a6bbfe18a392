"""HTTP caching of the public read API: ETag / If-None-Match, Cache-Control, and a small in-process cache.

Every successful ``GET`` under ``/api/v1/`` and ``/api/hsds/`` (but the liveness, readiness and staff paths)
gets a weak ``ETag`` computed from its body and ``Cache-Control: public, max-age=N``; a request whose
``If-None-Match`` names that tag gets ``304 Not Modified`` and no body.

Answers are also kept in memory per process, keyed by path and query string. An entry lives until the next
full minute at most: opening hours have minute resolution, so an "open now" answer computed at 16:59:40 is
still right at 16:59:59 and is recomputed at 17:00:00. Every entry is dropped as soon as the data changes
(``kit.events.data_generation()`` moves on once every handler of a ``service_map.changed`` event — from this
process or relayed from another one — has run, so no answer computed on an old index is kept under the new
one). ``max-age`` tells clients the same lifetime, so nobody keeps an answer past the minute it was made in.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cityservices.kit.events import data_generation

CACHED_PREFIXES = ("/api/v1/", "/api/hsds")
UNCACHED_PATHS = frozenset({"/api/v1/health", "/api/v1/ready"})
CACHED_TYPES = ("application/json", "application/geo+json")
MAX_CACHED_BODY = 4 * 1024 * 1024  # larger answers stream through, uncached
MAX_CACHED_BYTES = 64 * 1024 * 1024  # per process, on top of the entry count


@dataclass(frozen=True)
class CachedAnswer:
    start: Message
    body: bytes
    etag: str
    expires: float


def weak_etag(body: bytes) -> str:
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison: ``*`` or any listed tag, weak or strong, with the same opaque value."""
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))


def next_minute(now: float) -> float:
    return (int(now) // 60 + 1) * 60.0


class ResponseCache:
    """An LRU of answers for one data generation; ``entries=0`` keeps nothing (ETags still work)."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self.generation = data_generation()
        self._answers: OrderedDict[str, CachedAnswer] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: str, now: float) -> CachedAnswer | None:
        self._follow_generation()
        answer = self._answers.get(key)
        if answer is None or answer.expires <= now:
            self.misses += 1
            return None
        self._answers.move_to_end(key)
        self.hits += 1
        return answer

    def put(self, key: str, answer: CachedAnswer, generation: int) -> None:
        self._follow_generation()
        if self.entries <= 0 or generation != self.generation:  # computed on data that has since changed
            return
        previous = self._answers.pop(key, None)
        self.bytes += len(answer.body) - (len(previous.body) if previous else 0)
        self._answers[key] = answer
        while len(self._answers) > self.entries or self.bytes > MAX_CACHED_BYTES:
            self.bytes -= len(self._answers.popitem(last=False)[1].body)

    def __len__(self) -> int:
        return len(self._answers)

    def _follow_generation(self) -> None:
        generation = data_generation()
        if generation != self.generation:
            self._answers.clear()
            self.bytes = 0
            self.generation = generation


def is_cacheable(scope: Scope) -> bool:
    path: str = scope["path"]
    return scope["method"] == "GET" and path.startswith(CACHED_PREFIXES) and path not in UNCACHED_PATHS


class HttpCacheMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): ETag, Cache-Control, 304s and the per-process answer cache."""

    def __init__(self, app: ASGIApp, *, entries: int) -> None:
        self.app = app
        self.cache = ResponseCache(entries)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_cacheable(scope):
            await self.app(scope, receive, send)
            return
        now = time.time()
        key = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
        if_none_match = Headers(scope=scope).get("if-none-match")
        answer = self.cache.get(key, now)
        if answer is None:
            generation = data_generation()  # before computing: a change meanwhile makes the answer unkeepable
            answer = await _compute(self.app, scope, receive, send, now)
            if answer is None:  # not a cacheable answer: it has been sent as it was
                return
            self.cache.put(key, answer, generation)
        await _reply(send, answer, now, if_none_match)


async def _compute(app: ASGIApp, scope: Scope, receive: Receive, send: Send, now: float) -> CachedAnswer | None:
    """Run the app, holding its answer back; answers that cannot be cached are passed straight on."""
    start: Message | None = None
    chunks: list[bytes] = []
    size = 0
    passthrough = False

    async def capture(message: Message) -> None:
        nonlocal start, size, passthrough
        if passthrough:
            await send(message)
        elif message["type"] == "http.response.start":
            start = message
            passthrough = not _cacheable_start(message)
            if passthrough:
                await send(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_CACHED_BODY and start is not None:  # too big to keep: send what we hold, then stream
                passthrough = True
                await send(start)
                more = bool(message.get("more_body"))
                await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": more})

    await app(scope, receive, capture)
    if passthrough or start is None:
        return None
    body = b"".join(chunks)
    return CachedAnswer(start=start, body=body, etag=weak_etag(body), expires=next_minute(now))


def _cacheable_start(message: Message) -> bool:
    headers = Headers(raw=message.get("headers", []))
    content_type = headers.get("content-type", "")
    return (
        message["status"] == 200
        and content_type.startswith(CACHED_TYPES)
        and "set-cookie" not in headers
        and "cache-control" not in headers
    )


async def _reply(send: Send, answer: CachedAnswer, now: float, if_none_match: str | None) -> None:
    max_age = max(1, int(answer.expires - now))
    start: Message = {"type": "http.response.start", "status": 200, "headers": list(answer.start["headers"])}
    headers = MutableHeaders(scope=start)
    headers["etag"] = answer.etag
    headers["cache-control"] = f"public, max-age={max_age}"
    body = answer.body
    if if_none_match is not None and etag_matches(if_none_match, answer.etag):
        start["status"] = 304
        for name in ("content-type", "content-length"):
            if name in headers:
                del headers[name]
        body = b""
    await send(start)
    await send({"type": "http.response.body", "body": body})
