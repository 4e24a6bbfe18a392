"""The index is built once per database, patched for an edited record, and rebuilt in the background when the
catalogue changes in bulk (the current index answering until the new one is ready)."""

from __future__ import annotations

import time

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.platform.migrate import upgrade_to_head
from cityservices.service_map.install import CHANGED
from cityservices.service_map.interchange.store import import_dataset
from cityservices.service_map.search import cache
from cityservices.service_map.search.engine import SearchIndex
from tests.builders import make_dataset


def test_cached_until_the_catalogue_changes(migrated_db_url: str) -> None:
    engine = make_engine(migrated_db_url)
    upgrade_to_head(engine)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        import_dataset(session, make_dataset(), mode="replace")
    first = cache.get_search_index(engine, sessions)
    assert cache.get_search_index(engine, sessions) is first
    dataset = make_dataset()
    dataset.items[1] = dataset.items[1].model_copy(update={"name": "失业保险金申领（改名）"})
    with session_scope(sessions) as session:
        import_dataset(session, dataset, mode="replace")
    cache.CHECK_SECONDS, saved = 0.0, cache.CHECK_SECONDS
    try:
        rebuilt = _next_generation(engine, sessions, first)
    finally:
        cache.CHECK_SECONDS = saved
    assert rebuilt.search("失业金").items[0].name == "失业保险金申领（改名）"
    cache.invalidate_search_index(engine)
    assert cache.get_search_index(engine, sessions) is not rebuilt
    engine.dispose()


def test_a_bulk_change_event_replaces_the_cached_index(migrated_db_url: str) -> None:
    from cityservices.kit import events

    engine = make_engine(migrated_db_url)
    upgrade_to_head(engine)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        import_dataset(session, make_dataset(), mode="replace")
    first = cache.get_search_index(engine, sessions)
    events.publish(CHANGED, {"kind": "import", "key": "replace"})
    assert _next_generation(engine, sessions, first) is not first
    engine.dispose()


def _next_generation(engine: Engine, sessions: sessionmaker[Session], current: SearchIndex) -> SearchIndex:
    """The index that replaces ``current``, built in the background (bounded wait; no timing is asserted)."""
    for _ in range(1200):
        index = cache.get_search_index(engine, sessions)
        if index is not current:
            return index
        time.sleep(0.05)
    raise AssertionError("the index was not rebuilt")
