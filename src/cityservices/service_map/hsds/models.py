"""HSDS fields that our model has no place for, kept per record so that an import → export round trip of plain
HSDS loses nothing the importer read (written back in the object's ``x_cityservices.hsds``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base

EXTRA_KINDS = ("department", "item", "venue", "venue_item")  # the record an extra belongs to


class HsdsExtra(Base):
    """The foreign HSDS fields of one department, item, venue or venue item (``key``: its code, id, or
    ``venue_id/item_code``)."""

    __tablename__ = "hsds_extras"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(160))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
