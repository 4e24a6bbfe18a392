"""The HTTP/1.1 protocol ``serve`` runs: uvicorn's h11 protocol with a deadline for a request's headers.

uvicorn bounds the size of a request head (``h11_max_incomplete_event_size``, from ``max_header_bytes``) and the
idle time between requests (``keep_alive_seconds``), but not the time a client may take to send its headers: a
slow client could hold a connection open for as long as it liked. Here a connection waiting for a request's
headers is closed after ``header_read_timeout_seconds``. Slow bodies are cut by ``platform.limits``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from cityservices.config import get_settings

PROTOCOL = "cityservices.platform.http_server:GuardedH11Protocol"


class GuardedH11Protocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = get_settings().header_read_timeout_seconds
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and self._between_requests():
            self._arm()  # the first bytes of the next request on a kept-alive connection
        super().data_received(data)
        if not self._between_requests():
            self._disarm()  # the headers are in: the application reads the body under its own limits

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _between_requests(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._between_requests() and not self.transport.is_closing():
            self.logger.info("closed a connection whose request headers took over %ss", self.header_timeout)
            self.transport.close()
