"""One process's copy of an in-memory index built from the database: rebuilt after a change, or when old.

The copy is dropped on every ``service_map.changed`` event (``kit.events``, relayed from the other processes)
and in any case when older than ``ttl_s`` seconds (a change made by a process that relays nothing), and built
again on next use. Each build is counted in the metrics under the index's name.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from cityservices.kit import events
from cityservices.metrics import observe_index_build

T = TypeVar("T")


class RebuiltOnChange(Generic[T]):
    def __init__(self, build: Callable[[Session], T], *, name: str, ttl_s: float = 60.0) -> None:
        self.build, self.name, self.ttl_s = build, name, ttl_s
        self._value: T | None = None
        self._built = 0.0
        self._lock = threading.Lock()
        ref = weakref.ref(self)

        def on_change(_topic: str, _payload: dict[str, Any]) -> None:
            cache = ref()
            if cache is not None:
                cache.clear()

        weakref.finalize(self, events.subscribe(events.SERVICE_MAP_CHANGED, on_change))

    def get(self, session: Session) -> T:
        with self._lock:
            if self._value is None or time.monotonic() - self._built > self.ttl_s:
                began = time.perf_counter()
                self._value = self.build(session)
                self._built = time.monotonic()
                observe_index_build(self.name, time.perf_counter() - began)
            return self._value

    def clear(self) -> None:
        with self._lock:
            self._value = None
