"""What a process needs at run time, made from Settings: the engine, the session factory, the event relay."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from cityservices.config import Settings
from cityservices.db import make_engine, make_session_factory
from cityservices.kit import events
from cityservices.kit.events import Relay
from cityservices.kit.events.relays import FileRelay, PostgresRelay, RedisRelay


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


def make_runtime(settings: Settings) -> Runtime:
    engine = make_engine(settings.database_url, echo=settings.sql_echo, pool_size=settings.database_pool_size,
                         busy_timeout_ms=settings.sqlite_busy_timeout_ms)  # fmt: skip
    return Runtime(settings=settings, engine=engine, sessions=make_session_factory(engine))


def make_event_relay(settings: Settings) -> Relay | None:
    """The relay that carries change notifications between this process and the others (docs/operations.md,
    "Serving"): Redis when ``redis_url`` is set, else LISTEN/NOTIFY on PostgreSQL, else a file beside a SQLite
    database file; None for an in-memory SQLite database (one process only)."""
    if settings.redis_url:
        return RedisRelay(settings.redis_url)
    url = make_url(settings.database_url)
    if url.get_backend_name() == "postgresql":
        return PostgresRelay(url.set(drivername="postgresql").render_as_string(hide_password=False))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return FileRelay(Path(f"{url.database}-events"))
    return None


@contextmanager
def relayed_events(settings: Settings) -> Iterator[None]:
    """For a command that changes data while servers run: its change events also reach their processes."""
    relay = make_event_relay(settings)
    started = relay is not None and events.start_relay(relay)
    try:
        yield
    finally:
        if started:
            events.stop_relay(relay)
