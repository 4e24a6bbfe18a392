"""Rate limits are shared by every worker: a file beside SQLite, the database on PostgreSQL (Redis: see
tests/platform/test_security.py). The attack: with 2 workers, 17 sign-ins passed in a minute against a limit
of 10, because each worker counted alone."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from fastapi.testclient import TestClient

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.db import make_engine
from cityservices.kit.ratelimit import DatabaseRateLimiter, FileRateLimiter, MemoryRateLimiter, make_rate_limiter
from cityservices.platform.migrate import upgrade_to_head


def _hits_in_a_process(path: str, count: int) -> int:
    limiter = FileRateLimiter(Path(path))
    return sum(limiter.hit("login", "203.0.113.9", limit=60, window=3600).allowed for _ in range(count))


def test_the_file_beside_sqlite_is_one_count_for_every_process(tmp_path: Path) -> None:
    path = str(tmp_path / "db.sqlite3.ratelimit")
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        allowed = pool.starmap(_hits_in_a_process, [(path, 50), (path, 50)])
    assert sum(allowed) == 60


def test_the_file_counts_per_bucket_and_key_and_reuses_past_windows(tmp_path: Path) -> None:
    first, second = FileRateLimiter(tmp_path / "x.ratelimit"), FileRateLimiter(tmp_path / "x.ratelimit")
    assert [first.hit("api", "a", limit=2, window=3600).allowed for _ in range(2)] == [True, True]
    assert not second.hit("api", "a", limit=2, window=3600).allowed
    assert second.hit("api", "b", limit=2, window=3600).allowed
    assert second.hit("login", "a", limit=2, window=3600).allowed
    for index in range(FileRateLimiter.SLOTS * 2):  # more keys than records: counting goes on, never wrongly refuses
        assert first.hit("api", f"client-{index}", limit=1, window=3600).allowed


def test_the_database_is_one_count_for_every_worker(migrated_db_url: str) -> None:
    engines = [make_engine(migrated_db_url), make_engine(migrated_db_url)]
    upgrade_to_head(engines[0])
    workers = [DatabaseRateLimiter(engine) for engine in engines]
    allowed = [workers[i % 2].hit("login", "203.0.113.9", limit=10, window=3600).allowed for i in range(17)]
    assert allowed == [True] * 10 + [False] * 7
    assert workers[1].hit("login", "198.51.100.1", limit=10, window=3600).allowed
    for engine in engines:
        engine.dispose()


def test_the_store_follows_the_configuration(tmp_path: Path) -> None:
    assert isinstance(make_rate_limiter(None, f"sqlite:///{tmp_path / 'a.db'}"), FileRateLimiter)
    assert (tmp_path / "a.db.ratelimit").stat().st_mode & 0o077 == 0
    assert isinstance(make_rate_limiter(None, "postgresql+psycopg://u@127.0.0.1/x"), DatabaseRateLimiter)
    assert isinstance(make_rate_limiter(None, "sqlite://"), MemoryRateLimiter)
    assert isinstance(make_rate_limiter(None, f"sqlite:///{tmp_path / 'a.db'}", shared=False), MemoryRateLimiter)


def test_two_workers_share_the_public_api_limit(migrated_db_url: str, tmp_path: Path) -> None:
    """The attack through the app: 17 requests spread over two workers (two apps) against a limit of 10."""
    upgrade_to_head(make_engine(migrated_db_url))
    settings = Settings.model_validate({"database_url": migrated_db_url, "secret_key": "test-secret-key-0123456789",
                                        "media_dir": tmp_path / "media", "rate_limit_api_per_minute": 10})  # fmt: skip
    workers = [TestClient(create_app(settings), base_url="https://testserver") for _ in range(2)]
    if time.time() % 60 > 50:  # the limit's window is the clock's minute: start in a fresh one
        time.sleep(61 - time.time() % 60)
    codes = [workers[i % 2].get("/api/v1/health").status_code for i in range(17)]
    assert codes == [200] * 10 + [429] * 7
