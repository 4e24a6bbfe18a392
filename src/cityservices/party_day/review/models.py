"""The review of an activity: the branch's self-check against the five standards and the upper committees'
comments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class SelfCheck(Base):
    __tablename__ = "party_self_checks"

    activity_id: Mapped[int] = mapped_column(ForeignKey("party_activities.id", ondelete="CASCADE"), primary_key=True)
    scores: Mapped[dict[str, int]] = mapped_column(JSON)  # standard → 1..5
    notes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # standard → the evidence / shortfall
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    checked_by: Mapped[int | None] = mapped_column(Integer)


class ReviewComment(Base):
    __tablename__ = "party_review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("party_activities.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("party_organisations.id"))  # the committee commenting
    author_id: Mapped[int | None] = mapped_column(Integer)
    author_name: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
