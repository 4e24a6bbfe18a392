"""Change notifications between processes: PostgreSQL LISTEN/NOTIFY and the SQLite event file, each between two
real processes (a subprocess publishes and answers), plus reconnection and the data generation counter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cityservices.config import Settings
from cityservices.kit import events
from cityservices.kit.events.relays import PG_CHANNEL, FileRelay, ListeningRelay, PostgresRelay
from cityservices.platform.runtime import make_event_relay

WAIT_S = 30  # a generous bound for correctness; no speed is asserted

# The other process: relays through the same database, prints "ready" once listening, waits for one
# "test.ping", answers with "test.pong" (through its relay) and prints what it received.
OTHER_PROCESS = """
import json, sys, threading
from cityservices.config import Settings
from cityservices.kit import events
from cityservices.platform.runtime import make_event_relay

relay = make_event_relay(Settings(database_url=sys.argv[1]))
got, seen = threading.Event(), []
events.subscribe("test.ping", lambda _t, payload: (seen.append(payload), got.set()))
events.start_relay(relay)
assert relay.connected.wait(30)
print("ready", flush=True)
assert got.wait(30), "no event arrived"
events.publish("test.pong", {"echo": seen[0], "pid": events.process_id()})
print(json.dumps(seen[0]), flush=True)
events.stop_relay(relay)
"""


@pytest.fixture
def no_relay() -> Iterator[None]:
    """This test owns the process's relay slot; whatever it starts is stopped afterwards."""
    assert events.current_relay() is None, "a relay leaked from another test"
    yield
    events.stop_relay()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def relay_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'relay.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


def _wait_connected(relay: events.Relay | None) -> ListeningRelay:
    assert isinstance(relay, ListeningRelay)
    assert relay.connected.wait(WAIT_S)
    return relay


def test_an_event_published_in_one_process_arrives_in_the_other(relay_db_url: str, no_relay: None) -> None:
    relay = make_event_relay(Settings(database_url=relay_db_url))
    expected = PostgresRelay if relay_db_url.startswith("postgresql") else FileRelay
    assert isinstance(relay, expected)
    pongs: list[dict[str, Any]] = []
    answered = threading.Event()

    def on_pong(_topic: str, payload: dict[str, Any]) -> None:
        pongs.append(payload)
        answered.set()

    stop = events.subscribe("test.pong", on_pong)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    command = [sys.executable, "-c", OTHER_PROCESS, relay_db_url]
    other = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        events.start_relay(relay)
        _wait_connected(relay)
        assert other.stdout is not None
        assert other.stdout.readline().strip() == "ready", other.stderr.read() if other.stderr else ""
        events.publish("test.ping", {"kind": "item", "key": "QD-RS-0001", "name": "社会保障卡"})
        received = json.loads(other.stdout.readline())
        assert received == {"kind": "item", "key": "QD-RS-0001", "name": "社会保障卡"}
        assert answered.wait(WAIT_S)  # and back: the other process's event reached this one
        assert pongs[0]["echo"] == received
        assert pongs[0]["pid"] != events.process_id()
        assert other.wait(WAIT_S) == 0
    finally:
        stop()
        if other.poll() is None:
            other.kill()


def test_a_process_ignores_its_own_events_coming_back(tmp_path: Path, no_relay: None) -> None:
    relay = FileRelay(tmp_path / "db-events", poll_s=0.01)
    seen: list[dict[str, Any]] = []
    stop = events.subscribe("test.echo", lambda _t, payload: seen.append(payload))
    try:
        events.start_relay(relay)
        _wait_connected(relay)
        events.publish("test.echo", {"n": 1})
        relay.poll()  # reads the line it appended itself
        events.receive(json.dumps({"origin": "another", "topic": "test.echo", "payload": {"n": 2}}))
        events.receive("not json")
    finally:
        stop()
    assert seen == [{"n": 1}, {"n": 2}]


