"""The HTTP/1.1 protocols ``serve`` runs: uvicorn's httptools (default) or h11 protocol, each with a deadline for
a request's headers and a bound on their size.

uvicorn bounds the idle time between requests (``keep_alive_seconds``) and, with h11 only, the size of a request
head (``h11_max_incomplete_event_size``), but not the time a client may take to send its headers: a slow client
could hold a connection open for as long as it liked. Here a connection waiting for a request's headers is closed
after ``header_read_timeout_seconds``, whichever parser runs. With httptools the head's size is bounded here too:
the bytes received while a request's headers are incomplete are counted, and past ``max_header_bytes`` the
request is refused (``431``) and the connection closed. Slow bodies are cut by ``platform.limits``.

The ``http_parser`` setting chooses the parser: ``httptools`` (llhttp, in C) costs a fraction of the CPU of the
pure-Python ``h11`` per request (docs/benchmarks.md); ``h11`` is the reference implementation of the protocol,
stricter about malformed requests.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from cityservices.config import get_settings

PROTOCOLS = {
    "h11": "cityservices.platform.http_server:GuardedH11Protocol",
    "httptools": "cityservices.platform.http_server:GuardedHttpToolsProtocol",
}
PROTOCOL = PROTOCOLS["h11"]
HEAD_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 0\r\nconnection: close\r\n\r\n"
)


class HeaderDeadline:
    """The header deadline, for a uvicorn protocol (``protocol.cycle``, ``.loop``, ``.transport``, ``.logger``)."""

    def __init__(self, protocol: Any) -> None:
        self.protocol = protocol
        self.timeout = get_settings().header_read_timeout_seconds
        self.timer: asyncio.TimerHandle | None = None

    def between_requests(self) -> bool:
        cycle = self.protocol.cycle
        return cycle is None or bool(cycle.response_complete)

    def arm(self) -> None:
        self.disarm()
        self.timer = self.protocol.loop.call_later(self.timeout, self._too_slow)

    def arm_if_idle(self) -> None:
        if self.timer is None and self.between_requests():
            self.arm()  # the first bytes of the next request on a kept-alive connection

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _too_slow(self) -> None:
        self.timer = None
        transport = self.protocol.transport
        if self.between_requests() and not transport.is_closing():
            self.protocol.logger.info("closed a connection whose request headers took over %ss", self.timeout)
            transport.close()


class GuardedH11Protocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = HeaderDeadline(self)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.deadline.arm()

    def data_received(self, data: bytes) -> None:
        self.deadline.arm_if_idle()
        super().data_received(data)
        if not self.deadline.between_requests():
            self.deadline.disarm()  # the headers are in: the application reads the body under its own limits

    def connection_lost(self, exc: Exception | None) -> None:
        self.deadline.disarm()
        super().connection_lost(exc)


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = HeaderDeadline(self)
        self.max_head_bytes = get_settings().max_header_bytes
        self.head_bytes = 0  # received while the current request's headers are incomplete

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.deadline.arm()

    def data_received(self, data: bytes) -> None:
        if self.deadline.between_requests():
            self.deadline.arm_if_idle()
            end = data.find(b"\r\n\r\n")  # a read may carry the end of the head and the start of the body
            head_part = len(data) if end < 0 else end + 4
            if self.head_bytes + head_part > self.max_head_bytes:
                self.deadline.disarm()
                self.logger.info("refused a request whose head exceeds %d bytes", self.max_head_bytes)
                self.transport.write(HEAD_TOO_LARGE)
                self.transport.close()
                return
            self.head_bytes += head_part
        super().data_received(data)
        if not self.deadline.between_requests():
            self.deadline.disarm()  # the headers are in: the application reads the body under its own limits
            self.head_bytes = 0

    def on_response_complete(self) -> None:
        self.head_bytes = 0  # the next request's head starts (pipelined bytes already parsed are not counted)
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self.deadline.disarm()
        super().connection_lost(exc)
