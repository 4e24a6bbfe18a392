"""Engine, session factory and the declarative base shared by every domain."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from cityservices.kit.private_files import create_private_file

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention (migrations depend on it)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, busy_timeout_ms: int = 15_000) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, *, echo: bool = False, pool_size: int = 16, busy_timeout_ms: int = 15_000) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout, and its file is created 0600.

    A PostgreSQL engine keeps ``pool_size`` connections open (and opens as many again under a burst): a request
    that has to open a connection waits for a new server process, which under load can take a second."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            create_private_file(Path(parsed.database))  # 0600: its WAL and shared-memory files follow it
        engine = create_engine(url, echo=echo)
        event.listen(engine, "connect", functools.partial(_sqlite_pragmas, busy_timeout_ms=busy_timeout_ms))
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def refresh_planner_statistics(engine: Engine) -> None:
    """After a bulk load: ``VACUUM ANALYZE`` on PostgreSQL, ``ANALYZE`` on SQLite.

    The planner then knows the new table sizes at once, and PostgreSQL's visibility map is set, instead of
    autovacuum doing both later while the server is under load. SQLite's ``VACUUM`` would rewrite the whole
    file, so it only gets ``ANALYZE``."""
    command = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(command)


def open_pool(engine: Engine, connections: int) -> None:
    """Open ``connections`` pooled connections now (PostgreSQL), so that no request waits for one to be opened:
    a pool grows only when a request finds every connection busy, and under load opening one took seconds."""
    if engine.dialect.name != "postgresql":
        return
    opened = [engine.connect() for _ in range(connections)]
    for connection in opened:
        connection.close()  # back to the pool, which keeps up to pool_size of them open
