"""API shapes of the public read API (venues, items, guides, bundles, divisions, departments).

Coordinates are stored in WGS-84; the venue detail converts them to the requested ``crs`` here, at the edge,
and says which CRS it answers in. ``demo_fields`` names each generated (演示) value, ``*`` the whole record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cityservices.kit.geo import Crs
from cityservices.kit.pagination import Page
from cityservices.service_map.search.schemas import GuideSummaryRead


class DepartmentRefRead(BaseModel):
    code: str
    name: str
    category: str


class HoursExceptionRead(BaseModel):
    date: dt.date
    intervals: list[list[str]] = Field(description="[[开始, 结束], …]；空表示当天不开放")
    note: str


class VenueRead(BaseModel):
    """A venue with its 20 attributes (docs/data-format.md), weekly hours and dated exceptions."""

    id: str
    crs: Crs = Field(description="lat / lng 所用的坐标系")
    name: str
    level: str
    division_code: str
    division_name: str | None
    address: str
    postcode: str | None
    lat: float
    lng: float
    source_crs: str = Field(description="数据来源的坐标系 (source_lat / source_lng 为来源原值)")
    source_lat: float
    source_lng: float
    photos: list[dict[str, Any]]
    phones: list[dict[str, Any]] = Field(description="办公电话 (公开的单位电话)")
    hours: dict[str, list[list[str]]] = Field(description="每周开放时段，mon … sun: [[开始, 结束], …]")
    hours_note: str
    hours_exceptions: list[HoursExceptionRead]
    windows: list[dict[str, Any]]
    departments: list[DepartmentRefRead]
    transport: str
    parking: dict[str, Any]
    accessibility: list[str]
    appointment_url: str | None
    kiosks: list[dict[str, Any]]
    status: str
    last_verified: dt.date | None
    description: str
    website: str | None
    item_count: int = Field(description="在此办理的事项数")
    missing_attributes: list[str] = Field(description="20 项属性中为空的属性")
    demo_fields: list[str]


class ItemSummaryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    item_type: str
    applicant_type: str
    department_code: str
    department_name: str | None
    category: str
    is_core: bool
    aliases: list[str]
    levels: list[str] = Field(description="实施层级 (city / district / street)")
    demo_fields: list[str]


class ItemPage(Page[ItemSummaryRead]):
    """Service items (a page)."""


class VenueItemRead(ItemSummaryRead):
    window_number: str | None = Field(description="在此场所办理的窗口号")


class VenueItemPage(Page[VenueItemRead]):
    """The items handled at one venue (a page)."""


class ItemGuideSummaryRead(GuideSummaryRead):
    """The current guide in brief (the full guide: ``/items/{code}/guide``)."""

    version: int
    valid_from: dt.date | None
    last_verified: dt.date | None
    legal_time_limit_days: int | None
    demo_fields: list[str]


class ImplementationRead(BaseModel):
    level: str
    department_code: str
    department_name: str | None
    implementation_code: str | None
    venue_count: int
    demo_fields: list[str]


class BundleRefRead(BaseModel):
    code: str
    name: str
    life_event: str
    position: int = Field(description="该事项在一件事中的顺序")


class ItemRead(ItemSummaryRead):
    basic_code: str | None
    source: str
    implementations: list[ImplementationRead]
    guide: ItemGuideSummaryRead | None
    bundles: list[BundleRefRead]
    venue_count: int


class GuideRead(BaseModel):
    """One version of an item's guide (办事指南), every field."""

    item_code: str
    item_name: str
    version: int
    is_current: bool
    versions: list[int] = Field(description="该事项所有指南版本")
    valid_from: dt.date | None
    last_verified: dt.date | None
    legal_basis: list[Any]
    acceptance_conditions: str
    situations: list[str] = Field(description="适用情形：什么情况下办（本平台整理，非官方文本）")
    materials: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    legal_time_limit_days: int | None = Field(description="法定办结时限 (工作日)")
    promised_time_limit_days: int | None = Field(description="承诺办结时限 (工作日)；0 = 即办")
    time_limit_kind: str | None
    time_limit_note: str
    fees: list[dict[str, Any]]
    visits_to_site: int | None
    channels: list[dict[str, Any]]
    consult_phone: str | None
    complaint_phone: str | None
    faqs: list[dict[str, Any]]
    result_certificate: str
    source: str
    demo_fields: list[str]


