"""The minutes of an activity, with the fixed elements: host, recorder, expected / present / absent with
reasons, content, resolutions, follow-up; photos and files by reference."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class Minutes(Base):
    __tablename__ = "party_minutes"

    activity_id: Mapped[int] = mapped_column(ForeignKey("party_activities.id", ondelete="CASCADE"), primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("party_members.id"))
    recorder_id: Mapped[int] = mapped_column(ForeignKey("party_members.id"))
    expected: Mapped[int] = mapped_column(Integer)
    present: Mapped[int] = mapped_column(Integer)
    absent: Mapped[int] = mapped_column(Integer)
    absences: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)  # [{member_id, reason}]
    content: Mapped[str] = mapped_column(Text)
    resolutions: Mapped[list[str]] = mapped_column(JSON, default=list)
    follow_up: Mapped[list[str]] = mapped_column(JSON, default=list)
    attachments: Mapped[list[str]] = mapped_column(JSON, default=list)  # stored file names of photos and files
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
