"""Attendance at an activity: one row per participant who signed in (QR or roster tick), asked for leave, or
made up the activity afterwards (补学)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base

STATES = {
    "present": "已签到",
    "leave_requested": "请假待批",
    "leave_approved": "已准假",
    "leave_refused": "请假未批准",
    "made_up": "已补学",
}
HOW = {"qr": "扫码签到", "roster": "组织者点名", "makeup": "补学"}


class Attendance(Base):
    __tablename__ = "party_attendance"
    __table_args__ = (UniqueConstraint("activity_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("party_activities.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("party_members.id"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    how: Mapped[str | None] = mapped_column(String(8))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(String(200))  # the reason for leave (free text, masked in lists)
    decided_by: Mapped[int | None] = mapped_column(Integer)  # the staff account that decided the leave
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
