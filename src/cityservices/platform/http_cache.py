"""HTTP caching of the public read API, opt-in per route: ETag / If-None-Match, Cache-Control, and a small
in-process cache.

A route is cached only if it says so: ``@cacheable(CHANGED)`` under its ``@router.get(...)`` declares that its
answer is public (the same for every caller: no session, no credential, no personal data) and names the event
topics the answer depends on. Every other route passes through untouched, and a route that needs a credential
or lives under a staff prefix must never be declared (``tests/platform/test_cache_declarations.py`` checks).
The OpenAPI document declares a 304 for exactly these routes (``platform.openapi``).

A successful ``GET`` of a declared route gets a weak ``ETag`` computed from its body and
``Cache-Control: public, max-age=N``; a request whose ``If-None-Match`` names that tag gets
``304 Not Modified`` and no body.

Answers are also kept in memory per process, keyed by path and query string. An entry lives until the next
full minute at most: opening hours have minute resolution, so an "open now" answer computed at 16:59:40 is
still right at 16:59:59 and is recomputed at 17:00:00. An entry is dropped as soon as one of its topics changes
(``kit.events.data_generation(*topics)`` moves on once every handler of such an event — from this process or
relayed from another one — has run, so no answer computed on an old index is kept under the new one); a change
of another domain's topic leaves it alone. ``max-age`` tells clients the same lifetime, so nobody keeps an
answer past the minute it was made in. The clock is injectable (``ResponseCache(clock=...)``) for tests.

So that the entries do not all expire together at the minute boundary (and are all recomputed in the same
instant), each entry's end is moved earlier by a random part of ``spread_s`` seconds (at most half of the time
it has left): recomputation is spread over the last seconds of each minute. Expiring earlier is always right.

A kept answer of at least ``GZIP_MIN_BYTES`` is also compressed once, when it is kept, and sent compressed
(``Content-Encoding: gzip``, ``Vary: Accept-Encoding``) to every client that accepts gzip; the app's gzip
middleware passes an answer that is already encoded through.
"""

from __future__ import annotations

import gzip
import hashlib
import random
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cityservices.kit.events import data_generation
from cityservices.platform.headers import first_headers

CACHED_TOPICS = "__cached_topics__"  # the attribute ``cacheable`` sets on an endpoint
CACHED_TYPES = ("application/json", "application/geo+json")
MAX_CACHED_BODY = 4 * 1024 * 1024  # larger answers stream through, uncached
MAX_CACHED_BYTES = 64 * 1024 * 1024  # per process, on top of the entry count
EXPIRY_SPREAD_S = 15.0  # entries end up to this many seconds before the minute boundary
GZIP_MIN_BYTES = 1400  # about one TCP segment: below it, compressing saves no round trip
GZIP_LEVEL = 6  # zlib's default; 9 costs about twice the CPU for a few per cent smaller answers


Endpoint = TypeVar("Endpoint", bound=Callable[..., object])


def cacheable(*topics: str) -> Callable[[Endpoint], Endpoint]:
    """Declare a public GET endpoint whose answer may be kept and shared with every caller until one of ``topics``
    (event topics, ``kit.events``) changes or the minute ends. Goes under the route decorator."""
    if not topics:
        raise ValueError("a cached route names the event topics its answer depends on")

    def declare(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, CACHED_TOPICS, tuple(topics))
        return endpoint

    return declare


def cached_topics(route: object) -> tuple[str, ...] | None:
    """The topics the endpoint of ``route`` declared with ``cacheable``; None when it is not cached."""
    topics = getattr(getattr(route, "endpoint", None), CACHED_TOPICS, None)
    return topics if isinstance(topics, tuple) else None


@dataclass(frozen=True)
class CachedAnswer:
    start: Message
    body: bytes
    etag: str
    expires: float
    topics: tuple[str, ...] = ()
    generation: int = 0  # data_generation(*topics) when it was computed
    gzipped: bytes | None = None  # the body compressed once (None: too small to gain from it)
    # The reply's headers (less Cache-Control, whose max-age changes) per (sent gzipped, 304), made on first use.
    replies: dict[tuple[bool, bool], list[tuple[bytes, bytes]]] = field(default_factory=dict, compare=False, repr=False)


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


def spread_expiry(now: float, spread_s: float, draw: Callable[[], float] = random.random) -> float:
    """The next minute boundary, moved earlier by a random part of ``spread_s`` (at most half the time left)."""
    boundary = next_minute(now)
    return boundary - draw() * min(spread_s, (boundary - now) / 2)


def compressed(body: bytes) -> bytes | None:
    return gzip.compress(body, GZIP_LEVEL, mtime=0) if len(body) >= GZIP_MIN_BYTES else None


