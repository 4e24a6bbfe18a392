"""Tables of Party Day plans: the activity (theme, time, method, place, contents, procedure, 三会一课 linkage)
and its participants (members of the branch; invited guests are counted, never named)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base

METHODS = ("集中", "线上", "联合", "上门", "现场教学")
CONTENTS = ("理论学习", "党性教育", "组织生活", "民主议事", "志愿服务")
STANDARDS = ("主题鲜明", "程序规范", "形式务实", "党味浓厚", "成效明显")
STATUSES = {"planned": "已计划", "held": "已召开", "reviewed": "已自评"}


class Activity(Base):
    """A Thematic Party Day of a branch, from plan to review."""

    __tablename__ = "party_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("party_organisations.id"), index=True)
    theme: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    method: Mapped[str] = mapped_column(String(8))
    place: Mapped[str | None] = mapped_column(String(200))
    contents: Mapped[list[str]] = mapped_column(JSON, default=list)  # of CONTENTS
    own_contents: Mapped[list[str]] = mapped_column(JSON, default=list)  # the branch's own additions
    steps: Mapped[list[str]] = mapped_column(JSON, default=list)  # procedure step codes, in order
    counts_as: Mapped[list[str]] = mapped_column(JSON, default=list)  # 三会一课 kinds this day also counts as
    lecturer_id: Mapped[int | None] = mapped_column(ForeignKey("party_members.id"))
    invited_count: Mapped[int] = mapped_column(Integer, default=0)  # activists, residents … (not members)
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class ActivityParticipant(Base):
    """A member expected at an activity."""

    __tablename__ = "party_activity_participants"

    activity_id: Mapped[int] = mapped_column(ForeignKey("party_activities.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("party_members.id"), primary_key=True, index=True)
