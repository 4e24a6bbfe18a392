"""Staff test fixtures (imported by tests/staff/conftest.py and tests/test_security.py): an app whose every
request runs inside the test's rolled-back transaction."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from cityservices.app import create_app
from cityservices.config import Settings
from tests.service_map.editing.helpers import seed


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    transaction = conn.begin()
    if conn.dialect.name == "sqlite":
        # pysqlite begins its transaction lazily, at the first write; a SAVEPOINT before that would start (and
        # its RELEASE commit) a transaction of its own. A no-op write begins the outer transaction now.
        conn.execute(text("DELETE FROM login_attempts WHERE 1 = 0"))
    try:
        yield conn
    finally:
        transaction.rollback()
        conn.close()


def make_settings(database_url: str, tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "secret_key": "test-secret-key-0123456789",
        "media_dir": tmp_path / "media",
        "rate_limit_login_per_minute": 100_000,
        "rate_limit_api_per_minute": 100_000,
        "rate_limit_shared": False,  # counts of one test's app only (the shared stores: tests/kit/test_ratelimit.py)
        **overrides,
    }
    return Settings.model_validate(values)


@pytest.fixture
def staff_settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path)


def bind_app(app: FastAPI, connection: Connection) -> FastAPI:
    """Every request's session joins ``connection``'s transaction through savepoints."""
    app.state.runtime.sessions = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return app


@pytest.fixture
def app(connection: Connection, staff_settings: Settings) -> FastAPI:
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        seed(session)
        session.commit()
    return bind_app(create_app(staff_settings), connection)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture
def db(connection: Connection) -> Iterator[Session]:
    """A session on the test's connection, to look at what requests stored."""
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        yield session
