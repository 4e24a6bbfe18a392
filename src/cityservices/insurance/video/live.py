"""Signalling over a WebSocket, one per side of a session (``…/sessions/{id}/live``).

The database stays the store of signalling messages: a message received on the socket is written as the HTTP
route writes it, and the socket sends the other side's messages read from the database. What is pushed is only
the wake-up: every change of a session is published on ``service.TOPIC`` after commit (``kit.events``), which
the worker's event relay carries to the other workers (Redis pub/sub when ``redis_url`` is set, else
PostgreSQL LISTEN/NOTIFY, else a file beside the SQLite database). A socket woken up reads the database again;
it also reads it every ``RECHECK_S`` seconds, so a lost notification only delays a message.

A socket is refused (closed before it is accepted, which a browser sees as a failed connection, and its pages
then poll the HTTP routes) when its ``Origin`` is not this site's, without the side's session cookie, or when
the session is not the member's own / not the agent's. A message over ``MAX_MESSAGE_BYTES`` closes it (1009),
and so does a side sending more than ``MAX_MESSAGES_PER_MINUTE`` messages in a minute (1008).

Frames sent: ``{"type": "status", "status": …}`` when the status changes, ``{"type": "signal", "id", "kind",
"body"}`` per message of the other side, ``{"type": "sent", "id"}`` for each own message stored, ``{"type":
"error", "detail"}`` for a refused message. Frames received: ``{"kind": …, "body": {…}}`` as ``SignalWrite``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from cityservices.db import session_scope
from cityservices.errors import AppError
from cityservices.insurance.video import service
from cityservices.insurance.video.models import InsuranceVideoSession
from cityservices.insurance.video.schemas import SignalsRead, SignalWrite
from cityservices.kit import events
from cityservices.kit.audit import Actor
from cityservices.platform.runtime import Runtime

MAX_MESSAGE_BYTES: Final = 32 * 1024
MAX_MESSAGES_PER_MINUTE: Final = 240  # a call needs an offer or answer and a few dozen candidates
RECHECK_S: Final = 5.0
POLICY_VIOLATION: Final = 1008
clock = time.monotonic  # the message-rate window's clock (tests hold it still)
TOO_BIG: Final = 1009
ENDED: Final = ("completed", "cancelled")

Loader = Callable[[Session], InsuranceVideoSession | AppError]


class Waiters:
    """The sockets of this worker waiting on a session, woken by its events (from any worker)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = defaultdict(set)
        self._unsubscribe: Callable[[], None] | None = None

    def _deliver(self, topic: str, payload: dict[str, Any]) -> None:
        key = payload.get("session")
        with self._lock:  # a resync (no session named) wakes every socket
            if isinstance(key, str):
                found = list(self._waiting.get(key, ()))
            else:
                found = [pair for pairs in self._waiting.values() for pair in pairs]
        for loop, wake in found:
            with contextlib.suppress(RuntimeError):  # that socket's loop has closed
                loop.call_soon_threadsafe(wake.set)

    @contextlib.contextmanager
    def watch(self, session_id: str, wake: asyncio.Event) -> Iterator[None]:
        pair = (asyncio.get_running_loop(), wake)
        with self._lock:
            if self._unsubscribe is None:
                self._unsubscribe = events.subscribe(service.TOPIC, self._deliver)
            self._waiting[session_id].add(pair)
        try:
            yield
        finally:
            with self._lock:
                self._waiting[session_id].discard(pair)
                if not self._waiting[session_id]:
                    del self._waiting[session_id]

    def count(self, session_id: str) -> int:
        with self._lock:
            return len(self._waiting.get(session_id, ()))


WAITERS = Waiters()


def origin_allowed(websocket: WebSocket, public_origin: str) -> bool:
    """The ``Origin`` of the handshake is this site: ``public_origin`` when set, else the ``Host`` asked for."""
    origin = websocket.headers.get("origin", "")
    if public_origin:
        return origin == public_origin.rstrip("/")
    host = websocket.headers.get("host", "")
    return bool(host) and origin in (f"http://{host}", f"https://{host}")


