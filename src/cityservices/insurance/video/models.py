"""Tables of video sessions, their signalling messages (offer, answer, ICE candidates, hang-up), the files a
member shows during a call, and the agents' skills."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
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


class InsuranceVideoFile(Base):
    """A file shown during a call (PDF, JPEG or PNG, checked by content and size), kept with its session;
    personal data, served only to the member and the agent of the session."""

    __tablename__ = "insurance_video_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("insurance_video_sessions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sender: Mapped[str] = mapped_column(String(6))  # member or agent
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class InsuranceVideoAgentSkill(Base):
    """One business item an agent (a staff account) handles; the queue offers them sessions of their skills."""

    __tablename__ = "insurance_video_agent_skills"
    __table_args__ = (UniqueConstraint("account_id", "skill"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(Integer, index=True)  # auth's staff account
    skill: Mapped[str] = mapped_column(String(40))
