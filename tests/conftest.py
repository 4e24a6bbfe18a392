"""Fixtures: real databases (SQLite file and PostgreSQL), schema built by the migrations.

``fresh_db_url`` is an empty database (no tables), for the tests of the migrations and of first-run behaviour;
``migrated_db_url`` is a database whose schema the migrations built, copied from a template that each test process
migrates once (SQLite: the sqlite3 backup API; PostgreSQL: ``CREATE DATABASE … TEMPLATE``)."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from cityservices.auth import passwords
from cityservices.db import make_engine, make_session_factory
from cityservices.platform.migrate import upgrade_to_head

PG_ADMIN_URL = os.environ.get("CITYSERVICES_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


BROWSER = "tests/browser"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadfile``, the browser test files are one work unit, handed out first: one worker loads the
    demo data and starts the servers (tests/browser/conftest.py, session-scoped) once for all of them, instead of
    each worker doing so for the few browser files it happens to get at the end of the run (xdist hands out the
    files with the most tests first, and a browser file holds few, each slow)."""
    if config.getoption("dist", None) != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class BrowserFilesTogether(LoadFileScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return BROWSER if nodeid.startswith(BROWSER + "/") else str(super()._split_scope(nodeid))

        def _assign_work_unit(self, node: Any) -> None:
            if BROWSER in self.workqueue:
                self.workqueue.move_to_end(BROWSER, last=False)
            super()._assign_work_unit(node)

    return BrowserFilesTogether(config, log)


# Argon2id with the lowest cost argon2-cffi allows (RFC 9106's parameters take ~0.3 s a hash or check on a two-core
# machine, and the suite signs in some thousand times): the same algorithm and code paths, in the test processes
# only; the servers the tests start as subprocesses keep the real parameters, and `production_password_hashing`
# restores them for a test.
FAST_PASSWORD_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PRODUCTION_PASSWORD_HASHING = (passwords._hasher, passwords._DUMMY_HASH)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> Iterator[None]:
    passwords._hasher = FAST_PASSWORD_HASHER
    passwords._DUMMY_HASH = FAST_PASSWORD_HASHER.hash("cityservices-dummy-password")
    yield
    passwords._hasher, passwords._DUMMY_HASH = PRODUCTION_PASSWORD_HASHING


@pytest.fixture
def production_password_hashing(fast_password_hashing: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real Argon2id parameters for this test."""
    monkeypatch.setattr(passwords, "_hasher", PRODUCTION_PASSWORD_HASHING[0])
    monkeypatch.setattr(passwords, "_DUMMY_HASH", PRODUCTION_PASSWORD_HASHING[1])


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect():
            pass
        engine.dispose()
    except Exception:
        return False
    return True


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}")
        pytest.skip("PostgreSQL is not reachable")
    yield from _throwaway_pg_database("cityservices_test")


def _throwaway_pg_database(prefix: str, *, template: str | None = None) -> Iterator[str]:
    """Create a uniquely named PostgreSQL database (a copy of ``template`` if given), yield its URL, and drop it
    afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def rate_limit_instant(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rate limits count per minute-long window: fixing their clock keeps a test's requests in one window (at
    real time, requests that straddle a minute boundary are counted in two and a limit seems not to apply)."""
    from types import SimpleNamespace

    from cityservices.kit import ratelimit

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each database-backed test runs on SQLite and on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture(scope="session")
def migrated_engines() -> dict[str, Engine]:
    return {}


@pytest.fixture
def engine(db_url: str, migrated_engines: dict[str, Engine]) -> Engine:
    """An engine on a database whose schema was built by running the migrations (once per session)."""
    if db_url not in migrated_engines:
        eng = make_engine(db_url)
        upgrade_to_head(eng)
        migrated_engines[db_url] = eng
    return migrated_engines[db_url]


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test (savepoints allow commits inside)."""
    connection = engine.connect()
    transaction = connection.begin()
    factory = make_session_factory(engine)
    sess = factory(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield sess
    finally:
        sess.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def fresh_db_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database (no tables) private to one test: for the tests of the migrations and of what a
    first run does on an empty database; a test that needs the schema takes ``migrated_db_url``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    yield from _throwaway_pg_database("cityservices_fresh")


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Per backend, a database migrated once for this test process: a SQLite file path or a PostgreSQL name."""
    templates: dict[str, str] = {}
    yield templates
    if "postgresql" in templates:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{templates["postgresql"]}" WITH (FORCE)'))
        admin.dispose()


def _sqlite_template(templates: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> str:
    if "sqlite" not in templates:
        path = tmp_path_factory.mktemp("template") / "migrated.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade_to_head(engine)
        engine.dispose()
        with sqlite3.connect(path) as conn:  # everything into the main file, so a copy of it is complete
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        templates["sqlite"] = str(path)
    return templates["sqlite"]


def _pg_template(templates: dict[str, str]) -> str:
    if "postgresql" not in templates:
        name = f"cityservices_template_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        engine = make_engine(make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False))
        upgrade_to_head(engine)
        engine.dispose()  # a template must have no open connection when it is copied
        templates["postgresql"] = name
    return templates["postgresql"]


@pytest.fixture
def migrated_db_url(
    db_url: str,
    tmp_path: Path,
    migrated_templates: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """A URL of a database private to one test, its schema built by the migrations and holding no rows (for CLI,
    app and whole-process tests that start from an installed, empty platform)."""
    yield from migrated_copy(db_url, tmp_path / "fresh.db", migrated_templates, tmp_path_factory)


def migrated_copy(
    db_url: str,
    path: Path,
    templates: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
    prefix: str = "cityservices_fresh",
) -> Iterator[str]:
    """A database of its own copied from this process's migrated template (a module's shared database too, so that
    it is not migrated from scratch): on SQLite the file ``path``, on PostgreSQL a new database named from
    ``prefix``, dropped when the generator resumes."""
    if db_url.startswith("sqlite"):
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # 0600, as make_engine creates it
        source = sqlite3.connect(_sqlite_template(templates, tmp_path_factory))
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        yield f"sqlite:///{path}"
        return
    yield from _throwaway_pg_database(prefix, template=_pg_template(templates))
