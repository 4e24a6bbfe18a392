"""Fixed-window rate limits, counted where every worker sees the same count.

- **Redis** when ``redis_url`` is configured (``INCR`` + ``EXPIRE``; if Redis fails, this process counts alone);
- otherwise the **database** on PostgreSQL (one upsert per hit in ``rate_limit_counters``);
- otherwise a **file beside the SQLite database** (a fixed table of counters in a memory-mapped file, changed
  under ``flock``), since every worker of a SQLite deployment runs on the one machine;
- **memory** (this process only) for an in-memory database or when asked for.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import mmap
import os
import struct
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.engine import Engine, make_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds until the window ends (0 when allowed)


class RateLimiter(Protocol):
    blocking: bool  # True when ``hit`` waits on the network (call it off the event loop)

    def hit(self, bucket: str, key: str, *, limit: int, window: int) -> Decision: ...


class MemoryRateLimiter:
    """Counts hits per (bucket, key, window) in this process."""

    blocking = False

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, bucket: str, key: str, *, limit: int, window: int) -> Decision:
        now = time.time()
        slot = int(now // window)
        with self._lock:
            if len(self._counts) > 100_000:
                self._counts = {k: v for k, v in self._counts.items() if k[2] >= slot}
            count = self._counts.get((bucket, key, slot), 0) + 1
            self._counts[(bucket, key, slot)] = count
        return _decide(count, limit, window, now)


class RedisRateLimiter:
    """Counts hits in Redis (INCR + EXPIRE), shared by every process; falls back to memory if Redis fails."""

    blocking = True

    def __init__(self, url: str) -> None:
        import redis

        self._client: Any = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._fallback = MemoryRateLimiter()

    def hit(self, bucket: str, key: str, *, limit: int, window: int) -> Decision:
        now = time.time()
        name = f"cityservices:rl:{bucket}:{key}:{int(now // window)}"
        try:
            pipe = self._client.pipeline()
            pipe.incr(name)
            pipe.expire(name, window + 1)
            count = int(pipe.execute()[0])
        except Exception:
            log.warning("Redis rate limiter unavailable; counting in this process")
            return self._fallback.hit(bucket, key, limit=limit, window=window)
        return _decide(count, limit, window, now)


class DatabaseRateLimiter:
    """Counts hits in the ``rate_limit_counters`` table (one upsert per hit, its own short transaction); past
    windows are dropped once per window and process. Falls back to memory if the database fails."""

    blocking = True

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._fallback = MemoryRateLimiter()
        self._cleaned: dict[str, int] = {}

    def hit(self, bucket: str, key: str, *, limit: int, window: int) -> Decision:
        from cityservices.kit.ratelimit import repository

        now = time.time()
        slot = int(now // window)
        try:
            with self._engine.begin() as connection:
                count = repository.count_hit(connection, bucket=bucket, key=key[:64], slot=slot)
                if self._cleaned.get(bucket) != slot:
                    self._cleaned[bucket] = slot
                    repository.drop_windows_before(connection, bucket=bucket, slot=slot - 1)
        except Exception:
            log.warning("database rate limiter unavailable; counting in this process", exc_info=True)
            return self._fallback.hit(bucket, key, limit=limit, window=window)
        return _decide(count, limit, window, now)


class FileRateLimiter:
    """Counts hits in a file shared by the processes of one machine: 65,536 records of (key hash, window, count),
    open addressing over 8 places, read and written under an exclusive ``flock``. When all 8 places hold other
    current keys, the smallest count is replaced (a burst of that many distinct clients undercounts, never
    overcounts)."""

    blocking = False
    SLOTS = 1 << 16
    PROBES = 8
    RECORD = struct.Struct("<QII")

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        size = self.SLOTS * self.RECORD.size
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if os.fstat(self._fd).st_size < size:
            os.ftruncate(self._fd, size)
        self._map = mmap.mmap(self._fd, size)
        self._lock = threading.Lock()

    def hit(self, bucket: str, key: str, *, limit: int, window: int) -> Decision:
        now = time.time()
        slot = int(now // window) & 0xFFFFFFFF
        digest = hashlib.blake2b(f"{bucket}\0{window}\0{key}".encode(), digest_size=8).digest()
        code = int.from_bytes(digest, "little") | 1  # 0 marks a free record
        with self._lock:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                count = self._count(code, slot)
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        return _decide(count, limit, window, now)

    def _count(self, code: int, slot: int) -> int:
        start = code % self.SLOTS
        places = [(start + probe) % self.SLOTS * self.RECORD.size for probe in range(self.PROBES)]
        records = [self.RECORD.unpack_from(self._map, offset) for offset in places]
        for offset, (found, at, count) in zip(places, records, strict=True):
            if found == code:
                count = count + 1 if at == slot else 1
                self.RECORD.pack_into(self._map, offset, code, slot, count)
                return count
        reusable = [offset for offset, (found, at, _) in zip(places, records, strict=True) if not found or at != slot]
        smallest = min(zip(places, records, strict=True), key=lambda pair: pair[1][2])[0]
        offset = reusable[0] if reusable else smallest
        self.RECORD.pack_into(self._map, offset, code, slot, 1)
        return 1


def _decide(count: int, limit: int, window: int, now: float) -> Decision:
    if count <= limit:
        return Decision(True, 0)
    return Decision(False, max(1, int(window - now % window)))


def make_rate_limiter(redis_url: str | None, database_url: str = "sqlite://", *, shared: bool = True) -> RateLimiter:
    """The limiter every worker shares (see the module's docstring); ``shared=False``: this process only."""
    if not shared:
        return MemoryRateLimiter()
    if redis_url:
        return RedisRateLimiter(redis_url)
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        from cityservices.db import make_engine

        return DatabaseRateLimiter(make_engine(database_url, pool_size=2))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return FileRateLimiter(database.with_name(f"{database.name}.ratelimit"))
    return MemoryRateLimiter()
