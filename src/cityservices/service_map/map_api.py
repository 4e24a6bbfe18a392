"""JSON for the pages' map under /api/v1: the offline base layer (boundaries) and locating a typed place."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from cityservices.deps import DbSession
from cityservices.errors import error_responses
from cityservices.kit.geo import Crs, from_wgs84
from cityservices.kit.text import PRINTABLE
from cityservices.service_map.basemap import BaseMap, BaseMapCache
from cityservices.service_map.locate import MAX_QUERY_CHARS, locate_place

PlaceText = Annotated[
    str, Query(max_length=MAX_QUERY_CHARS, pattern=PRINTABLE, description="地址、街道(镇)、地标或场所名称")
]
DistrictName = Annotated[
    str | None, Query(min_length=1, max_length=40, pattern=PRINTABLE, description="区(市)代码或名称")
]

router = APIRouter(prefix="/api/v1", tags=["map"])


class LocatedRead(BaseModel):
    crs: Crs
    lat: float
    lng: float
    kind: str
    name: str
    label: str
    precision_m: int
    district_code: str | None


def get_basemap(request: Request, session: Session) -> BaseMap:
    """The application's cached base map (built on first use)."""
    cache: BaseMapCache | None = getattr(request.app.state, "basemap_cache", None)
    if cache is None:
        cache = request.app.state.basemap_cache = BaseMapCache()
    return cache.get(session)


@router.get(
    "/map/boundaries",
    response_class=Response,
    responses={200: {"content": {"application/geo+json": {}}, "description": "GeoJSON FeatureCollection"}},
)
def boundaries(
    request: Request, session: DbSession, crs: Annotated[Crs, Query(description="输出坐标系")] = "wgs84"
) -> Response:
    """District and township boundaries, simplified for drawing (© OpenStreetMap contributors, ODbL)."""
    body = get_basemap(request, session).geojson(crs)
    headers = {"Cache-Control": "public, max-age=3600"}
    return Response(body, media_type="application/geo+json", headers=headers)


@router.get("/locate", response_model=LocatedRead, responses=error_responses(404))
def locate(
    request: Request,
    session: DbSession,
    q: PlaceText = "",
    district: DistrictName = None,
    crs: Annotated[Crs, Query(description="输出坐标系")] = "wgs84",
) -> LocatedRead:
    """A point for a typed place or a chosen district, with its precision: the fallback when the browser
    may not share its location. Not a geocoder: only names the dataset knows are recognised (404 otherwise)."""
    found = locate_place(session, get_basemap(request, session), text=q, district=district)
    lat, lng = from_wgs84(found.lat, found.lng, crs)
    return LocatedRead(
        crs=crs,
        lat=round(lat, 7),
        lng=round(lng, 7),
        kind=found.kind,
        name=found.name,
        label=found.label,
        precision_m=found.precision_m,
        district_code=found.district_code,
    )
