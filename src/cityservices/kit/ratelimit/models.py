"""The table of shared rate-limit counters (used on PostgreSQL without Redis)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class RateLimitCounter(Base):
    """Hits of one client (``key``) in one bucket during one fixed window (``slot`` = epoch seconds // window)."""

    __tablename__ = "rate_limit_counters"

    bucket: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    slot: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
