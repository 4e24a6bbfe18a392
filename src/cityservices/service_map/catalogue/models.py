"""Tables of the government service map: divisions, departments, items, venues, guides, bundles, POIs."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cityservices.db import Base

JsonList = list[Any]
JsonDict = dict[str, Any]

# The service map's vocabulary: codes, levels and enumerations every sub-domain (and the importer) shares.
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$"
DIVISION_CODE_PATTERN = r"^\d{2}(\d{2}(\d{2}(\d{3})?)?)?$"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Crs = Literal["wgs84", "gcj02", "bd09"]
DivisionLevel = Literal["city", "district", "street", "town", "other"]
Level = Literal["city", "district", "street"]
ItemType = Literal[
    "行政许可", "行政确认", "行政给付", "行政裁决", "行政奖励", "行政征收",
    "行政检查", "行政强制", "行政处罚", "其他行政权力", "公共服务",
]  # fmt: skip
ApplicantType = Literal["个人", "企业", "个人;企业"]
LEVEL_NAMES = {"city": "市级", "district": "区(市)级", "street": "街道(镇)级"}


class Division(Base):
    """An administrative division: city, district, or street / town (official codes)."""

    __tablename__ = "divisions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10), index=True)
    # Not a foreign key: the top row's parent (the province) is outside the dataset.
    parent_code: Mapped[str | None] = mapped_column(String(12), index=True)
    boundary: Mapped[JsonDict | None] = mapped_column(JSON)
    boundary_source: Mapped[str | None] = mapped_column(Text)


class Department(Base):
    """A department, or its district branch."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), index=True)
    demo_fields: Mapped[JsonList] = mapped_column(JSON, default=list)


