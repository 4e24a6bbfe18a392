"""Fixed-window rate limits: in memory per process by default, shared through Redis when configured."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds until the window ends (0 when allowed)


class RateLimiter(Protocol):
    def hit(self, bucket: str, key: str, *, limit: int, window: int) -> Decision: ...


class MemoryRateLimiter:
    """Counts hits per (bucket, key, window) in this process."""

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


def _decide(count: int, limit: int, window: int, now: float) -> Decision:
    if count <= limit:
        return Decision(True, 0)
    return Decision(False, max(1, int(window - now % window)))


def make_rate_limiter(redis_url: str | None) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()
