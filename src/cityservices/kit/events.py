"""Change notifications inside the process: ``subscribe(topic, handler)`` / ``publish(topic, payload)``.

In-memory indexes (search, nearest venues) subscribe to ``service_map.changed`` and rebuild or patch
themselves. Writers call ``publish_after_commit(session, topic, payload)``: the event is delivered only once
the transaction has committed, and dropped if it rolls back. With several processes, set
``CITYSERVICES_REDIS_URL`` and call ``start_redis_relay``: events are then also sent to the other processes.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

Handler = Callable[[str, dict[str, Any]], None]
SERVICE_MAP_CHANGED = "service_map.changed"
REDIS_CHANNEL = "cityservices:events"

log = logging.getLogger(__name__)
_handlers: dict[str, list[Handler]] = defaultdict(list)
_lock = threading.Lock()
_PROCESS = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
_relay: Any = None  # a redis client when the relay runs


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
    with _lock:
        handlers = list(_handlers.get(topic, ()))
    for handler in handlers:
        try:
            handler(topic, payload)
        except Exception:
            log.exception("event handler failed for %s", topic)


def publish(topic: str, payload: dict[str, Any] | None = None) -> None:
    """Deliver an event now, in this process and (with the Redis relay) in the others."""
    body = payload or {}
    deliver(topic, body)
    if _relay is not None:
        try:
            _relay.publish(REDIS_CHANNEL, json.dumps({"origin": _PROCESS, "topic": topic, "payload": body}))
        except Exception:
            log.warning("could not relay event %s to Redis", topic)


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
    """This process's id in relayed events (its own events coming back from Redis are ignored)."""
    return _PROCESS


def start_redis_relay(url: str) -> None:
    """Send published events to Redis and deliver other processes' events here (a daemon thread)."""
    global _relay
    if _relay is not None:
        return
    import redis

    client: Any = redis.Redis.from_url(url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        pubsub.subscribe(REDIS_CHANNEL)
    except redis.RedisError:
        log.warning("Redis unreachable: change notifications stay inside this process")
        return
    _relay = client

    def listen() -> None:
        try:
            _dispatch(pubsub.listen())
        except redis.RedisError:
            log.warning("lost the Redis connection: change notifications stay inside this process")

    threading.Thread(target=listen, name="cityservices-events", daemon=True).start()


def _dispatch(messages: Any) -> None:
    for message in messages:
        try:
            data = json.loads(message["data"])
        except (TypeError, ValueError):
            continue
        if data.get("origin") != _PROCESS:
            deliver(str(data.get("topic")), dict(data.get("payload") or {}))