class Item(Base):
    """A service item (事项)."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    item_type: Mapped[str] = mapped_column(String(20), index=True)
    applicant_type: Mapped[str] = mapped_column(String(20))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    basic_code: Mapped[str | None] = mapped_column(String(64))
    aliases: Mapped[JsonList] = mapped_column(JSON, default=list)
    is_core: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(Text, default="")
    demo_fields: Mapped[JsonList] = mapped_column(JSON, default=list)

    implementations: Mapped[list[ItemImplementation]] = relationship(
        back_populates="item", lazy="raise", order_by="ItemImplementation.level"
    )
    guides: Mapped[list[Guide]] = relationship(back_populates="item", lazy="raise", order_by="Guide.version")


class ItemImplementation(Base):
    """An item implemented by a department at one level (city / district / street)."""

    __tablename__ = "item_implementations"
    __table_args__ = (UniqueConstraint("item_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(10))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    implementation_code: Mapped[str | None] = mapped_column(String(120))
    demo_fields: Mapped[JsonList] = mapped_column(JSON, default=list)

    item: Mapped[Item] = relationship(back_populates="implementations", lazy="raise")


venue_departments = Table(
    "venue_departments",
    Base.metadata,
    Column("venue_id", ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True),
    Column("department_code", ForeignKey("departments.code"), primary_key=True),
)


class Venue(Base):
    """A service venue (政务服务中心 / 便民服务中心) with its ~20 attributes."""

    __tablename__ = "venues"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(10), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str | None] = mapped_column(String(6))
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    source_crs: Mapped[str] = mapped_column(String(8))
    source_lat: Mapped[float] = mapped_column(Float)
    source_lng: Mapped[float] = mapped_column(Float)
    photos: Mapped[JsonList] = mapped_column(JSON, default=list)
    phones: Mapped[JsonList] = mapped_column(JSON, default=list)
    hours_note: Mapped[str] = mapped_column(Text, default="")
    windows: Mapped[JsonList] = mapped_column(JSON, default=list)
    transport: Mapped[str] = mapped_column(Text, default="")
    parking: Mapped[JsonDict] = mapped_column(JSON, default=dict)
    accessibility: Mapped[JsonList] = mapped_column(JSON, default=list)
    appointment_url: Mapped[str | None] = mapped_column(Text)
    kiosks: Mapped[JsonList] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="open")
    last_verified: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(Text)
    demo_fields: Mapped[JsonList] = mapped_column(JSON, default=list)

    departments: Mapped[list[Department]] = relationship(
        secondary=venue_departments, lazy="raise", order_by="Department.code"
    )
    intervals: Mapped[list[OpeningInterval]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="(OpeningInterval.weekday, OpeningInterval.opens)",
    )
    exceptions: Mapped[list[OpeningException]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="OpeningException.on_date"
    )


class OpeningInterval(Base):
    """One weekly opening interval of a venue (several per day: lunch breaks)."""

    __tablename__ = "opening_intervals"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    opens: Mapped[dt.time] = mapped_column(Time)
    closes: Mapped[dt.time] = mapped_column(Time)


class OpeningException(Base):
    """A dated override of a venue's weekly hours; no intervals means closed that day."""

    __tablename__ = "opening_exceptions"
    __table_args__ = (UniqueConstraint("venue_id", "on_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    on_date: Mapped[dt.date] = mapped_column(Date)
    intervals: Mapped[JsonList] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")


class VenueItem(Base):
    """A venue handles an item implementation (the 22,000+ venue–item entries)."""

    __tablename__ = "venue_items"

    venue_id: Mapped[str] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    implementation_id: Mapped[int] = mapped_column(
        ForeignKey("item_implementations.id", ondelete="CASCADE"), index=True
    )
    window_number: Mapped[str | None] = mapped_column(String(20))


Index("ix_venue_items_item_id", VenueItem.item_id)


class Guide(Base):
    """One version of an item's guide (办事指南)."""

    __tablename__ = "guides"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    last_verified: Mapped[dt.date | None] = mapped_column(Date)
    legal_basis: Mapped[JsonList] = mapped_column(JSON, default=list)
    acceptance_conditions: Mapped[str] = mapped_column(Text, default="")
    situations: Mapped[JsonList] = mapped_column(JSON, default=list, server_default="[]")  # 适用情形, plain words
    materials: Mapped[JsonList] = mapped_column(JSON, default=list)
    steps: Mapped[JsonList] = mapped_column(JSON, default=list)
    legal_time_limit_days: Mapped[int | None] = mapped_column(Integer)
    promised_time_limit_days: Mapped[int | None] = mapped_column(Integer)
    time_limit_kind: Mapped[str | None] = mapped_column(String(10))
    time_limit_note: Mapped[str] = mapped_column(Text, default="")
    fees: Mapped[JsonList] = mapped_column(JSON, default=list)
    visits_to_site: Mapped[int | None] = mapped_column(Integer)
    channels: Mapped[JsonList] = mapped_column(JSON, default=list)
    consult_phone: Mapped[str | None] = mapped_column(String(40))
    complaint_phone: Mapped[str | None] = mapped_column(String(40))
    faqs: Mapped[JsonList] = mapped_column(JSON, default=list)
    result_certificate: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    demo_fields: Mapped[JsonList] = mapped_column(JSON, default=list)

    item: Mapped[Item] = relationship(back_populates="guides", lazy="raise")


class Bundle(Base):
    """A one-thing bundle (一件事): ordered items and shared materials for a life event."""

    __tablename__ = "bundles"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    life_event: Mapped[str] = mapped_column(String(100), default="")
    lead_department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"))
    shared_materials: Mapped[JsonList] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(Text, default="")
    demo_fields: Mapped[JsonList] = mapped_column(JSON, default=list)

    items: Mapped[list[BundleItem]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="BundleItem.position"
    )


class BundleItem(Base):
    """An item's place in a bundle."""

    __tablename__ = "bundle_items"

    bundle_id: Mapped[int] = mapped_column(ForeignKey("bundles.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # How the step belongs to the plan: "step" (everyone does it), "first" (a prerequisite done before the
    # others, e.g. only if not already done), "choice" (one of the steps sharing ``choice_group``) or "if"
    # (only when ``condition`` holds).
    kind: Mapped[str] = mapped_column(String(16), default="step", server_default="step")
    choice_group: Mapped[str] = mapped_column(String(100), default="", server_default="")
    condition: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Documents the step hands to the citizen, which later steps may ask for.
    produces: Mapped[JsonList] = mapped_column(JSON, default=list, server_default="[]")


class Poi(Base):
    """A nearby place: parking, petrol, food, …"""

    __tablename__ = "pois"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    source_crs: Mapped[str] = mapped_column(String(8))
    source_lat: Mapped[float] = mapped_column(Float)
    source_lng: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[JsonDict] = mapped_column(JSON, default=dict)
    demo_fields: Mapped[JsonList] = mapped_column(JSON, default=list)


Index("ix_pois_lat_lng", Poi.lat, Poi.lng)
Index("ix_venues_lat_lng", Venue.lat, Venue.lng)


class Feedback(Base):
    """A citizen's evaluation (好差评, five levels) or "this is wrong" report on a venue, item or guide.

    It is routed to a queue by district and department; contact details are personal data (masked in
    lists and logs, every read audited by the staff side).
    """

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    target_kind: Mapped[str] = mapped_column(String(10))  # venue | item | guide
    venue_id: Mapped[str | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"), index=True)
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("guides.id", ondelete="SET NULL"))
    rating: Mapped[int | None] = mapped_column(Integer)  # 1 (非常不满意) … 5 (非常满意)
    reports_error: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    district_code: Mapped[str | None] = mapped_column(String(12), index=True)
    department_code: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open | resolved
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
