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


class CaseNomination(Base):
    """A Party Day recommended for the city's annual case selection: the branch recommends it, then the Party
    committee, the district and the city each score it on the five standards and forward or decline it."""

    __tablename__ = "party_case_nominations"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("party_activities.id", ondelete="CASCADE"), unique=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    stage: Mapped[str] = mapped_column(String(12))  # committee | district | city: who decides next
    status: Mapped[str] = mapped_column(String(12), index=True)  # pending | selected | declined
    scores: Mapped[dict[str, dict[str, int]]] = mapped_column(JSON, default=dict)  # level → standard → 1..5
    nominated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
