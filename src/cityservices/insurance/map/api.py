"""``/api/v1/insurance/map/…``: the insurance service map (public, no personal data): places with filters,
nearest (open) places, one place, a route to a place."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request

from cityservices.deps import DbSession
from cityservices.errors import RequestInvalid, error_responses
from cityservices.insurance.map import service
from cityservices.insurance.map.places import DISTRICTS
from cityservices.insurance.map.schemas import PlaceRead, PlaceRouteRead, PlacesRead
from cityservices.kit.calendar import now_in_china
from cityservices.kit.geo import check_point
from cityservices.service_map.routing.service import road_graph_cache

router = APIRouter(prefix="/api/v1/insurance/map", tags=["insurance"], responses=error_responses(422))
Kind = Annotated[Literal["office", "hospital", "pharmacy"] | None, Query(description="地点类别")]
District = Annotated[str | None, Query(pattern=r"^3702\d\d$", description="区(市)代码")]
Level = Annotated[Literal["3", "2", "1"] | None, Query(description="医院等级")]
Lat = Annotated[float, Query(ge=-90, le=90, description="纬度 (WGS-84)")]
Lng = Annotated[float, Query(ge=-180, le=180, description="经度 (WGS-84)")]
PlaceId = Annotated[str, Path(pattern=r"^[ohp][0-9a-f]{11}$", description="地点编号")]


def _filter(
    kind: Kind = None,
    district: District = None,
    level: Level = None,
    cross_province: Annotated[bool | None, Query(description="可跨省异地就医直接结算")] = None,
    chronic: Annotated[bool | None, Query(description="可门诊慢特病结算")] = None,
    open_now: Annotated[bool, Query(description="只看现在开放的")] = False,
) -> service.PlaceFilter:
    if district is not None and district not in DISTRICTS:
        raise RequestInvalid("district", f"未知的区(市)代码 {district}")
    return service.PlaceFilter(kind, district, level, cross_province, chronic, open_now)


Wanted = Annotated[service.PlaceFilter, Depends(_filter)]  # the filter query parameters, checked


@router.get("/places", response_model=PlacesRead)
def list_places(session: DbSession, wanted: Wanted, limit: Annotated[int, Query(ge=1, le=200)] = 100) -> PlacesRead:
    """Insurance offices, designated hospitals (with level) and pharmacies, filtered; generated values marked."""
    return service.find_places(session, wanted, at=now_in_china(), limit=limit)


@router.get("/nearest", response_model=PlacesRead)
def nearest(
    session: DbSession, lat: Lat, lng: Lng, wanted: Wanted, limit: Annotated[int, Query(ge=1, le=50)] = 5
) -> PlacesRead:
    """The nearest matching places from a point (straight-line distance), optionally only those open now."""
    origin = check_point(lat, lng)
    return service.find_places(session, wanted, at=now_in_china(), origin=origin, limit=limit)


@router.get("/places/{place_id}", response_model=PlaceRead, responses=error_responses(404))
def read_place(session: DbSession, place_id: PlaceId) -> PlaceRead:
    """One place with its hours and open state now."""
    return service.read_place(session, place_id, at=now_in_china())


@router.get("/route", response_model=PlaceRouteRead, responses=error_responses(404))
def route(
    request: Request,
    session: DbSession,
    from_lat: Lat,
    from_lng: Lng,
    to: Annotated[str, Query(pattern=r"^[ohp][0-9a-f]{11}$", description="目的地地点编号")],
    mode: Annotated[Literal["walk", "drive"], Query()] = "walk",
) -> PlaceRouteRead:
    """A route to a place over the service map's road graph, or a straight-line estimate labelled as such."""
    origin = check_point(from_lat, from_lng, lat_field="from_lat", lng_field="from_lng")
    return service.route_to_place(
        session, road_graph_cache(request.app), origin=origin, place_id=to, mode=mode, at=now_in_china()
    )