class ResponseCache:
    """An LRU of answers, each kept while its topics have not changed; ``entries=0`` keeps nothing (ETags still
    work). ``clock`` gives the time (``time.time`` unless a test fixes it)."""

    def __init__(
        self, entries: int, *, clock: Callable[[], float] = time.time, spread_s: float = EXPIRY_SPREAD_S
    ) -> None:
        self.entries = entries
        self.clock = clock
        self.spread_s = spread_s
        self.heard = data_generation()  # every topic: when it moves, some entries may be stale
        self._answers: OrderedDict[str, CachedAnswer] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: str, now: float) -> CachedAnswer | None:
        self._drop_stale()
        answer = self._answers.get(key)
        if answer is None or answer.expires <= now or not _current(answer):
            self.misses += 1
            return None
        self._answers.move_to_end(key)
        self.hits += 1
        return answer

    def put(self, key: str, answer: CachedAnswer) -> None:
        self._drop_stale()
        if self.entries <= 0 or not _current(answer):  # computed on data that has since changed
            return
        previous = self._answers.pop(key, None)
        self.bytes += len(answer.body) - (len(previous.body) if previous else 0)
        self._answers[key] = answer
        while len(self._answers) > self.entries or self.bytes > MAX_CACHED_BYTES:
            self.bytes -= len(self._answers.popitem(last=False)[1].body)

    def __len__(self) -> int:
        return len(self._answers)

    def _drop_stale(self) -> None:
        heard = data_generation()
        if heard == self.heard:
            return
        self.heard = heard
        for key in [key for key, answer in self._answers.items() if not _current(answer)]:
            self.bytes -= len(self._answers.pop(key).body)


def _current(answer: CachedAnswer) -> bool:
    return data_generation(*answer.topics) == answer.generation


class HttpCacheMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): ETag, Cache-Control, 304s and the per-process answer cache, for the
    routes declared ``cacheable``. Whether a route is declared is read from the route the app matched
    (``scope["route"]``), so an answer is kept only under a path that was routed to a declared route."""

    def __init__(self, app: ASGIApp, *, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        now = self.cache.clock()
        key = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
        answer = self.cache.get(key, now)
        if answer is None:
            heard = data_generation()  # before computing: a change meanwhile makes the answer unkeepable
            answer = await _compute(self.app, scope, receive, send, spread_expiry(now, self.cache.spread_s))
            if answer is None:  # not a cacheable answer: it has been sent as it was
                return
            if data_generation() == heard:
                self.cache.put(key, answer)
        if_none_match, accept_encoding = first_headers(scope, b"if-none-match", b"accept-encoding")
        await _reply(send, answer, now, if_none_match, "gzip" in (accept_encoding or ""))


async def _compute(app: ASGIApp, scope: Scope, receive: Receive, send: Send, expires: float) -> CachedAnswer | None:
    """Run the app, holding its answer back; answers of routes not declared ``cacheable``, and answers that
    cannot be cached, are passed straight on."""
    start: Message | None = None
    topics: tuple[str, ...] | None = None
    chunks: list[bytes] = []
    size = 0
    passthrough = False

    async def capture(message: Message) -> None:
        nonlocal start, size, passthrough, topics
        if passthrough:
            await send(message)
        elif message["type"] == "http.response.start":
            start, topics = message, cached_topics(scope.get("route"))
            passthrough = topics is None or not _cacheable_start(message)
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
    if passthrough or start is None or topics is None:
        return None
    body = b"".join(chunks)
    generation = data_generation(*topics)
    return CachedAnswer(start, body, weak_etag(body), expires, topics, generation, compressed(body))


def _cacheable_start(message: Message) -> bool:
    headers = Headers(raw=message.get("headers", []))
    content_type = headers.get("content-type", "")
    return (
        message["status"] == 200
        and content_type.startswith(CACHED_TYPES)
        and "set-cookie" not in headers
        and "cache-control" not in headers
        and "content-encoding" not in headers
    )


async def _reply(send: Send, answer: CachedAnswer, now: float, if_none_match: str | None, accepts_gzip: bool) -> None:
    max_age = max(1, int(answer.expires - now))
    gzipped = accepts_gzip and answer.gzipped is not None
    not_modified = if_none_match is not None and etag_matches(if_none_match, answer.etag)
    headers = [*_reply_headers(answer, gzipped, not_modified), (b"cache-control", b"public, max-age=%d" % max_age)]
    await send({"type": "http.response.start", "status": 304 if not_modified else 200, "headers": headers})
    body = b"" if not_modified else answer.gzipped if gzipped and answer.gzipped is not None else answer.body
    await send({"type": "http.response.body", "body": body})


def _reply_headers(answer: CachedAnswer, gzipped: bool, not_modified: bool) -> list[tuple[bytes, bytes]]:
    """The headers of a reply from ``answer`` other than Cache-Control: made once per kind of reply and kept."""
    found = answer.replies.get((gzipped, not_modified))
    if found is not None:
        return found
    start: Message = {"headers": list(answer.start["headers"])}
    headers = MutableHeaders(scope=start)
    headers["etag"] = answer.etag
    if answer.gzipped is not None:
        headers.add_vary_header("Accept-Encoding")
        if gzipped:
            headers["content-encoding"] = "gzip"
            headers["content-length"] = str(len(answer.gzipped))
    if not_modified:
        for name in ("content-type", "content-length"):
            if name in headers:
                del headers[name]
    kept: list[tuple[bytes, bytes]] = headers.raw
    answer.replies[(gzipped, not_modified)] = kept
    return kept
