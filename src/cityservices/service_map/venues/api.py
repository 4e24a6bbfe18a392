"""JSON routes of the service map under /api/v1: statistics and venues (thin: they call the service and repository).

Lists take ``limit`` with ``offset`` or ``cursor`` (kit.pagination); unknown ids are 404, bad parameters 422
naming the parameter, an ``open_at`` in a year whose holidays nobody has loaded 409.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from cityservices.deps import DbSession
from cityservices.errors import error_responses
from cityservices.kit.geo import Crs
from cityservices.platform.http_cache import cacheable
from cityservices.platform.read_models import EncodedJSON
from cityservices.service_map.catalogue.params import (
    ItemFilters,
    ItemPaging,
    OpenAtQuery,
    VenueFilters,
    VenueIdPath,
    VenuePaging,
    china_time,
)
from cityservices.service_map.catalogue.schemas import (
    StatsRead,
    VenueFeatureCollectionRead,
    VenueItemPage,
    VenuePage,
    VenueRead,
    VenueSummaryRead,
)
from cityservices.service_map.catalogue.service import collect_stats, venue_item_page
from cityservices.service_map.install import CHANGED
from cityservices.service_map.venues.read_model import venue_answer
from cityservices.service_map.venues.service import venue_collection, venue_page

router = APIRouter(prefix="/api/v1", tags=["service map"])


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


@router.get("/stats", response_model=StatsRead)
@cacheable(CHANGED)
def read_stats(session: DbSession) -> StatsRead:
    """Counts of venues, items, venue–item entries, guides, bundles and POIs."""
    return StatsRead.model_validate(collect_stats(session))


@router.get("/venues", response_model=VenuePage, responses=error_responses(409, 422))
@cacheable(CHANGED)
def list_venues(session: DbSession, filters: VenueFilters, page: VenuePaging, open_at: OpenAtQuery = None) -> VenuePage:
    """Venues by id, filtered by level, district (and the divisions below it), department, item handled,
    text in the name or address, and open at ``open_at``; paginated by offset or cursor."""
    found = venue_page(session, filters, page, open_at=china_time(open_at))
    items = [VenueSummaryRead.model_validate(v) for v in found.rows]
    return VenuePage.of(found, page, scope="venues", items=items)


@router.get(
    "/venues.geojson",
    response_model=VenueFeatureCollectionRead,
    response_class=GeoJSONResponse,
    responses=error_responses(409, 422),
)
@cacheable(CHANGED)
def venues_geojson(session: DbSession, filters: VenueFilters, open_at: OpenAtQuery = None) -> GeoJSONResponse:
    """Every venue matching the ``/venues`` filters as a GeoJSON FeatureCollection (RFC 7946: WGS-84,
    ``[lng, lat]``; the Feature id is the venue id, every other field is in ``properties``). Not paginated."""
    return GeoJSONResponse(venue_collection(session, filters, open_at=china_time(open_at)))


@router.get("/venues/{venue_id}", response_model=VenueRead, responses=error_responses(404, 422))
@cacheable(CHANGED)
async def read_venue(
    request: Request,
    venue_id: VenueIdPath,
    crs: Annotated[Crs, Query(description="输出坐标系: wgs84 | gcj02 | bd09")] = "wgs84",
) -> EncodedJSON:
    """One venue: its 20 attributes, weekly hours and dated exceptions, departments, number of items handled."""
    return await venue_answer(request, venue_id, crs=crs)  # built once per data generation (venues.read_model)


@router.get("/venues/{venue_id}/items", response_model=VenueItemPage, responses=error_responses(404, 422))
@cacheable(CHANGED)
def list_venue_items(
    session: DbSession, venue_id: VenueIdPath, filters: ItemFilters, page: ItemPaging
) -> VenueItemPage:
    """The items handled at a venue (with the window number), by code, with the ``/items`` filters."""
    found, items = venue_item_page(session, venue_id, filters, page)
    return VenueItemPage.of(found, page, scope="items", items=items)
