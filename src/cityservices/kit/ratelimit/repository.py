"""The queries of the shared rate-limit counters: one upsert per hit, and dropping past windows."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from cityservices.kit.ratelimit.models import RateLimitCounter


def count_hit(connection: Connection, *, bucket: str, key: str, slot: int) -> int:
    """Add one hit to (bucket, key, slot) in one statement and return the new count."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(RateLimitCounter)
        .values(bucket=bucket, key=key, slot=slot, hits=1)
        .on_conflict_do_update(
            index_elements=[RateLimitCounter.bucket, RateLimitCounter.key, RateLimitCounter.slot],
            set_={"hits": RateLimitCounter.hits + 1},
        )
        .returning(RateLimitCounter.hits)
    )
    return int(connection.execute(statement).scalar_one())


def drop_windows_before(connection: Connection, *, bucket: str, slot: int) -> None:
    connection.execute(delete(RateLimitCounter).where(RateLimitCounter.bucket == bucket, RateLimitCounter.slot < slot))
