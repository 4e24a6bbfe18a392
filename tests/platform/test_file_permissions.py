"""The SQLite database, its WAL and shared-memory files and its backups are created readable by their owner
only (0600), whatever the process umask (kit.private_files)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from cityservices.db import make_engine
from cityservices.kit.backup import backup_sqlite, restore_sqlite


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0o022)  # the common default that made these files world-readable (0644)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_wal_and_shm_files_are_private(tmp_path: Path) -> None:
    database = tmp_path / "var" / "cityservices.db"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (phone TEXT)"))
        connection.execute(text("INSERT INTO t VALUES ('13812345678')"))
        files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        assert all(path.exists() for path in files)
        assert {path.name: _mode(path) for path in files} == {path.name: 0o600 for path in files}
    engine.dispose()


def test_backups_and_restored_databases_are_private(tmp_path: Path) -> None:
    database = tmp_path / "live.db"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num TEXT)"))
    engine.dispose()
    backup = tmp_path / "backups" / "b.db"
    backup_sqlite(database, backup)
    assert _mode(backup) == 0o600
    restored = tmp_path / "elsewhere" / "restored.db"
    restore_sqlite(backup, restored)
    assert _mode(restored) == 0o600
