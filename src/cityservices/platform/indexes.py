"""One process's copy of an in-memory index built from the database: rebuilt after a change, or when old.

The copy is dropped on every event of the topics it follows (``kit.events``, relayed from the other processes;
a domain's index follows its domain's topic), and the next use builds it again before answering: a change is
never answered from the old copy. A copy older than ``ttl_s`` seconds (a safety net for a change made by a
process that relays nothing) is rebuilt in the background while requests go on using it, so that readers never
wait for a periodic rebuild (on PostgreSQL the venue index takes about a second to build, and every request of
the worker would queue behind it). Each build is counted in the metrics under the index's name.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cityservices.kit import events
from cityservices.platform.metrics import observe_index_build

T = TypeVar("T")
log = logging.getLogger(__name__)


class RebuiltOnChange(Generic[T]):
    def __init__(self, build: Callable[[Session], T], *, name: str, topics: Sequence[str], ttl_s: float = 60.0) -> None:
        self.build, self.name, self.ttl_s = build, name, ttl_s
        self._value: T | None = None
        self._built = 0.0
        self._generation = 0  # bumped by every change, so a background build begun before one is thrown away
        self._refreshing = False
        self._lock = threading.Lock()
        ref = weakref.ref(self)

        def on_change(_topic: str, _payload: dict[str, Any]) -> None:
            cache = ref()
            if cache is not None:
                cache.clear()

        for topic in topics:
            weakref.finalize(self, events.subscribe(topic, on_change))

    def get(self, session: Session) -> T:
        with self._lock:
            if self._value is None:
                self._value = self._timed_build(session)
                self._built = time.monotonic()
                return self._value
            if time.monotonic() - self._built > self.ttl_s and not self._refreshing:
                self._refresh_in_background(session)
            return self._value

    def clear(self) -> None:
        with self._lock:
            self._value = None
            self._generation += 1

    def _timed_build(self, session: Session) -> T:
        began = time.perf_counter()
        value = self.build(session)
        observe_index_build(self.name, time.perf_counter() - began)
        return value

    def _refresh_in_background(self, session: Session) -> None:
        """Rebuild on a thread with a session of its own (the caller's may be bound to its own connection)."""
        bind = session.get_bind()
        if not isinstance(bind, Engine):  # a session on one connection (tests): rebuild here, as it is shared
            self._value = self._timed_build(session)
            self._built = time.monotonic()
            return
        self._refreshing = True
        generation = self._generation
        threading.Thread(
            target=self._refresh, args=(bind, generation), name=f"rebuild-{self.name}", daemon=True
        ).start()

    def _refresh(self, engine: Engine, generation: int) -> None:
        try:
            with Session(engine) as session:
                value = self._timed_build(session)
        except Exception:
            log.exception("background rebuild of the %s index failed; the current one stays", self.name)
            value = None
        with self._lock:
            self._refreshing = False
            if value is not None and generation == self._generation:
                self._value, self._built = value, time.monotonic()
            elif value is None:
                self._built = time.monotonic()  # try again after another ttl_s, not at once
