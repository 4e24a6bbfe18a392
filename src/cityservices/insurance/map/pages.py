"""The insurance map's phone page (``/insurance/map``): a Leaflet map (the service map's script and base layer)
and the list of places, with filters, nearest first from a point the citizen gives, and a route to each place.
Generated values carry the 演示数据 mark; generated phones are text, never links."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cityservices.deps import CurrentRuntime, DbSession
from cityservices.errors import AppError
from cityservices.insurance.map import service
from cityservices.insurance.map.places import DISTRICTS, KIND_ZH, LEVEL_ZH
from cityservices.kit.calendar import now_in_china
from cityservices.kit.geo import check_point
from cityservices.platform.templating import templates

router = APIRouter(tags=["insurance pages"], include_in_schema=False)
QINGDAO_CENTRE = (36.0671, 120.3826)


@router.get("/insurance/map", response_class=HTMLResponse)
def map_page(
    request: Request,
    session: DbSession,
    runtime: CurrentRuntime,
    kind: Annotated[Literal["office", "hospital", "pharmacy", ""], Query()] = "",
    district: Annotated[str, Query(max_length=6)] = "",
    level: Annotated[Literal["3", "2", "1", ""], Query()] = "",
    cross_province: Annotated[bool, Query()] = False,
    chronic: Annotated[bool, Query()] = False,
    open_now: Annotated[bool, Query()] = False,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lng: Annotated[float | None, Query(ge=-180, le=180)] = None,
) -> HTMLResponse:
    origin, error = None, None
    if lat is not None and lng is not None:
        try:
            origin = check_point(lat, lng)
        except AppError:
            error = "这个位置不在服务范围内，已按全部地点显示"
    wanted = service.PlaceFilter(
        kind=kind or None,
        district=district if district in DISTRICTS else None,
        level=level or None,
        cross_province=cross_province or None,
        chronic=chronic or None,
        open_now=open_now,
    )
    result = service.find_places(session, wanted, at=now_in_china(), origin=origin, limit=30 if origin else 100)
    settings = runtime.settings
    context = {
        "result": result,
        "error": error,
        "origin": origin,
        "centre": origin or QINGDAO_CENTRE,
        "form": {
            "kind": kind,
            "district": district,
            "level": level,
            "cross_province": cross_province,
            "chronic": chronic,
            "open_now": open_now,
        },
        "kinds": KIND_ZH,
        "districts": DISTRICTS,
        "levels": LEVEL_ZH,
        "map": {
            "tile-url": settings.map_tile_url,
            "tile-crs": settings.map_tile_crs,
            "tile-attribution": settings.map_tile_attribution,
        },
    }
    return templates.TemplateResponse(request, "insurance/map/map.html", context)
