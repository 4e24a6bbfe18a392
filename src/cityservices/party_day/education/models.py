"""Tables of the education resource library (党员教育资源): resources (courses, documents, audio, video) tagged by
the five contents and branch kinds, members' study records (the study-hours ledger) and the resources attached to
a Party Day plan."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base

RESOURCE_KINDS = {"course": "课程", "document": "文件资料", "audio": "音频", "video": "视频"}


class Resource(Base):
    """A study resource of the city's library: a title, a short description and its tags; no copyrighted text."""

    __tablename__ = "party_edu_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12), index=True)  # of RESOURCE_KINDS
    description: Mapped[str] = mapped_column(Text, default="")
    contents: Mapped[list[str]] = mapped_column(JSON, default=list)  # of activities.models.CONTENTS
    branch_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # of BRANCH_KINDS; empty: every kind
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)  # free tags
    minutes: Mapped[int] = mapped_column(Integer)
    search_text: Mapped[str] = mapped_column(Text, default="")  # normalised title / description / tags (search.py)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class StudyRecord(Base):
    """Minutes a member studied on a day, with a resource of the library or a note of what was studied."""

    __tablename__ = "party_study_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("party_members.id"), index=True)
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("party_edu_resources.id"), index=True)
    studied_on: Mapped[dt.date] = mapped_column(Date, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(200))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class ActivityResource(Base):
    """A resource attached to a Party Day plan (for its study part)."""

    __tablename__ = "party_activity_resources"

    activity_id: Mapped[int] = mapped_column(ForeignKey("party_activities.id", ondelete="CASCADE"), primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("party_edu_resources.id"), primary_key=True, index=True)