def test_the_event_file_is_read_line_by_line_and_started_afresh_when_full(tmp_path: Path) -> None:
    path = tmp_path / "db-events"
    reader, writer = FileRelay(path, max_bytes=400), FileRelay(path, max_bytes=400)
    seen: list[dict[str, Any]] = []
    quiet: list[dict[str, Any]] = []  # a topic with no events of its own: the resync reaches it too
    stops = [events.subscribe("test.file", lambda _t, payload: seen.append(payload)),
             events.subscribe("test.quiet", lambda _t, payload: quiet.append(payload))]  # fmt: skip
    try:
        reader.seek_to_end()  # polled by hand below, without its thread
        other = json.dumps({"origin": "writer", "topic": "test.file", "payload": {"n": 1}})
        writer.send(other)
        with path.open("ab") as handle:  # a line still being written is left for the next poll
            handle.write(b'{"origin": "writer", "topic": "test.file", "payload": {"n": 2}')
        reader.poll()
        assert seen == [{"n": 1}]
        with path.open("ab") as handle:
            handle.write(b"}\n")
        reader.poll()
        assert seen == [{"n": 1}, {"n": 2}]
        for n in range(3, 20):  # past max_bytes the writer removes the file: the reader resyncs
            writer.send(json.dumps({"origin": "writer", "topic": "test.file", "payload": {"n": n}}))
            if not path.exists():
                break
        assert not path.exists()
        reader.poll()
        assert seen[-1] == events.RESYNC_PAYLOAD
        assert quiet == [events.RESYNC_PAYLOAD]
        writer.send(json.dumps({"origin": "writer", "topic": "test.file", "payload": {"n": 99}}))
        reader.poll()  # the next event starts a new file, read from its start
        assert seen[-1] == {"n": 99}
    finally:
        for stop in stops:
            stop()


@pytest.mark.postgres
def test_the_postgresql_listener_reconnects_and_resyncs(pg_url: str, no_relay: None) -> None:
    relay = make_event_relay(Settings(database_url=pg_url))
    assert isinstance(relay, PostgresRelay)
    changes: list[dict[str, Any]] = []
    changed = threading.Condition()

    def on_change(_topic: str, payload: dict[str, Any]) -> None:
        with changed:
            changes.append(payload)
            changed.notify_all()

    stop = events.subscribe("test.pg", on_change)
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    database = make_url(pg_url).database
    try:
        events.start_relay(relay)
        _wait_connected(relay)
        generation = events.data_generation()
        with admin.connect() as conn:  # drop the listener's connection, as a database restart would
            killed = conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :db AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
            ), {"db": database}).scalars().all()  # fmt: skip
        assert killed == [True]
        with changed:
            assert changed.wait_for(lambda: events.RESYNC_PAYLOAD in changes, timeout=WAIT_S)
        assert events.data_generation() > generation  # caches keyed on it drop their answers
        _wait_connected(relay)
        other = PostgresRelay(relay.conninfo)  # another process's sender
        try:
            other.send(json.dumps({"origin": "other", "topic": "test.pg", "payload": {"key": "V1"}}))
        finally:
            other.close()
        with changed:
            assert changed.wait_for(lambda: {"key": "V1"} in changes, timeout=WAIT_S)
    finally:
        stop()
        admin.dispose()


def test_data_generation_counts_each_topic_after_its_handlers() -> None:
    seen: list[int] = []
    stop = events.subscribe("test.a", lambda _t, _p: seen.append(events.data_generation("test.a")))
    try:
        a, b, total = events.data_generation("test.a"), events.data_generation("test.b"), events.data_generation()
        events.deliver("test.b", {})
        assert events.data_generation("test.a") == a  # another topic's change leaves it alone
        assert events.data_generation("test.b") == b + 1
        events.deliver("test.a", {"kind": "item", "key": "X"})
        assert seen == [a]  # the handlers ran before the number moved
        assert events.data_generation("test.a") == a + 1
        assert events.data_generation("test.a", "test.b") == a + b + 2
        assert events.data_generation() == total + 2  # no topic named: all of them
    finally:
        stop()


def test_a_resync_marks_every_known_topic_changed() -> None:
    events.register_topics("test.registered")
    assert "test.registered" in events.known_topics()
    assert "test.never-heard-of" not in events.known_topics()
    registered, total = events.data_generation("test.registered"), events.data_generation()
    events.resync()
    assert events.data_generation("test.registered") == registered + 1
    assert events.data_generation("test.never-heard-of") == 0
    assert events.data_generation() == total + len(events.known_topics())


@pytest.mark.postgres
def test_an_oversized_postgresql_event_is_sent_as_a_resync_of_its_topic(pg_url: str, no_relay: None) -> None:
    import psycopg

    relay = make_event_relay(Settings(database_url=pg_url))
    assert isinstance(relay, PostgresRelay)
    with psycopg.connect(relay.conninfo, autocommit=True) as listener:
        listener.execute(f"LISTEN {PG_CHANNEL}")
        try:
            relay.send(events.encode("test.big", {"text": "x" * 10_000}))
            (notify,) = list(listener.notifies(timeout=WAIT_S, stop_after=1))
        finally:
            relay.close()
    assert json.loads(notify.payload)["topic"] == "test.big"
    assert json.loads(notify.payload)["payload"] == events.RESYNC_PAYLOAD
