"""Validated records of the interchange formats: one pydantic model per kind of row.

Every importer (our CSV/JSON layout, GeoJSON, HSDS) turns its input into these records, so a row is
checked the same way whatever format it came in. See docs/data-format.md.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from cityservices.kit.geo import in_china
from cityservices.service_map.catalogue.models import (
    CODE_PATTERN,
    DIVISION_CODE_PATTERN,
    WEEKDAYS,
    ApplicantType,
    Crs,
    DivisionLevel,
    ItemType,
    Level,
)

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
DivisionCode = Annotated[str, StringConstraints(pattern=DIVISION_CODE_PATTERN)]
# Text fields are never longer than their database column (a longer value is a 422 naming the field, on SQLite
# as on PostgreSQL, never a database error): tests/service_map/interchange/test_column_limits.py checks it.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text40 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Short64 = Annotated[str, StringConstraints(max_length=64)]
Short20 = Annotated[str, StringConstraints(max_length=20)]
LongText = Annotated[str, StringConstraints(max_length=20000)]
Interval = tuple[str, str]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


def check_intervals(intervals: list[Interval]) -> list[Interval]:
    """Intervals are ``HH:MM`` pairs, opens < closes, sorted and not overlapping."""
    previous_close = ""
    for opens, closes in intervals:
        for value in (opens, closes):
            if not _HHMM.match(value):
                raise ValueError(f"时间 {value!r} 不是 HH:MM 格式")
        if opens >= closes:
            raise ValueError(f"开始时间 {opens} 不早于结束时间 {closes}")
        if previous_close and opens < previous_close:
            raise ValueError(f"时段 {opens}-{closes} 与前一时段重叠或未排序")
        previous_close = closes
    return intervals


class DivisionRecord(Record):
    code: DivisionCode
    name: Text100
    level: DivisionLevel
    parent_code: DivisionCode | None = None


class BoundaryRecord(Record):
    code: DivisionCode
    geometry: dict[str, Any]
    source: str = ""

    @field_validator("geometry")
    @classmethod
    def _polygon(cls, value: dict[str, Any]) -> dict[str, Any]:
        if value.get("type") not in ("Polygon", "MultiPolygon") or not value.get("coordinates"):
            raise ValueError("边界必须是非空的 Polygon 或 MultiPolygon")
        return value


class DepartmentRecord(Record):
    code: Code
    name: Text200
    category: Text40
    division_code: DivisionCode
    demo_fields: list[str] = Field(default_factory=list)


class ItemRecord(Record):
    code: Code
    name: Text
    item_type: ItemType
    applicant_type: ApplicantType
    department_code: Code
    category: Text40
    basic_code: Short64 | None = None
    aliases: list[Text] = Field(default_factory=list)
    is_core: bool = False
    source: str = ""
    demo_fields: list[str] = Field(default_factory=list)


class ImplementationRecord(Record):
    item_code: Code
    level: Level
    department_code: Code
    implementation_code: Annotated[str, StringConstraints(max_length=120)] | None = None
    demo_fields: list[str] = Field(default_factory=list)


class HoursException(Record):
    date: dt.date
    intervals: list[Interval] = Field(default_factory=list)
    note: str = ""

    @field_validator("intervals")
    @classmethod
    def _intervals(cls, value: list[Interval]) -> list[Interval]:
        return check_intervals(value)


class Located(Record):
    lat: float = Field(allow_inf_nan=False)
    lng: float = Field(allow_inf_nan=False)
    source_crs: Crs
    source_lat: float = Field(allow_inf_nan=False)
    source_lng: float = Field(allow_inf_nan=False)

    @model_validator(mode="after")
    def _inside_china(self) -> Located:
        if not in_china(self.lat, self.lng):
            raise ValueError(f"坐标 ({self.lat}, {self.lng}) 不在中国境内")
        if not in_china(self.source_lat, self.source_lng):
            raise ValueError(f"原始坐标 ({self.source_lat}, {self.source_lng}) 不在中国境内")
        return self


class VenueRecord(Located):
    id: Code
    name: Text200
    level: Level
    division_code: DivisionCode
    address: LongText = ""
    postcode: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = None
    photos: list[dict[str, Any]] = Field(default_factory=list)
    phones: list[dict[str, Any]] = Field(default_factory=list)
    hours: dict[str, list[Interval]] = Field(default_factory=dict)
    hours_exceptions: list[HoursException] = Field(default_factory=list)
    hours_note: LongText = ""
    windows: list[dict[str, Any]] = Field(default_factory=list)
    departments: list[Code] = Field(default_factory=list)
    transport: LongText = ""
    parking: dict[str, Any] = Field(default_factory=dict)
    accessibility: list[str] = Field(default_factory=list)
    appointment_url: str | None = None
    kiosks: list[dict[str, Any]] = Field(default_factory=list)
    status: Literal["open", "temporarily_closed", "closed"] = "open"
    last_verified: dt.date | None = None
    description: LongText = ""
    website: str | None = None
    demo_fields: list[str] = Field(default_factory=list)

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: dict[str, list[Interval]]) -> dict[str, list[Interval]]:
        for day, intervals in value.items():
            if day not in WEEKDAYS:
                raise ValueError(f"未知的星期 {day!r}，应为 {', '.join(WEEKDAYS)}")
            try:
                check_intervals(intervals)
            except ValueError as exc:
                raise ValueError(f"{day}: {exc}") from exc
        return {day: value.get(day, []) for day in WEEKDAYS}

    @field_validator("hours_exceptions")
    @classmethod
    def _unique_dates(cls, value: list[HoursException]) -> list[HoursException]:
        dates = [e.date for e in value]
        if len(dates) != len(set(dates)):
            raise ValueError("同一日期有多条例外安排")
        return sorted(value, key=lambda e: e.date)


class VenueItemRecord(Record):
    venue_id: Code
    item_code: Code
    level: Level
    window_number: Short20 | None = None


class GuideRecord(Record):
    item_code: Code
    version: int = Field(ge=1)
    is_current: bool = True
    valid_from: dt.date | None = None
    last_verified: dt.date | None = None
    legal_basis: list[str] = Field(default_factory=list)
    acceptance_conditions: LongText = ""
    situations: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]] = Field(
        default_factory=list, max_length=30
    )
    materials: list[dict[str, Any]] = Field(default_factory=list)
    steps: list[dict[str, Any]] = Field(default_factory=list)
    legal_time_limit_days: int | None = Field(default=None, ge=0, le=3650)
    promised_time_limit_days: int | None = Field(default=None, ge=0, le=3650)
    time_limit_kind: Literal["即办件", "承诺件"] | None = None
    time_limit_note: LongText = ""
    fees: list[dict[str, Any]] = Field(default_factory=list)
    visits_to_site: int | None = Field(default=None, ge=0, le=10)
    channels: list[dict[str, Any]] = Field(default_factory=list)
    consult_phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    complaint_phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    faqs: list[dict[str, Any]] = Field(default_factory=list)
    result_certificate: LongText = ""
    source: str = ""
    demo_fields: list[str] = Field(default_factory=list)

    @field_validator("materials")
    @classmethod
    def _materials_named(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for material in value:
            if not str(material.get("name") or "").strip():
                raise ValueError("每项材料都必须有名称 (name)")
        return value


class BundleItemRef(Record):
    position: int = Field(ge=1)
    item_code: Code
    note: str = ""
    kind: Literal["step", "first", "choice", "if"] = "step"
    choice_group: Annotated[str, StringConstraints(max_length=100)] = ""
    condition: LongText = ""
    produces: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _plan_fields(self) -> BundleItemRef:
        if self.kind == "choice" and not self.choice_group.strip():
            raise ValueError("“选择其一”的事项必须写明选项组 (choice_group)")
        if self.kind != "choice" and self.choice_group:
            raise ValueError("只有“选择其一”的事项才有选项组 (choice_group)")
        if self.kind == "if" and not self.condition.strip():
            raise ValueError("有条件办理的事项必须写明条件 (condition)")
        return self


class BundleRecord(Record):
    code: Code
    name: Text200
    description: LongText = ""
    life_event: Annotated[str, StringConstraints(max_length=100)] = ""
    lead_department_code: Code | None = None
    items: list[BundleItemRef] = Field(min_length=1)
    shared_materials: list[dict[str, Any]] = Field(default_factory=list)
    source: str = ""
    demo_fields: list[str] = Field(default_factory=list)

    @field_validator("items")
    @classmethod
    def _positions(cls, value: list[BundleItemRef]) -> list[BundleItemRef]:
        positions = [ref.position for ref in value]
        if len(positions) != len(set(positions)):
            raise ValueError("事项顺序号 (position) 重复")
        groups: dict[str, int] = {}
        for ref in value:
            if ref.kind == "choice":
                groups[ref.choice_group] = groups.get(ref.choice_group, 0) + 1
        if any(count < 2 for count in groups.values()):
            raise ValueError("“选择其一”的选项组至少要有两个事项")
        return sorted(value, key=lambda ref: ref.position)


class HsdsExtraRecord(Record):
    """HSDS fields of an imported object that our model has no place for (``hsds.models.HsdsExtra``)."""

    kind: Literal["department", "item", "venue", "venue_item"]
    key: Annotated[str, StringConstraints(min_length=1, max_length=160)]
    fields: dict[str, Any]


class PoiRecord(Located):
    id: Code
    category: Literal["parking", "petrol", "food", "ev_charging", "atm", "pharmacy", "toilet", "metro", "bus"]
    name: Text200
    address: LongText = ""
    details: dict[str, Any] = Field(default_factory=dict)
    demo_fields: list[str] = Field(default_factory=list)
