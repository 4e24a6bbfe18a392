"""The in-process cache of the built index: one per database engine (so per app / runtime).

Each process holds its own index (ARCHITECTURE §1), kept by ``platform.indexes.RebuiltOnChange`` on the
``service_map.changed`` topic (``kit.events``: staff edits and imports, relayed between processes). A staff edit
of one record is patched into the index before the next search answers (``search.patch``); a bulk change (an
import) is rebuilt in the background while the current index goes on answering. A cheap fingerprint of the
catalogue (row counts, highest ids, total name length) is re-read at most every ``CHECK_SECONDS`` to catch
changes nobody announced (an import from a command line whose event did not reach this process); a difference
starts a background rebuild too.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from cityservices.platform.indexes import RebuiltOnChange
from cityservices.service_map.install import CHANGED
from cityservices.service_map.search.engine import SearchIndex, build_search_index
from cityservices.service_map.search.patch import patch_search_index
from cityservices.service_map.search.repository import Fingerprint, catalogue_fingerprint

CHECK_SECONDS = 30.0
TTL_SECONDS = 24 * 3600.0  # changes arrive as events; the fingerprint check covers the rest


@dataclass
class _Entry:
    cache: RebuiltOnChange[SearchIndex]
    fingerprint: Fingerprint | None = None
    checked_at: float = 0.0


_entries: weakref.WeakKeyDictionary[Engine, _Entry] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def new_search_index_cache() -> RebuiltOnChange[SearchIndex]:
    """A cache of one database's index: patched for single-record edits, rebuilt in the background for bulk ones."""
    return RebuiltOnChange(
        build_search_index, name="search", topics=(CHANGED,), ttl_s=TTL_SECONDS, patch=patch_search_index
    )


def get_search_index(engine: Engine, sessions: sessionmaker[Session]) -> SearchIndex:
    """The cached index of this database: built on first use, patched or rebuilt when the catalogue changed."""
    with _lock:
        entry = _entries.get(engine)
        if entry is None:
            entry = _entries[engine] = _Entry(new_search_index_cache())
    now = time.monotonic()
    with sessions() as session:
        if now - entry.checked_at >= CHECK_SECONDS:
            fingerprint = catalogue_fingerprint(session)
            if entry.fingerprint is not None and fingerprint != entry.fingerprint:
                entry.cache.mark_stale()
            entry.fingerprint, entry.checked_at = fingerprint, now
        return entry.cache.get(session)


def ready_search_index(engine: Engine) -> SearchIndex | None:
    """The cached index of this database when it can answer without a session (built, nothing to patch, the
    fingerprint checked within ``CHECK_SECONDS``), else None: then ``get_search_index`` with a session. Never
    waits for a lock held by a build, so the event loop may ask it."""
    entry = _entries.get(engine)
    if entry is None or time.monotonic() - entry.checked_at >= CHECK_SECONDS:
        return None
    return entry.cache.ready()


def forget_search_index(engine: Engine) -> None:
    """Drop the cached index of ``engine`` (its app has shut down)."""
    with _lock:
        _entries.pop(engine, None)


def search_index_cache(engine: Engine) -> RebuiltOnChange[SearchIndex] | None:
    """The cache of ``engine``'s index, if one was made (for tests and diagnostics)."""
    entry = _entries.get(engine)
    return entry.cache if entry is not None else None


def invalidate_search_index(engine: Engine | None = None) -> None:
    """Forget the cached index of ``engine`` (of every engine when None): the next search rebuilds it."""
    with _lock:
        entries = list(_entries.values()) if engine is None else [e for e in [_entries.get(engine)] if e]
    for entry in entries:
        entry.cache.clear()
