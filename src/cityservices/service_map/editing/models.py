"""Tables of the editing sub-domain: every saved state of a service-map record (audit: kit/audit.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class RecordVersion(Base):
    """One saved state of a service-map record (venue, item, guide or bundle): a full snapshot.

    Version 1 of a record edited for the first time is its state before any staff change (``baseline``).
    """

    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("entity_kind", "entity_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_kind: Mapped[str] = mapped_column(String(10))  # venue | item | guide | bundle
    entity_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # baseline | create | update | restore
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    restored_from: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
