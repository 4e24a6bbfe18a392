"""Change notifications: ``subscribe(topic, handler)`` / ``publish(topic, payload)``, across processes too.

Topics belong to the domains (``<domain>.changed``, each named in the domain's ``install`` module); this
module knows none of them. In-memory indexes subscribe to their domain's topic and rebuild or patch themselves.
Writers call ``publish_after_commit(session, topic, payload)``: the event is delivered only once the
transaction has committed, and dropped if it rolls back.

With several processes a **relay** (``kit/event_relays.py``: Redis pub/sub, PostgreSQL LISTEN/NOTIFY, or an
append-only file beside a SQLite database) sends each published event to the others, as JSON
``{"origin": PROCESS, "topic": …, "payload": …}``; a process ignores its own events coming back. One relay
runs per process (``start_relay``), started by the app's lifespan (``cityservices.platform.lifecycle``).

``data_generation(*topics)`` counts the events of those topics delivered in this process, from any process:
a cache keyed on it never serves an answer computed before the latest change of its topics it has heard of,
and a change of another topic leaves it alone. The known topics (``register_topics``, and any ever subscribed
to or delivered) are all marked changed by ``resync()``.
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
REDIS_CHANNEL = "cityservices:events"
RESYNC_PAYLOAD: dict[str, Any] = {"kind": "*", "reason": "resync"}  # "anything may have changed"

log = logging.getLogger(__name__)
_handlers: dict[str, list[Handler]] = defaultdict(list)
_lock = threading.Lock()
_PROCESS = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
_generations: dict[str, int] = {}  # per known topic: events delivered
_total = 0  # the sum over every topic


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
        _generations.setdefault(topic, 0)

    def unsubscribe() -> None:
        with _lock:
            if handler in _handlers[topic]:
                _handlers[topic].remove(handler)

    return unsubscribe


def deliver(topic: str, payload: dict[str, Any]) -> None:
    """Call this process's handlers of ``topic``; a failing handler is logged and never stops the others."""
    global _total
    with _lock:
        handlers = list(_handlers.get(topic, ()))
    for handler in handlers:
        try:
            handler(topic, payload)
        except Exception:
            log.exception("event handler failed for %s", topic)
    with _lock:  # after the handlers: a reader of the new number never sees old indexes
        _generations[topic] = _generations.get(topic, 0) + 1
        _total += 1


def data_generation(*topics: str) -> int:
    """How many events of ``topics`` (of every topic, when none is named) this process has delivered, from any
    process: a cache key, which only grows."""
    if not topics:
        return _total
    generations = _generations
    return sum(generations.get(topic, 0) for topic in topics)


def register_topics(*topics: str) -> None:
    """Make ``topics`` known (the platform registers the installed domains' topics), so ``resync`` covers them."""
    with _lock:
        for topic in topics:
            _generations.setdefault(topic, 0)


def known_topics() -> tuple[str, ...]:
    """Every topic registered, subscribed to or delivered in this process."""
    with _lock:
        return tuple(_generations)


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
    """A relay was disconnected and may have missed events: every known topic changed, here only."""
    for topic in known_topics():
        deliver(topic, dict(RESYNC_PAYLOAD))


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
