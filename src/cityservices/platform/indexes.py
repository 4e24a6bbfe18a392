"""One process's copy of an in-memory index built from the database: patched or rebuilt after a change, or when old.

The copy follows the change events of its topics (``kit.events``, relayed from the other processes; a domain's
index follows its domain's topic). What happens on an event depends on what the index can do:

- An index without a ``patch`` function drops its copy, and the next use builds it again before answering: a
  change is never answered from the old copy.
- An index with a ``patch`` function keeps answering. A **single-record change** (a payload with
  ``"scope": "record"`` naming ``kind`` and ``key``, as staff edits publish) is queued and applied by the next
  use, with that request's session, before it answers: the patch reads the one record and replaces its entries,
  so an edit is visible at once without rebuilding anything. A patch may say that it is *approximate* (e.g. the
  corpus statistics of a text index moved a little): the copy is then rebuilt in the background, the patched copy
  answering meanwhile. A patch may also refuse (``None``): then the copy is rebuilt before answering, as above.
  A **bulk change** (an import, a resync, anything else) is rebuilt in the background, the current generation
  answering until the new one is ready; changes heard while it is built are patched onto it when it lands.

A copy older than ``ttl_s`` seconds (a safety net for a change made by a process that relays nothing) is rebuilt
in the background too, so that readers never wait for a periodic rebuild (on PostgreSQL the venue index takes
about a second to build, and every request of the worker would queue behind it). Each build and each patch is
counted in the metrics under the index's name.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cityservices.kit import events
from cityservices.platform.metrics import observe_index_build

T = TypeVar("T")
log = logging.getLogger(__name__)
RECORD_SCOPE = "record"  # the payload's "scope" of a change to exactly one record


@dataclass(frozen=True)
class RecordChange:
    """One record changed: its kind (``venue``, ``item`` …, as its domain names them) and key."""

    kind: str
    key: str


@dataclass(frozen=True)
class Patched(Generic[T]):
    """A patched copy; ``exact`` False when it is good to answer with but should be rebuilt in the background."""

    value: T
    exact: bool = True


Patch = Callable[[T, Session, RecordChange], "Patched[T] | None"]


def record_change(payload: Mapping[str, Any]) -> RecordChange | None:
    """The single record an event's payload names (``{"scope": "record", "kind", "key"}``), else None (bulk)."""
    kind, key = payload.get("kind"), payload.get("key")
    if payload.get("scope") == RECORD_SCOPE and isinstance(kind, str) and isinstance(key, str) and kind and key:
        return RecordChange(kind, key)
    return None


class RebuiltOnChange(Generic[T]):
    def __init__(
        self,
        build: Callable[[Session], T],
        *,
        name: str,
        topics: Sequence[str],
        ttl_s: float = 60.0,
        patch: Patch[T] | None = None,
    ) -> None:
        self.build, self.name, self.ttl_s, self.patch = build, name, ttl_s, patch
        self._value: T | None = None
        self._built = 0.0
        self._generation = 0  # bumped by every change a background build cannot have seen
        self._refreshing = False
        self._stale = False  # a bulk change (or an approximate patch) asks for a background rebuild
        self._pending: list[RecordChange] = []  # single-record changes to patch before the next answer
        self._heard_while_building: list[RecordChange] = []
        self._lock = threading.Lock()
        ref = weakref.ref(self)

        def on_change(_topic: str, payload: dict[str, Any]) -> None:
            cache = ref()
            if cache is not None:
                cache.changed(payload)

        for topic in topics:
            weakref.finalize(self, events.subscribe(topic, on_change))

    def get(self, session: Session) -> T:
        with self._lock:
            if self._value is None:
                self._install_fresh(session)
                assert self._value is not None
                return self._value
            if self._pending:
                self._apply_pending(session)
            assert self._value is not None
            old = time.monotonic() - self._built > self.ttl_s
            if (self._stale or old) and not self._refreshing:
                self._refresh_in_background(session)
            return self._value

    def ready(self) -> T | None:
        """The current copy when it can answer without a session, else None (then ``get`` with a session).

        None when nothing is built yet, a single-record change waits to be patched on, a rebuild is due and not
        under way, or the lock is held (a build or patch on another thread): it never waits, so a route on the
        event loop asks it first and goes to the thread pool, with a session, only on a miss."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if self._value is None or self._pending:
                return None
            due = self._stale or time.monotonic() - self._built > self.ttl_s
            return None if due and not self._refreshing else self._value
        finally:
            self._lock.release()

    def changed(self, payload: Mapping[str, Any]) -> None:
        """An event of a followed topic (see the module's description)."""
        change = record_change(payload)
        with self._lock:
            if self.patch is None:
                self._value = None
                self._generation += 1
                return
            if self._value is None:
                return  # nothing built yet: the first use reads everything
            if change is None:
                self._stale = True
                self._generation += 1
                return
            self._pending.append(change)
            if self._refreshing:
                self._heard_while_building.append(change)

    def clear(self) -> None:
        """Forget the copy: the next use builds it before answering."""
        with self._lock:
            self._value = None
            self._pending.clear()
            self._generation += 1

    def mark_stale(self) -> None:
        """Rebuild in the background at the next use (the data may have changed unannounced)."""
        with self._lock:
            self._stale = True

    @property
    def refreshing(self) -> bool:
        return self._refreshing

    def _install_fresh(self, session: Session) -> None:
        self._value = self._timed_build(session)
        self._built = time.monotonic()
        self._pending.clear()
        self._stale = False

    def _apply_pending(self, session: Session) -> None:
        """Patch every queued change onto the copy (under the lock); a refused patch rebuilds it here."""
        assert self.patch is not None
        assert self._value is not None
        began = time.perf_counter()
        value = self._value
        while self._pending:
            change = self._pending.pop(0)
            patched = self.patch(value, session, change)
            if patched is None:
                log.info("the %s index cannot patch %s %s: rebuilding", self.name, change.kind, change.key)
                self._install_fresh(session)
                return
            value = patched.value
            if not patched.exact:
                self._stale = True
        self._value = value
        observe_index_build(f"{self.name}_patch", time.perf_counter() - began)

    def _timed_build(self, session: Session) -> T:
        began = time.perf_counter()
        value = self.build(session)
        observe_index_build(self.name, time.perf_counter() - began)
        return value

    def _refresh_in_background(self, session: Session) -> None:
        """Rebuild on a thread with a session of its own (the caller's may be bound to its own connection)."""
        bind = session.get_bind()
        if not isinstance(bind, Engine):  # a session on one connection (tests): rebuild here, as it is shared
            self._install_fresh(session)
            return
        self._refreshing, self._stale = True, False
        self._heard_while_building = []
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
            if value is None:
                self._built = time.monotonic()  # try again after another ttl_s, not at once
                return
            if self.patch is None and generation != self._generation:
                return  # begun before a change this index cannot patch: thrown away
            if self._value is None:
                return  # cleared meanwhile: the next use builds afresh
            # Single-record changes heard while building may be missing from it: they are patched on again at the
            # next use (patches are idempotent: they read the record's current state). A bulk change heard while
            # building left _stale set, so another background build follows.
            self._value, self._built = value, time.monotonic()
            self._pending = list(self._heard_while_building)
            self._heard_while_building = []