class BundleSummaryRead(BaseModel):
    code: str
    name: str
    life_event: str
    description: str
    lead_department_code: str | None
    item_count: int
    demo_fields: list[str]


class BundlePage(Page[BundleSummaryRead]):
    """One-thing bundles (a page)."""


class BundleMemberRead(BaseModel):
    position: int
    note: str
    kind: Literal["step", "first", "choice", "if"] = Field(
        default="step", description="step 必办；first 先办 (前提)；choice 同组选择其一；if 满足条件才办"
    )
    choice_group: str = Field(default="", description="“选择其一”的选项组名")
    condition: str = Field(default="", description="适用条件 (first、choice、if)")
    produces: list[str] = Field(default_factory=list, description="该事项办结后取得、后续事项要用的材料")
    item: ItemSummaryRead
    guide: ItemGuideSummaryRead | None


class CommonMaterialRead(BaseModel):
    name: str
    positions: list[int] = Field(description="需要这份材料的事项顺序号")


class BundleDetailRead(BundleSummaryRead):
    lead_department_name: str | None
    source: str
    items: list[BundleMemberRead]
    shared_materials: list[dict[str, Any]] = Field(description="一次提交、各事项共用的材料 (数据所载)")
    common_materials: list[CommonMaterialRead] = Field(description="两个及以上事项的指南都要求的材料 (据指南计算)")


class DivisionSummaryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    level: str
    parent_code: str | None


class DivisionPage(Page[DivisionSummaryRead]):
    """Administrative divisions (a page)."""


class DivisionRead(DivisionSummaryRead):
    parent_name: str | None
    children: list[DivisionSummaryRead]
    venue_count: int = Field(description="该区划及其下级区划内的场所数")
    boundary: dict[str, Any] | None = Field(description="GeoJSON 几何 (WGS-84)；仅当 boundary=true")
    boundary_source: str | None = Field(description="边界来源与许可 (© OpenStreetMap contributors, ODbL)")


class DepartmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    category: str
    division_code: str
    division_name: str | None
    demo_fields: list[str]


class DepartmentPage(Page[DepartmentRead]):
    """Departments (a page)."""


class GeoPointRead(BaseModel):
    type: Literal["Point"]
    coordinates: list[float] = Field(description="[经度, 纬度] (WGS-84)", min_length=2, max_length=2)


class VenueFeatureRead(BaseModel):
    type: Literal["Feature"]
    id: str
    geometry: GeoPointRead
    properties: dict[str, Any] = Field(description="场所的其余字段 (docs/data-format.md, GeoJSON)")


class VenueFeatureCollectionRead(BaseModel):
    """RFC 7946 FeatureCollection of venues, WGS-84 ``[lng, lat]``."""

    type: Literal["FeatureCollection"]
    features: list[VenueFeatureRead]


class VenueSummaryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    level: str
    division_code: str
    address: str
    lat: float
    lng: float
    status: str
    last_verified: dt.date | None
    demo_fields: list[str]


class VenuePage(Page[VenueSummaryRead]):
    """Venues (a page): ``total``, ``limit``, ``offset``, ``next_cursor`` and the ``items``."""


class StatsRead(BaseModel):
    divisions: dict[str, int]
    venues: dict[str, Any]
    venues_with_all_attributes: int
    venue_attributes: int
    items: dict[str, int]
    items_without_guide: int
    venue_items: int
    venue_items_by_level: dict[str, int]
    guides: dict[str, int]
    bundles: int
    pois: dict[str, Any]
