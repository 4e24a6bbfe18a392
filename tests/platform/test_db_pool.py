"""The PostgreSQL pool: opened before a worker serves (``database_pool_prefill``), and sized by the settings."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.pool import QueuePool

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.db import make_engine, open_pool


def test_open_pool_leaves_that_many_connections_ready(db_url: str) -> None:
    engine = make_engine(db_url, pool_size=3)
    try:
        open_pool(engine, 3)
        if db_url.startswith("postgresql"):
            assert isinstance(engine.pool, QueuePool)
            assert engine.pool.checkedin() == 3
            assert engine.pool.size() == 3
        else:
            assert engine.pool.checkedout() == 0  # SQLite opens nothing ahead
    finally:
        engine.dispose()


def test_a_worker_told_to_prefill_opens_its_pool_before_it_is_ready(db_url: str, engine: object) -> None:
    settings = Settings(database_url=db_url, database_pool_size=4, database_pool_prefill=True)
    app = create_app(settings)
    with TestClient(app) as client:
        app.state.readiness.wait(90)  # the pool is opened by the warm-up, in the background, before it is ready
        assert client.get("/api/v1/ready").status_code in (200, 503)  # readiness itself is tested elsewhere
        pool = app.state.runtime.engine.pool
        if db_url.startswith("postgresql"):
            assert pool.checkedin() >= 4
    app.state.runtime.engine.dispose()
