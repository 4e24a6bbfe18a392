"""Meetings of 三会一课 and other organisational life held apart from a Party Day (a Party Day that also counts as
one of them is an ``Activity`` whose ``counts_as`` names it)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class Meeting(Base):
    __tablename__ = "party_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("party_organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # a requirement code of frequencies.json (not party_day)
    held_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
