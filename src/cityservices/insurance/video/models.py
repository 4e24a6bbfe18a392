"""Tables of video sessions and their signalling messages (offer, answer, ICE candidates, hang-up)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class InsuranceVideoSession(Base):
    """A member's request for a video session: waiting → active (an agent took it) → completed or cancelled."""

    __tablename__ = "insurance_video_sessions"
    __table_args__ = (Index("ix_insurance_video_sessions_queue", "status", "skill", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    citizen_id: Mapped[int] = mapped_column(Integer, index=True)  # auth's citizen account
    citizen_masked: Mapped[str] = mapped_column(String(18))
    item: Mapped[str] = mapped_column(String(40))  # the business item (and the skill an agent needs)
    skill: Mapped[str] = mapped_column(String(40))
    district: Mapped[str] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(10))
    consent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recording: Mapped[bool] = mapped_column(Boolean, default=False)
    agent_id: Mapped[int | None] = mapped_column(Integer)
    agent_name: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(500))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class InsuranceVideoSignal(Base):
    """One signalling message from one side (``member`` or ``agent``) to the other."""

    __tablename__ = "insurance_video_signals"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("insurance_video_sessions.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(6))
    kind: Mapped[str] = mapped_column(String(10))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
