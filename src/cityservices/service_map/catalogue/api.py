"""JSON routes of the public catalogue under /api/v1: items, guides, bundles, divisions, departments.

Thin: parameters are checked here (catalog_params), the work is in catalog_items / catalog_venues. Lists take
``limit`` with ``offset`` or ``cursor``; unknown codes are 404, bad parameters 422 naming the parameter.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from cityservices.deps import DbSession
from cityservices.errors import error_responses
from cityservices.kit.text import PRINTABLE
from cityservices.platform.http_cache import cacheable
from cityservices.platform.read_models import EncodedJSON
from cityservices.service_map.catalogue import repository as repo
from cityservices.service_map.catalogue.models import DivisionLevel
from cityservices.service_map.catalogue.params import (
    BundlePaging,
    DepartmentPaging,
    DistrictQuery,
    DivisionPaging,
    ItemCodePath,
    ItemFilters,
    ItemPaging,
    LevelQuery,
    OpenAtQuery,
    VenuePaging,
    checked_district,
    china_time,
)
from cityservices.service_map.catalogue.read_model import bundle_answer, guide_answer, item_answer
from cityservices.service_map.catalogue.schemas import (
    BundleDetailRead,
    BundlePage,
    DepartmentPage,
    DivisionPage,
    DivisionRead,
    DivisionSummaryRead,
    GuideRead,
    ItemPage,
    ItemRead,
    VenuePage,
    VenueSummaryRead,
)
from cityservices.service_map.catalogue.service import (
    bundle_summaries,
    department_rows,
    division_detail,
    item_summaries,
)
from cityservices.service_map.install import CHANGED
from cityservices.service_map.venues.repository import VenueFilter
from cityservices.service_map.venues.service import item_venue_page

router = APIRouter(prefix="/api/v1", tags=["catalogue"])

CodePath = Annotated[str, Path(min_length=1, max_length=64, pattern=PRINTABLE, description="编码")]
DivisionCodePath = Annotated[str, Path(min_length=1, max_length=12, pattern=PRINTABLE, description="区划代码")]


@router.get("/items", response_model=ItemPage, responses=error_responses(422))
@cacheable(CHANGED)
def list_items(
    session: DbSession,
    filters: ItemFilters,
    page: ItemPaging,
    district: DistrictQuery = None,
    venue: Annotated[
        str | None, Query(min_length=1, max_length=64, pattern=PRINTABLE, description="场所 id：在该场所办理的事项")
    ] = None,
) -> ItemPage:
    """Service items by code, filtered by department, type, applicant, level, district (handled at a venue in
    it), venue, category, core, and text in the name or an alias."""
    filters = replace(filters, district=checked_district(session, district), venue=venue)
    found = repo.page_items(session, repo.item_conditions(session, filters), page)
    return ItemPage.of(found, page, scope="items", items=item_summaries(session, found.rows))


@router.get("/items/{code}", response_model=ItemRead, responses=error_responses(404, 422))
@cacheable(CHANGED)
async def read_item(request: Request, code: ItemCodePath) -> EncodedJSON:
    """An item: its fields, implementations per level, current guide in brief, bundles, number of venues."""
    return await item_answer(request, code)  # built once per data generation (catalogue.read_model)


@router.get("/items/{code}/guide", response_model=GuideRead, responses=error_responses(404, 422))
@cacheable(CHANGED)
async def read_guide(
    request: Request,
    code: ItemCodePath,
    version: Annotated[int | None, Query(ge=1, le=10_000, description="指南版本；缺省为现行版本")] = None,
) -> EncodedJSON:
    """The item's guide (办事指南), every field: the current version, or ``version``."""
    return await guide_answer(request, code, version=version)


@router.get("/items/{code}/venues", response_model=VenuePage, responses=error_responses(404, 409, 422))
@cacheable(CHANGED)
def list_item_venues(
    session: DbSession,
    code: ItemCodePath,
    page: VenuePaging,
    district: DistrictQuery = None,
    level: LevelQuery = None,
    open_at: OpenAtQuery = None,
) -> VenuePage:
    """The venues that handle the item, by id, filtered by district, level and open at ``open_at``."""
    filters = VenueFilter(level=level, district=checked_district(session, district))
    found = item_venue_page(session, code, filters, page, open_at=china_time(open_at))
    items = [VenueSummaryRead.model_validate(v) for v in found.rows]
    return VenuePage.of(found, page, scope="venues", items=items)


@router.get("/bundles", response_model=BundlePage, responses=error_responses(422))
@cacheable(CHANGED)
def list_bundles(session: DbSession, page: BundlePaging) -> BundlePage:
    """One-thing bundles (一件事) by code."""
    found = repo.page_bundles(session, page)
    return BundlePage.of(found, page, scope="bundles", items=bundle_summaries(session, found.rows))


@router.get("/bundles/{code}", response_model=BundleDetailRead, responses=error_responses(404, 422))
@cacheable(CHANGED)
async def read_bundle(request: Request, code: CodePath) -> EncodedJSON:
    """A bundle: its items in order with their guides in brief, and the materials they share."""
    return await bundle_answer(request, code)


@router.get("/divisions", response_model=DivisionPage, responses=error_responses(422))
@cacheable(CHANGED)
def list_divisions(
    session: DbSession,
    page: DivisionPaging,
    level: Annotated[DivisionLevel | None, Query(description="city | district | street | town | other")] = None,
    parent: Annotated[
        str | None, Query(min_length=1, max_length=12, pattern=PRINTABLE, description="上级区划代码")
    ] = None,
) -> DivisionPage:
    """Administrative divisions by code (without boundaries)."""
    found = repo.page_divisions(session, level=level, parent=parent, request=page)
    items = [DivisionSummaryRead.model_validate(d) for d in found.rows]
    return DivisionPage.of(found, page, scope="divisions", items=items)


@router.get("/divisions/{code}", response_model=DivisionRead, responses=error_responses(404, 422))
@cacheable(CHANGED)
def read_division(
    session: DbSession,
    code: DivisionCodePath,
    boundary: Annotated[bool, Query(description="是否附带 GeoJSON 边界 (WGS-84)")] = False,
) -> DivisionRead:
    """A division with its parent, children and number of venues; its boundary with ``boundary=true``."""
    return division_detail(session, code, boundary=boundary)


@router.get("/departments", response_model=DepartmentPage, responses=error_responses(422))
@cacheable(CHANGED)
def list_departments(
    session: DbSession,
    page: DepartmentPaging,
    category: Annotated[
        str | None, Query(min_length=1, max_length=40, pattern=PRINTABLE, description="业务类别，如 人社")
    ] = None,
    district: DistrictQuery = None,
) -> DepartmentPage:
    """Departments by code, filtered by category and by district (the departments of it and below it)."""
    district = checked_district(session, district)
    found = repo.page_departments(session, category=category, district=district, request=page)
    return DepartmentPage.of(found, page, scope="departments", items=department_rows(session, found.rows))
