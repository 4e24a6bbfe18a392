"""Change notifications: delivered after commit only, and relayed between processes through Redis."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cityservices.kit import events


def test_events_wait_for_the_commit_and_vanish_on_rollback(session: Session) -> None:
    seen: list[dict[str, Any]] = []
    unsubscribe = events.subscribe("test.topic", lambda _t, payload: seen.append(payload))
    try:
        events.publish_after_commit(session, "test.topic", {"n": 1})
        assert seen == []
        session.rollback()
        events.publish_after_commit(session, "test.topic", {"n": 2})
        session.commit()
    finally:
        unsubscribe()
    assert seen == [{"n": 2}]


def test_a_failing_subscriber_does_not_stop_the_others() -> None:
    seen: list[str] = []

    def broken(_topic: str, _payload: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    stops = [events.subscribe("test.fail", broken), events.subscribe("test.fail", lambda t, _p: seen.append(t))]
    try:
        events.publish("test.fail")
    finally:
        for stop in stops:
            stop()
    assert seen == ["test.fail"]


def test_events_of_other_processes_arrive_through_redis() -> None:
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        other = redis.Redis.from_url(url, socket_connect_timeout=0.5)
        other.ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    seen: list[dict[str, Any]] = []
    unsubscribe = events.subscribe("test.relay", lambda _t, payload: seen.append(payload))
    listener = other.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(events.REDIS_CHANNEL)
    try:
        events.start_redis_relay(url)
        message = {"origin": "another-process", "topic": "test.relay", "payload": {"key": "V1"}}
        for _ in range(200):  # until the relay's subscription is live (bounded; no timing is asserted)
            other.publish(events.REDIS_CHANNEL, json.dumps(message))
            time.sleep(0.05)
            if seen:
                break
        assert seen[0] == {"key": "V1"}
        events.publish("test.relay.out", {"key": "V2"})
        relayed: list[dict[str, Any]] = []
        for _ in range(400):  # bounded; the listener holds our earlier messages too
            message = listener.get_message(timeout=0.5)
            if message is not None:
                relayed.append(json.loads(message["data"]))
            if any(r["topic"] == "test.relay.out" for r in relayed):
                break
        assert {"origin": events.process_id(), "topic": "test.relay.out", "payload": {"key": "V2"}} in relayed
    finally:
        events.stop_relay()
        unsubscribe()
        listener.close()
