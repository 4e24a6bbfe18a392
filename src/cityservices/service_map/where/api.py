"""JSON routes of "where to go" under /api/v1: nearest venues, nearby places, routes, hours, due dates.

Every route that takes or returns coordinates has a ``crs`` parameter (wgs84 | gcj02 | bd09) and states it
in the answer. Bad parameters give 422 ``invalid_request`` with field-level messages; unknown ids 404.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Annotated, Literal

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from cityservices.deps import DbSession, get_session
from cityservices.errors import RequestInvalid, error_responses
from cityservices.kit.calendar import now_in_china, to_china_time
from cityservices.kit.calendar.repository import load_calendar
from cityservices.kit.geo import Crs, check_point, from_wgs84, to_wgs84
from cityservices.kit.text import PRINTABLE
from cityservices.platform.http_cache import cacheable
from cityservices.platform.read_models import EncodedJSON, encode
from cityservices.service_map.install import CHANGED
from cityservices.service_map.routing.service import road_graph_cache
from cityservices.service_map.where.basemap import BaseMap, BaseMapCache
from cityservices.service_map.where.locate import MAX_QUERY_CHARS, Located, locate_place
from cityservices.service_map.where.nearby import MAX_RADIUS_M, PoiCategory, find_nearby_places
from cityservices.service_map.where.nearest import (
    NearestQuery,
    PlanChoices,
    find_nearest_venues,
    resolve_district,
    resolve_target,
)
from cityservices.service_map.where.schemas import (
    DueDateRead,
    HoursRead,
    NearbyRead,
    NearestRead,
    RouteRead,
    hours_read,
    poi_read,
    present_nearest,
    route_read,
    venue_read,
)
from cityservices.service_map.where.service import (
    DUE_DATE_RULE,
    compute_due_date,
    describe_venue_hours,
    route_to_venue,
)
from cityservices.service_map.where.travel import ModeChoice
from cityservices.service_map.where.venue_index import VenueIndex, VenueIndexCache

router = APIRouter(prefix="/api/v1", tags=["where to go"])

CrsParam = Annotated[Crs, Query(description="坐标系: 输入与输出坐标所用的 CRS")]
LatParam = Annotated[float, Query(description="纬度 (十进制度)")]
LngParam = Annotated[float, Query(description="经度 (十进制度)")]
TimeParam = Annotated[dt.datetime | None, Query(description="ISO 8601 时间；无时区时按北京时间；缺省为现在")]
VenueId = Annotated[str, Path(min_length=1, max_length=64, pattern=PRINTABLE)]
ItemParam = Annotated[
    str | None, Query(min_length=1, max_length=300, pattern=PRINTABLE, description="事项编码、名称或别名")
]
BundleParam = Annotated[
    str | None, Query(min_length=1, max_length=200, pattern=PRINTABLE, description="一件事编码或名称")
]
PlanParam = list[Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=PRINTABLE)]] | None
DistrictParam = Annotated[
    str | None, Query(min_length=1, max_length=40, pattern=PRINTABLE, description="区(市)代码或名称")
]


def _origin(lat: float, lng: float, crs: Crs, *, prefix: str = "") -> tuple[float, float]:
    check_point(lat, lng, lat_field=f"{prefix}lat", lng_field=f"{prefix}lng")  # CoordinateError: 422
    return to_wgs84(lat, lng, crs)


def venue_index_cache(app: FastAPI) -> VenueIndexCache:
    """The app's venue index cache (one per app: a worker's)."""
    cache: VenueIndexCache | None = getattr(app.state, "venue_index_cache", None)
    if cache is None:
        cache = app.state.venue_index_cache = VenueIndexCache()
    return cache


session_of = contextmanager(get_session)  # the request's own transaction rules (and Busy on a locked SQLite)


def _built_index(request: Request) -> VenueIndex:
    with session_of(request) as session:
        return venue_index_cache(request.app).get(session)


async def _index(request: Request) -> VenueIndex:
    """The worker's venue index: from memory when it is ready, else (first use, after a change, when a rebuild is
    due) built or refreshed on the thread pool with a session of its own."""
    index = venue_index_cache(request.app).ready()
    return index if index is not None else await run_in_threadpool(_built_index, request)


@router.get("/nearest", response_model=NearestRead, responses=error_responses(404, 409))
@cacheable(CHANGED)
async def nearest(
    request: Request,
    lat: LatParam,
    lng: LngParam,
    item: ItemParam = None,
    bundle: BundleParam = None,
    crs: CrsParam = "wgs84",
    time: TimeParam = None,
    mode: Annotated[ModeChoice, Query(description="auto：按距离选择 (近处步行，远处公交/地铁或驾车)")] = "auto",
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    district: DistrictParam = None,
    level: Annotated[Literal["city", "district", "street"] | None, Query()] = None,
    open_now: Annotated[bool, Query(description="只要到达时开放的场所")] = False,
    open_first: Annotated[bool, Query(description="最早能办理的场所在前 (按日期，同一天由近到远)")] = False,
    parking: Annotated[bool, Query(description="只要有停车位的场所")] = False,
    accessible: Annotated[bool, Query(description="只要有无障碍通道的场所")] = False,
    explain: Annotated[bool, Query(description="说明较近的场所为何未列出")] = False,
    pick: Annotated[PlanParam, Query(description="一件事：“选择其一”中本人所选的事项 (可重复)")] = None,
    applies: Annotated[PlanParam, Query(description="一件事：适用于本人的有条件步骤 (可重复)")] = None,
    skip: Annotated[PlanParam, Query(description="一件事：不适用于本人的有条件步骤 (可重复)")] = None,
) -> EncodedJSON:
    """Venues that handle the item (or the bundle as the citizen's plan has it), nearest by travel time first.

    For a bundle, one option of each choice group is needed (``pick``, else the option with the nearest open
    venue) and conditional steps only when they ``applies`` (``skip``: they do not; unanswered: 如适用)."""
    if (item is None) == (bundle is None):
        raise RequestInvalid("item", "请给出 item (事项) 或 bundle (一件事) 之一")
    origin = _origin(lat, lng, crs)
    index = await _index(request)
    if district is not None:
        district = resolve_district(index, district)
    if item is not None and (pick or applies or skip):
        given = "pick" if pick else "applies" if applies else "skip"
        raise RequestInvalid(given, f"{given} 只用于一件事 (bundle)，事项 (item) 没有可选或有条件的步骤")
    choices = PlanChoices(tuple(pick or ()), tuple(applies or ()), tuple(skip or ()))
    target = resolve_target(index, item=item, bundle=bundle, choices=choices)
    query = NearestQuery(
        origin=origin,
        at=to_china_time(time) if time else now_in_china(),
        mode=mode,
        limit=limit,
        district=district,
        level=level,
        open_now=open_now,
        open_first=open_first,
        parking=parking,
        accessible=accessible,
        explain=explain,
    )
    # On the event loop, without the thread-pool hand-off and without a database session: the index holds the
    # venues, their hours and the calendar, and a query takes about 0.03 ms (docs/benchmarks.md "Nearest venue");
    # presenting and encoding a few venues is well under a millisecond.
    answer = present_nearest(index, find_nearest_venues(index, target=target, query=query), crs)
    return EncodedJSON(encode(answer))  # encoded once, not validated again against response_model


@router.get("/venues/{venue_id}/nearby", response_model=NearbyRead)
@cacheable(CHANGED)
def nearby(
    session: DbSession,
    venue_id: VenueId,
    category: Annotated[list[PoiCategory] | None, Query(description="可重复: parking, petrol, food …")] = None,
    radius_m: Annotated[float, Query(gt=0, le=MAX_RADIUS_M)] = 1000.0,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    crs: CrsParam = "wgs84",
) -> NearbyRead:
    """Places of the given categories within ``radius_m`` of the venue, nearest first."""
    venue, places = find_nearby_places(session, venue_id=venue_id, radius_m=radius_m, categories=category, limit=limit)
    return NearbyRead(
        crs=crs, venue=venue_read(venue, crs), radius_m=radius_m, places=[poi_read(p, crs) for p in places]
    )


@router.get("/route", response_model=RouteRead, responses=error_responses(404))
@cacheable(CHANGED)
def route(
    request: Request,
    session: DbSession,
    from_lat: LatParam,
    from_lng: LngParam,
    to: Annotated[str, Query(min_length=1, max_length=64, pattern=PRINTABLE, description="目的地场所 id")],
    mode: Annotated[ModeChoice, Query(description="auto：按距离选择；公交/地铁为估算")] = "auto",
    crs: CrsParam = "wgs84",
) -> RouteRead:
    """The fastest road route to a venue with turn-by-turn steps, or a straight-line estimate labelled as such."""
    origin = _origin(from_lat, from_lng, crs, prefix="from_")
    graph = road_graph_cache(request.app).get(session)
    venue, result = route_to_venue(session, graph, origin=origin, venue_id=to, mode=mode)
    return route_read(result, origin=origin, destination=venue_read(venue, crs), crs=crs, requested=mode)


@router.get("/venues/{venue_id}/hours", response_model=HoursRead, responses=error_responses(409))
@cacheable(CHANGED)
def hours(
    session: DbSession,
    venue_id: VenueId,
    time: TimeParam = None,
    days: Annotated[int, Query(ge=1, le=31, description="列出今后几天的安排")] = 7,
    crs: CrsParam = "wgs84",
) -> HoursRead:
    """Open or closed at ``time``, the next opening, and the plan of the coming days (holidays included)."""
    at = to_china_time(time) if time else now_in_china()
    report = describe_venue_hours(session, venue_id=venue_id, at=at, days=days)
    return hours_read(report, at=at, crs=crs)


@router.get("/calendar/due-date", response_model=DueDateRead, responses=error_responses(409))
@cacheable(CHANGED)
def due_date(
    session: DbSession,
    start: Annotated[dt.date, Query(description="受理日期")],
    working_days: Annotated[int, Query(ge=0, le=3650, description="承诺时限 (工作日)")],
) -> DueDateRead:
    """The due date of a promised time limit in working days (statutory holidays and make-up days applied)."""
    due, sources = compute_due_date(load_calendar(session), start=start, working_days=working_days)
    return DueDateRead(
        start=start, working_days=working_days, due_date=due, rule=DUE_DATE_RULE, calendar_sources=sources
    )


PlaceText = Annotated[
    str, Query(max_length=MAX_QUERY_CHARS, pattern=PRINTABLE, description="地址、街道(镇)、地标或场所名称")
]
DistrictName = Annotated[
    str | None, Query(min_length=1, max_length=40, pattern=PRINTABLE, description="区(市)代码或名称")
]

map_router = APIRouter(prefix="/api/v1", tags=["map"])


class PlaceRead(BaseModel):
    crs: Crs
    lat: float
    lng: float
    kind: str = Field(description="venue | poi | community | street | district")
    name: str
    label: str = Field(description="说明按什么位置计算及其误差")
    precision_m: int
    district_code: str | None
    within: str | None = Field(description="社区、村所在的街道(镇)")


class LocatedRead(PlaceRead):
    candidates: list[PlaceRead] = Field(description="同名的其他地点 (可供选择)；没有时为空")


def get_basemap(request: Request, session: Session) -> BaseMap:
    """The application's cached base map (built on first use)."""
    cache: BaseMapCache | None = getattr(request.app.state, "basemap_cache", None)
    if cache is None:
        cache = request.app.state.basemap_cache = BaseMapCache()
    return cache.get(session)


@map_router.get(
    "/map/boundaries",
    response_class=Response,
    responses={200: {"content": {"application/geo+json": {}}, "description": "GeoJSON FeatureCollection"}},
)
@cacheable(CHANGED)
def boundaries(
    request: Request, session: DbSession, crs: Annotated[Crs, Query(description="输出坐标系")] = "wgs84"
) -> Response:
    """District and township boundaries, simplified for drawing (© OpenStreetMap contributors, ODbL)."""
    body = get_basemap(request, session).geojson(crs)
    headers = {"Cache-Control": "public, max-age=3600"}
    return Response(body, media_type="application/geo+json", headers=headers)


@map_router.get("/locate", response_model=LocatedRead, responses=error_responses(404))
@cacheable(CHANGED)
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
    return LocatedRead(
        **_place_read(found, crs).model_dump(), candidates=[_place_read(c, crs) for c in found.candidates]
    )


def _place_read(found: Located, crs: Crs) -> PlaceRead:
    lat, lng = from_wgs84(found.lat, found.lng, crs)
    return PlaceRead(
        crs=crs,
        lat=round(lat, 7),
        lng=round(lng, 7),
        kind=found.kind,
        name=found.name,
        label=found.label,
        precision_m=found.precision_m,
        district_code=found.district_code,
        within=found.within,
    )
