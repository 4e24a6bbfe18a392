"""The in-process cache of the built index: one per database engine (so per app / runtime).

Each process holds its own index (ARCHITECTURE §1). It is dropped on a ``service_map.changed`` event
(``kit.events``: staff edits, relayed between processes when Redis is configured), and a cheap
fingerprint of the catalogue (row counts, highest ids, total name length) is re-read at most every
``CHECK_SECONDS`` to catch changes nobody announced (an import from the command line).
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from cityservices.kit import events
from cityservices.platform.metrics import observe_index_build
from cityservices.service_map.install import CHANGED
from cityservices.service_map.search.engine import SearchIndex, build_search_index
from cityservices.service_map.search.repository import Fingerprint, catalogue_fingerprint

CHECK_SECONDS = 30.0


@dataclass
class _Entry:
    index: SearchIndex
    fingerprint: Fingerprint
    checked_at: float


_entries: weakref.WeakKeyDictionary[Engine, _Entry] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def get_search_index(engine: Engine, sessions: sessionmaker[Session]) -> SearchIndex:
    """The cached index of this database, built on first use and rebuilt when the catalogue changed."""
    now = time.monotonic()
    entry = _entries.get(engine)
    if entry is not None and now - entry.checked_at < CHECK_SECONDS:
        return entry.index
    with _lock:
        entry = _entries.get(engine)
        if entry is not None and now - entry.checked_at < CHECK_SECONDS:
            return entry.index
        with sessions() as session:
            fingerprint = catalogue_fingerprint(session)
            if entry is not None and entry.fingerprint == fingerprint:
                entry.checked_at = now
                return entry.index
            began = time.perf_counter()
            index = build_search_index(session)
            observe_index_build("search", time.perf_counter() - began)
        _entries[engine] = _Entry(index, fingerprint, now)
        return index


def invalidate_search_index(engine: Engine | None = None) -> None:
    """Forget the cached index of ``engine`` (of every engine when None): the next search rebuilds it."""
    with _lock:
        if engine is None:
            _entries.clear()
        else:
            _entries.pop(engine, None)


def _on_service_map_changed(_topic: str, _payload: dict[str, Any]) -> None:
    invalidate_search_index()


events.subscribe(CHANGED, _on_service_map_changed)
