"""Query parameters of the public read API, shared by its routes: filters, time, paging aliases.

Every string has a maximum length and every number a range; values that name nothing usable (an unknown
district, an impossible time) are 422 ``invalid_request`` naming the parameter.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Depends, Path, Query

from cityservices.deps import DbSession, page_params
from cityservices.errors import RequestInvalid
from cityservices.kit.calendar import to_china_time
from cityservices.kit.pagination import PageRequest
from cityservices.kit.text import PRINTABLE
from cityservices.service_map.catalogue.models import ApplicantType, ItemType
from cityservices.service_map.catalogue.repository import ItemFilter
from cityservices.service_map.venues.repository import VenueFilter
from cityservices.service_map.venues.service import check_district

MAX_TEXT_CHARS = 50
EARLIEST_YEAR, LATEST_YEAR = 1950, 2199

Level = Literal["city", "district", "street"]
LevelQuery = Annotated[Level | None, Query(description="层级: city | district | street")]
DistrictQuery = Annotated[
    str | None,
    Query(
        min_length=2,
        max_length=12,
        pattern=PRINTABLE,
        description="区划代码: 区(市)或街道(镇)，含其下级区划，如 370202",
    ),
]
DepartmentQuery = Annotated[
    str | None, Query(min_length=1, max_length=64, pattern=PRINTABLE, description="部门代码，如 3702-RS")
]
TextQuery = Annotated[
    str | None, Query(max_length=MAX_TEXT_CHARS, pattern=PRINTABLE, description="名称等所含文字 (子串，≤ 50 字)")
]
OpenAtQuery = Annotated[
    dt.datetime | None,
    Query(description="ISO 8601 时间 (无时区按北京时间)：只要此时开放的场所；该年节假日未载入时 409"),
]
VenueIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=PRINTABLE, description="场所 id")]
ItemCodePath = Annotated[str, Path(min_length=1, max_length=64, pattern=PRINTABLE, description="事项编码")]

VenuePaging = Annotated[PageRequest, Depends(page_params("venues"))]
ItemPaging = Annotated[PageRequest, Depends(page_params("items"))]
BundlePaging = Annotated[PageRequest, Depends(page_params("bundles"))]
DivisionPaging = Annotated[PageRequest, Depends(page_params("divisions"))]
DepartmentPaging = Annotated[PageRequest, Depends(page_params("departments"))]


def checked_district(session: DbSession, code: str | None, *, field: str = "district") -> str | None:
    """``code`` if it is a district or a division below one; else a 422 naming ``field``."""
    check_district(session, code, field=field)
    return code


def china_time(value: dt.datetime | None, *, field: str = "open_at") -> dt.datetime | None:
    """``value`` in China time (naive = Beijing time); a 422 naming ``field`` when it is out of range."""
    if value is None:
        return None
    try:
        local = to_china_time(value)
    except OverflowError:
        local = None
    if local is None or not EARLIEST_YEAR <= local.year <= LATEST_YEAR:
        raise RequestInvalid(field, f"时间应在 {EARLIEST_YEAR}–{LATEST_YEAR} 年之间")
    return local


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def venue_filter(
    session: DbSession,
    level: LevelQuery = None,
    district: DistrictQuery = None,
    department: DepartmentQuery = None,
    item: Annotated[
        str | None, Query(min_length=1, max_length=64, pattern=PRINTABLE, description="事项编码：办理该事项的场所")
    ] = None,
    q: TextQuery = None,
) -> VenueFilter:
    """Venue filters; ``q`` matches the name or the address."""
    district = checked_district(session, district)
    return VenueFilter(level=level, district=district, department=department, item=item, q=_text(q))


def item_filter(
    department: Annotated[
        str | None,
        Query(min_length=1, max_length=64, pattern=PRINTABLE, description="部门代码 (主管部门或任一层级的实施部门)"),
    ] = None,
    item_type: Annotated[ItemType | None, Query(description="事项类型，如 行政许可、公共服务")] = None,
    applicant: Annotated[
        ApplicantType | None, Query(description="服务对象: 个人 (含 个人;企业) | 企业 (含 个人;企业) | 个人;企业")
    ] = None,
    level: Annotated[Level | None, Query(description="在该层级有实施的事项")] = None,
    category: Annotated[
        str | None, Query(min_length=1, max_length=40, pattern=PRINTABLE, description="业务类别，如 人社")
    ] = None,
    core: Annotated[bool | None, Query(description="是否高频核心事项")] = None,
    q: Annotated[
        str | None, Query(max_length=MAX_TEXT_CHARS, pattern=PRINTABLE, description="名称或别名所含文字 (≤ 50 字)")
    ] = None,
) -> ItemFilter:
    """Item filters shared by ``/items`` and ``/venues/{id}/items``."""
    return ItemFilter(
        department=department,
        item_type=item_type,
        applicant=applicant,
        level=level,
        category=category,
        core=core,
        q=_text(q),
    )


VenueFilters = Annotated[VenueFilter, Depends(venue_filter)]
ItemFilters = Annotated[ItemFilter, Depends(item_filter)]
