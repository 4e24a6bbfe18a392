"""SQLite has one writer at a time: a staff edit waits for the others (busy timeout), and one that waited too long
gets 503 ``busy``, not a 500 ``database is locked``."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from cityservices.app import create_app
from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.platform.migrate import upgrade_to_head
from tests.service_map.editing.fixtures import make_settings
from tests.service_map.editing.helpers import SHINAN_VENUE, login, seed

PATH = f"/api/staff/venues/{SHINAN_VENUE}"


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(make_session_factory(engine)) as session:
        seed(session)
    engine.dispose()
    return url


def _edit(url: str, tmp_path: Path, busy_ms: int, hold_seconds: float) -> int:
    """An edit while another writer holds the database's write lock for ``hold_seconds``."""
    with TestClient(create_app(make_settings(url, tmp_path, sqlite_busy_timeout_ms=busy_ms)),
                    base_url="https://testserver") as client:  # fmt: skip
        token = login(client, "editor")
        body = client.get(PATH).json()
        other = sqlite3.connect(str(make_url(url).database), check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")  # another worker's long write
        release = threading.Timer(hold_seconds, other.rollback)
        release.start()
        try:
            change = {"record": {**body["record"], "transport": "地铁"}, "base_version": body["version"]}
            response = client.put(PATH, json=change, headers={"X-CSRF-Token": token})
        finally:
            release.join()
            other.close()
        return response.status_code


def test_an_edit_waits_for_another_writer(database: str, tmp_path: Path) -> None:
    assert _edit(database, tmp_path, busy_ms=10_000, hold_seconds=1.0) == 200


def test_an_edit_that_waits_too_long_gets_503_not_500(database: str, tmp_path: Path) -> None:
    assert _edit(database, tmp_path, busy_ms=200, hold_seconds=2.0) == 503
