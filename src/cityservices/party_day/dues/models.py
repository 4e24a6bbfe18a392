"""The monthly dues ledger: one row per member and month with what is due and what was paid (whole fen)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class DuesMonth(Base):
    __tablename__ = "party_dues"
    __table_args__ = (UniqueConstraint("member_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("party_members.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    category: Mapped[str] = mapped_column(String(12))
    base_fen: Mapped[int | None] = mapped_column(Integer)  # after-tax wage or pension (banded categories)
    due_fen: Mapped[int] = mapped_column(Integer)
    paid_fen: Mapped[int] = mapped_column(Integer, default=0)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(8))
    approval: Mapped[str | None] = mapped_column(String(100))  # the committee's approval of a hardship reduction
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
