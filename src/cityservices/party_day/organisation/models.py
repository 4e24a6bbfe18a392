"""Tables of the Party organisation: the tree (city → district committee → Party committee → general branch →
branch → group) and the members of its branches.

A node's ``path`` holds the ids from the root, dot-separated and dot-terminated (``1.5.23.``): a subtree is
every node whose path starts with the root's path, which is how a scope (``party_org``) becomes a query filter.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base

# The levels of the tree, top to bottom, with the levels a node of each may hang under.
LEVELS = ("city", "district", "committee", "general_branch", "branch", "group")
LEVEL_NAMES = {
    "city": "市委",
    "district": "区(市)委",
    "committee": "党委(党工委)",
    "general_branch": "党总支",
    "branch": "党支部",
    "group": "党小组",
}
PARENT_LEVELS: dict[str, tuple[str, ...]] = {
    "city": (),
    "district": ("city",),
    "committee": ("district", "committee"),
    "general_branch": ("committee",),
    "branch": ("committee", "general_branch"),
    "group": ("branch",),
}
# The seven fields of the city guideline, each with its own requirements (activities/requirements).
BRANCH_KINDS = {
    "village": "村党组织",
    "community": "城市社区党组织",
    "government": "机关事业单位党支部",
    "soe": "国有企业党支部",
    "sanxin": "“三新”领域党支部",
    "school": "学校党支部",
    "retired": "离退休干部职工党支部",
}
KIND_LEVELS = ("general_branch", "branch", "group")  # the levels that carry a branch kind
MEMBER_STATUSES = {"full": "正式党员", "probationary": "预备党员"}
MEMBER_ROLES = {
    "secretary": "书记",
    "deputy_secretary": "副书记",
    "committee_member": "支委委员",
    "group_leader": "党小组组长",
}
FLOWING = {"none": "非流动", "out": "流出", "in": "流入"}


class Organisation(Base):
    """A Party organisation; branches (and general branches and groups) carry one of the seven kinds."""

    __tablename__ = "party_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str | None] = mapped_column(String(16), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("party_organisations.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class PartyMember(Base):
    """A Party member of a branch. ``id_number`` and ``phone`` are personal data: masked in every response and
    log, and every read is audited."""

    __tablename__ = "party_members"
    __table_args__ = (Index("ix_party_members_branch_status", "branch_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("party_organisations.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("party_organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16))  # full | probationary
    joined_on: Mapped[dt.date] = mapped_column(Date)  # admitted as a probationary member
    full_on: Mapped[dt.date | None] = mapped_column(Date)  # became a full member
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    flowing: Mapped[str] = mapped_column(String(8), default="none")  # none | out | in
    flowing_note: Mapped[str | None] = mapped_column(String(100))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