@dataclass(frozen=True)
class Peer:
    """One side of a session on a socket: who it is and how its session row is loaded (scoped, audited)."""

    side: str  # "member" or "agent"
    actor: Actor
    load: Loader


class Channel:
    """One accepted socket: sends serialised, reads the database in the thread pool."""

    def __init__(self, websocket: WebSocket, runtime: Runtime, peer: Peer, session_id: str) -> None:
        self.websocket, self.runtime, self.peer, self.session_id = websocket, runtime, peer, session_id
        self._send_lock = asyncio.Lock()

    async def send(self, frame: dict[str, Any]) -> None:
        async with self._send_lock:
            await self.websocket.send_text(json.dumps(frame, ensure_ascii=False, default=str))

    def _read(self, after: int) -> SignalsRead | AppError:
        with session_scope(self.runtime.sessions) as session:
            row = self.peer.load(session)
            if isinstance(row, AppError):
                return row
            return service.read_signals(session, row, reader=self.peer.side, after=after)

    def _store(self, data: SignalWrite) -> int | AppError:
        try:
            with session_scope(self.runtime.sessions) as session:
                row = self.peer.load(session)
                if isinstance(row, AppError):
                    return row
                return service.send_signal(session, row, data, sender=self.peer.side)
        except AppError as exc:
            return exc

    async def read(self, after: int) -> SignalsRead | AppError:
        return await run_in_threadpool(self._read, after)

    async def receive(self) -> None:
        """Store each message of this side until the socket closes (an oversized one, or too many, close it)."""
        window, count = clock(), 0
        while True:
            text = await self.websocket.receive_text()
            if len(text.encode()) > MAX_MESSAGE_BYTES:
                await self.websocket.close(code=TOO_BIG, reason="message too big")
                return
            if clock() - window >= 60:
                window, count = clock(), 0
            count += 1
            if count > MAX_MESSAGES_PER_MINUTE:
                await self.websocket.close(code=POLICY_VIOLATION, reason="too many messages")
                return
            try:
                data = SignalWrite.model_validate_json(text)
            except ValidationError:
                await self.send({"type": "error", "detail": "信令格式不正确"})
                continue
            stored = await run_in_threadpool(self._store, data)
            if isinstance(stored, AppError):
                await self.send({"type": "error", "detail": stored.page_text()})
            else:
                await self.send({"type": "sent", "id": stored})


async def _forward(channel: Channel, wake: asyncio.Event, receiving: asyncio.Task[None], after: int) -> None:
    """Send the other side's messages and status changes, reading again at each wake-up, until the session ends,
    the socket closes or the side loses access."""
    last, status = after, ""
    while not receiving.done():
        wake.clear()  # before reading: a change committed meanwhile sets it again
        found = await channel.read(last)
        if isinstance(found, AppError):
            await channel.websocket.close(code=POLICY_VIOLATION)
            return
        if found.status != status:
            status = found.status
            await channel.send({"type": "status", "status": status})
        for signal in found.signals:
            last = signal.id
            await channel.send({"type": "signal", "id": signal.id, "kind": signal.kind, "body": signal.body})
        if status in ENDED:
            await channel.websocket.close(code=1000)
            return
        if len(found.signals) == 0:
            waiting = asyncio.ensure_future(wake.wait())
            await asyncio.wait({waiting, receiving}, timeout=RECHECK_S, return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()


async def serve(websocket: WebSocket, runtime: Runtime, peer: Peer, session_id: str, after: int) -> None:
    """Run an accepted socket until either side stops."""
    channel, wake = Channel(websocket, runtime, peer, session_id), asyncio.Event()
    with WAITERS.watch(session_id, wake):
        receiving = asyncio.create_task(channel.receive())
        try:
            await _forward(channel, wake, receiving, after)
        except (WebSocketDisconnect, RuntimeError):
            pass  # the browser went away while we sent
        finally:
            receiving.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await receiving
            if websocket.application_state == WebSocketState.CONNECTED:
                with contextlib.suppress(RuntimeError):
                    await websocket.close(code=1000)
