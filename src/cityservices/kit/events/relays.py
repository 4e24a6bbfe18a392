"""Relays that carry ``kit.events`` between processes: Redis pub/sub, PostgreSQL LISTEN/NOTIFY, a shared file.

Each relay listens on a daemon thread. A listener that loses its connection reconnects with exponential
backoff (0.5 s doubling to 30 s) and, once back, delivers a local *resync* event (``events.resync``): events
sent while it was away are lost, so every index treats everything as changed.

- ``RedisRelay``: channel ``cityservices:events``.
- ``PostgresRelay``: ``NOTIFY cityservices_events`` on a connection of its own (opened at the first publish),
  ``LISTEN`` on another; PostgreSQL delivers a notification to every listening session of the database.
- ``FileRelay``: for SQLite, where there is no server to notify through. Each event is one line appended
  (``O_APPEND``, one ``write``) to a file beside the database; every process ``stat``s the file every
  ``poll_s`` seconds and reads the lines added since. The file is removed once past ``max_bytes`` (readers
  then resync). Processes must share the file system, as they must for a SQLite database anyway.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from cityservices.kit import events

log = logging.getLogger(__name__)
PG_CHANNEL = "cityservices_events"
PG_MAX_PAYLOAD = 7900  # NOTIFY payloads must stay under 8000 bytes
FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 30.0
WAKE_S = 0.25  # how often a waiting listener looks at the stop flag


class ListeningRelay:
    """A relay whose listener runs ``listen()`` on a daemon thread until ``stop()``, reconnecting on errors."""

    name = "relay"

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._connected_once = False
        self._backoff = FIRST_BACKOFF_S
        self.connected = threading.Event()  # set while the listener is connected

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"cityservices-events-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self.close()

    def send(self, message: str) -> None:
        raise NotImplementedError

    def listen(self) -> None:
        """Connect, call ``self.on_connected()``, then hand each message to ``events.receive`` until stopped."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what ``send`` opened."""

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def on_connected(self) -> None:
        self.connected.set()
        if self._connected_once:
            log.warning("event relay %s reconnected: rebuilding in-memory indexes", self.name)
            events.resync()
        self._connected_once = True
        self._backoff = FIRST_BACKOFF_S

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.listen()
            except Exception as exc:
                if self._stopping.is_set():
                    break
                log.warning("event relay %s lost its connection (%s); retrying in %.1f s", self.name, exc,
                            self._backoff)  # fmt: skip
            self.connected.clear()
            if self._stopping.wait(self._backoff):
                break
            self._backoff = min(self._backoff * 2, MAX_BACKOFF_S)


class RedisRelay(ListeningRelay):
    name = "redis"

    def __init__(self, url: str) -> None:
        super().__init__()
        import redis

        self._client: Any = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)

    def send(self, message: str) -> None:
        self._client.publish(events.REDIS_CHANNEL, message)

    def listen(self) -> None:
        pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(events.REDIS_CHANNEL)
            self.on_connected()
            while not self.stopping:
                message = pubsub.get_message(timeout=WAKE_S)
                if message is not None:
                    events.receive(message["data"])
        finally:
            pubsub.close()

    def close(self) -> None:
        self._client.close()


class PostgresRelay(ListeningRelay):
    """LISTEN / NOTIFY through psycopg 3. ``conninfo`` is a libpq URL (``postgresql://user@host/db``)."""

    name = "postgresql"

    def __init__(self, conninfo: str) -> None:
        super().__init__()
        self.conninfo = conninfo
        self._sender: Any = None
        self._send_lock = threading.Lock()

    def _connect(self) -> Any:
        import psycopg

        # TCP keepalives: a connection dropped silently (a firewall, a dead host) is noticed within a minute.
        return psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5, keepalives=1,
                               keepalives_idle=20, keepalives_interval=5, keepalives_count=3)  # fmt: skip

    def send(self, message: str) -> None:
        if len(message.encode()) > PG_MAX_PAYLOAD:
            message = events.encode(json.loads(message)["topic"], dict(events.RESYNC_PAYLOAD))  # "all of it"
        with self._send_lock:
            for attempt in (1, 2):  # a connection closed since the last event is replaced once
                try:
                    if self._sender is None or self._sender.closed:
                        self._sender = self._connect()
                    self._sender.execute("SELECT pg_notify(%s, %s)", (PG_CHANNEL, message))
                    return
                except Exception:
                    self._close_sender()
                    if attempt == 2:
                        raise

    def listen(self) -> None:
        with self._connect() as conn:
            conn.execute(f"LISTEN {PG_CHANNEL}")
            self.on_connected()
            while not self.stopping:
                for notify in conn.notifies(timeout=WAKE_S):
                    events.receive(notify.payload)

    def close(self) -> None:
        with self._send_lock:
            self._close_sender()

    def _close_sender(self) -> None:
        if self._sender is not None:
            try:
                self._sender.close()
            except Exception:
                log.debug("closing the NOTIFY connection failed", exc_info=True)
            self._sender = None


class FileRelay(ListeningRelay):
    """Events as lines appended to ``path``, read by every process sharing the file system."""

    name = "file"

    def __init__(self, path: Path, *, poll_s: float = 0.25, max_bytes: int = 1024 * 1024) -> None:
        super().__init__()
        self.path = path.resolve()
        self.poll_s = poll_s
        self.max_bytes = max_bytes
        self._inode: int | None = None
        self._offset = 0

    def send(self, message: str) -> None:
        line = (message.replace("\n", " ") + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)  # one write with O_APPEND: lines of concurrent writers never interleave
            full = os.fstat(fd).st_size > self.max_bytes
        finally:
            os.close(fd)
        if full:
            self.path.unlink(missing_ok=True)  # readers notice and resync; the next event starts a new file

    def listen(self) -> None:
        self.seek_to_end()
        self.on_connected()
        while not self._stopping.wait(self.poll_s):
            self.poll()

    def seek_to_end(self) -> None:
        """Start reading at the end of the file: events written before are not ours to replay."""
        try:
            found = os.stat(self.path)
            self._inode, self._offset = found.st_ino, found.st_size
        except FileNotFoundError:
            self._inode, self._offset = None, 0

    def poll(self) -> None:
        """Deliver the events appended since the last poll."""
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            if self._inode is not None:  # removed (full): whatever was not read yet is lost
                self._inode, self._offset = None, 0
                events.resync()
            return
        if self._inode is None:
            self._inode = found.st_ino
        elif found.st_ino != self._inode or found.st_size < self._offset:  # replaced or emptied meanwhile
            self._inode, self._offset = found.st_ino, 0
            events.resync()
        if found.st_size <= self._offset:
            return
        with self.path.open("rb") as handle:
            handle.seek(self._offset)
            data = handle.read(found.st_size - self._offset)
        complete = data.rfind(b"\n") + 1  # a line still being written is read at the next poll
        self._offset += complete
        for line in data[:complete].splitlines():
            if line.strip():
                events.receive(line)
