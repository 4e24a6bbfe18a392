"""gzip of answers, one pure ASGI middleware: what Starlette's ``GZipMiddleware`` does, made cheap for the answers
that need nothing from it.

Every request passes here, and most public reads need no work: a kept answer comes compressed already
(``platform.http_cache``), and most others are below ``minimum_size``. Starlette's middleware builds a responder
per request (normalising its list of excluded content types and parsing the headers each time); this one reads
the raw headers once and decides from them.

- A client that does not accept gzip gets the answer as it is (with ``Vary: Accept-Encoding`` when it was large
  enough to be compressed for another client).
- An answer that is already encoded, partial (206), of an excluded content type (images, fonts, archives, audio,
  video, event streams), or smaller than ``minimum_size`` in one part is passed on as it is.
- Otherwise it is compressed: whole when it comes in one part (``Content-Length`` set to the compressed size), or
  part by part (each flushed, ``Content-Length`` dropped) when it streams. Parts of 128 KiB or more are compressed
  on a worker thread so the event loop is not held.
"""

from __future__ import annotations

import zlib

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

EXCLUDED_TYPES = frozenset(
    {"application/grpc", "application/gzip", "application/x-gzip", "application/zip", "font/woff", "font/woff2",
     "image/avif", "image/gif", "image/jpeg", "image/png", "image/webp", "text/event-stream"}
)  # fmt: skip
EXCLUDED_FAMILIES = frozenset({"audio", "video"})
THREAD_MINIMUM_BYTES = 128 * 1024
VARY = b"vary"
ACCEPT_ENCODING = b"Accept-Encoding"


class GzipMiddleware:
    def __init__(self, app: ASGIApp, *, minimum_size: int, compresslevel: int) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.compresslevel = compresslevel

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accepts = any(name == b"accept-encoding" and b"gzip" in value for name, value in scope["headers"])
        await self.app(scope, receive, _Responder(self, send, accepts).send)


class _Responder:
    def __init__(self, middleware: GzipMiddleware, send: Send, accepts_gzip: bool) -> None:
        self.middleware = middleware
        self.inner = send
        self.accepts_gzip = accepts_gzip
        self.start: Message | None = None  # held until the first part of the body tells what to do
        self.passing = False  # sent as it is
        self.compressor: zlib._Compress | None = None  # compressing a streamed body

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if self.passing:
            await self.inner(message)
        elif kind == "http.response.start":
            headers = message.get("headers", ())
            self.passing = message["status"] == 206 or _encoded_or_excluded(headers)
            if self.passing:
                await self.inner(message)
            else:
                self.start = message
        elif kind == "http.response.body" and self.start is not None:
            await self._body(self.start, message)
        elif kind == "http.response.pathsend" and self.start is not None:  # a file sent by the server itself
            self.passing = True
            await self.inner(self.start)
            await self.inner(message)
        else:
            await self.inner(message)

    async def _body(self, start: Message, message: Message) -> None:
        body: bytes = message.get("body", b"")
        more = bool(message.get("more_body", False))
        if self.compressor is None:  # the first part
            if len(body) < self.middleware.minimum_size and not more:
                self.passing = True
                await self.inner(start)
                await self.inner(message)
                return
            headers = [*start.get("headers", ()), (VARY, ACCEPT_ENCODING)] if not _varies(start) else None
            if headers is not None:
                start["headers"] = headers
            if not self.accepts_gzip:
                self.passing = True
                await self.inner(start)
                await self.inner(message)
                return
            self.compressor = zlib.compressobj(self.middleware.compresslevel, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            zipped = await self._compress(body, more)
            kept = [(k, v) for k, v in start.get("headers", ()) if k.lower() not in (b"content-length",)]
            if not more and not start.get("trailers", False):
                kept.append((b"content-length", str(len(zipped)).encode("latin-1")))
            kept.append((b"content-encoding", b"gzip"))
            start["headers"] = kept
            await self.inner(start)
            await self.inner({**message, "body": zipped})
            return
        await self.inner({**message, "body": await self._compress(body, more)})

    async def _compress(self, body: bytes, more: bool) -> bytes:
        if len(body) >= THREAD_MINIMUM_BYTES:
            return await anyio.to_thread.run_sync(self._compress_now, body, more)
        return self._compress_now(body, more)

    def _compress_now(self, body: bytes, more: bool) -> bytes:
        assert self.compressor is not None
        return self.compressor.compress(body) + self.compressor.flush(zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH)


def _encoded_or_excluded(headers: object) -> bool:
    for name, value in headers:  # type: ignore[attr-defined]
        lowered = name.lower()
        if lowered == b"content-encoding":
            return True
        if lowered == b"content-type":
            media = value.decode("latin-1").partition(";")[0].strip().lower()
            if (
                media in EXCLUDED_TYPES
                or media.partition("/")[0] in EXCLUDED_FAMILIES
                or media.startswith("application/grpc+")
            ):
                return True
    return False


def _varies(start: Message) -> bool:
    """Whether the answer already says it varies by Accept-Encoding (or by everything)."""
    for name, value in start.get("headers", ()):
        if name.lower() == VARY:
            tokens = {token.strip().lower() for token in value.split(b",")}
            if b"accept-encoding" in tokens or b"*" in tokens:
                return True
    return False
