"""Change notifications: ``subscribe(topic, handler)`` / ``publish(topic, payload)``, across processes too.

In-memory indexes (search, nearest venues) subscribe to ``service_map.changed`` and rebuild or patch
themselves. Writers call ``publish_after_commit(session, topic, payload)``: the event is delivered only once
the transaction has committed, and dropped if it rolls back.

With several processes a **relay** (``kit/event_relays.py``: Redis pub/sub, PostgreSQL LISTEN/NOTIFY, or an
append-only file beside a SQLite database) sends each published event to the others, as JSON
``{"origin": PROCESS, "topic": …, "payload": …}``; a process ignores its own events coming back. One relay
runs per process (``start_relay``), started by the app's lifespan (``cityservices.platform.lifecycle``).

``data_generation()`` counts the ``service_map.changed`` events delivered in this process, from any process:
a cache keyed on it never serves an answer computed before the latest change it has heard of.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

Handler = Callable[[str, dict[str, Any]], None]
SERVICE_MAP_CHANGED = "service_map.changed"
REDIS_CHANNEL = "cityservices:events"
RESYNC_PAYLOAD: dict[str, Any] = {"kind": "*", "reason": "resync"}  # "anything may have changed"

log = logging.getLogger(__name__)
_handlers: dict[str, list[Handler]] = defaultdict(list)
_lock = threading.Lock()
_PROCESS = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
_generation = 0


class Relay(Protocol):
    """Carries this process's events to the others and theirs here (``events.receive``)."""

    name: str

    def start(self) -> None: ...

    def send(self, message: str) -> None: ...

    def stop(self) -> None: ...


_relay: Relay | None = None


def subscribe(topic: str, handler: Handler) -> Callable[[], None]:
    """Call ``handler(topic, payload)`` on every event of ``topic``; returns a function that unsubscribes."""
    with _lock:
        _handlers[topic].append(handler)

    def unsubscribe() -> None:
        with _lock:
            if handler in _handlers[topic]:
                _handlers[topic].remove(handler)

    return unsubscribe


def deliver(topic: str, payload: dict[str, Any]) -> None:
    """Call this process's handlers of ``topic``; a failing handler is logged and never stops the others."""
    global _generation
    with _lock:
        handlers = list(_handlers.get(topic, ()))
    for handler in handlers:
        try:
            handler(topic, payload)
        except Exception:
            log.exception("event handler failed for %s", topic)
    if topic == SERVICE_MAP_CHANGED:  # after the handlers: a reader of the new number never sees old indexes
        with _lock:
            _generation += 1


def data_generation() -> int:
    """How many ``service_map.changed`` events this process has delivered (from any process): a cache key."""
    return _generation


def publish(topic: str, payload: dict[str, Any] | None = None) -> None:
    """Deliver an event now, in this process and (through the relay, if one runs) in the others."""
    body = payload or {}
    deliver(topic, body)
    relay = _relay
    if relay is not None:
        try:
            relay.send(encode(topic, body))
        except Exception:
            log.warning("could not relay event %s through %s", topic, relay.name, exc_info=True)


def publish_after_commit(session: Session, topic: str, payload: dict[str, Any] | None = None) -> None:
    """Publish once ``session``'s transaction commits; forget it if the transaction rolls back."""
    if session.get_transaction() is None:
        session.begin()  # so that a rollback before any SQL still drops the event
    session.info.setdefault("pending_events", []).append((topic, payload or {}))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop("pending_events", [])
    for topic, payload in pending:
        publish(topic, payload)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint inside it
        session.info.pop("pending_events", None)


def process_id() -> str:
    """This process's id in relayed events (its own events coming back through a relay are ignored)."""
    return _PROCESS


def encode(topic: str, payload: dict[str, Any]) -> str:
    """The relayed form of an event: one line of JSON naming this process."""
    return json.dumps({"origin": _PROCESS, "topic": topic, "payload": payload}, ensure_ascii=False)


def receive(message: str | bytes) -> None:
    """Deliver an event relayed from another process (malformed messages and this process's own are ignored)."""
    try:
        data = json.loads(message)
    except (TypeError, ValueError):
        return
    if isinstance(data, dict) and data.get("origin") != _PROCESS and isinstance(data.get("topic"), str):
        payload = data.get("payload")
        deliver(data["topic"], dict(payload) if isinstance(payload, dict) else {})


def resync() -> None:
    """A relay was disconnected and may have missed events: treat everything as changed, here only."""
    deliver(SERVICE_MAP_CHANGED, dict(RESYNC_PAYLOAD))


def start_relay(relay: Relay) -> bool:
    """Make ``relay`` this process's relay and start it; False (and nothing started) if one already runs."""
    global _relay
    with _lock:
        if _relay is not None:
            return False
        _relay = relay
    relay.start()
    return True


def stop_relay(relay: Relay | None = None) -> None:
    """Stop this process's relay (only if it is ``relay``, when given)."""
    global _relay
    with _lock:
        current = _relay
        if current is None or (relay is not None and current is not relay):
            return
        _relay = None
    current.stop()


def current_relay() -> Relay | None:
    return _relay


def start_redis_relay(url: str) -> None:
    """Relay events through Redis pub/sub (channel ``cityservices:events``)."""
    from cityservices.kit.events.relays import RedisRelay

    start_relay(RedisRelay(url))
