"""The insurance map's use cases: places filtered (kind, district, level, flags, open now), nearest first from a
point, and a route to a place — opening states and routes come from the service map (``where.service``,
``routing.service``), not from copies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from cityservices.errors import NotFound
from cityservices.insurance.map.places import KIND_ZH, LEVEL_ZH, Place, all_places, place_by_id
from cityservices.insurance.map.schemas import PlaceRead, PlaceRouteRead, PlacesRead, RouteStepRead
from cityservices.kit.calendar import to_china_time
from cityservices.kit.geo import haversine_m
from cityservices.service_map.routing.service import RoadGraphCache, plan_route
from cityservices.service_map.where.service import open_states_of_weekly

DAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
DEMO_NOTE = "标为演示数据的内容（等级、定点与结算资格、电话、开放时间、经办机构和药店）为生成的演示数据，并非官方信息"
POSITION_NOTE = {
    "approximate": "位置为地址的近似坐标（商业地理编码换算，误差数米至数十米）",
    "demo": "位置为演示：取所在街道范围内的一个点",
}


@dataclass(frozen=True)
class PlaceFilter:
    kind: str | None = None
    district: str | None = None
    level: str | None = None
    cross_province: bool | None = None
    chronic: bool | None = None
    open_now: bool = False


def _hours_lines(place: Place) -> list[str]:
    lines = []
    for name, spans in zip(DAYS_ZH, place.weekly, strict=True):
        text = "、".join("全天" if (a, b) == ("00:00", "23:59") else f"{a}–{b}" for a, b in spans)
        lines.append(f"{name} {text or '休息'}")
    return lines


def _state_text(state: object | None) -> tuple[bool | None, str]:
    if state is None:
        return None, "节假日安排未载入，开放状态未知"
    is_open = bool(getattr(state, "is_open", False))
    if is_open:
        closes = getattr(state, "closes_at", None)
        return True, f"开放中，{closes:%H:%M} 结束" if closes else "开放中"
    opening = getattr(state, "next_opening", None)
    if opening is None:
        return False, "已休息"
    return False, f"已休息，{DAYS_ZH[opening.weekday()]} {opening:%m-%d %H:%M} 开放"


def _matches(place: Place, wanted: PlaceFilter) -> bool:
    return (
        (wanted.kind is None or place.kind == wanted.kind)
        and (wanted.district is None or place.district_code == wanted.district)
        and (wanted.level is None or place.level == wanted.level)
        and (wanted.cross_province is None or place.cross_province == wanted.cross_province)
        and (wanted.chronic is None or place.chronic == wanted.chronic)
        and place.designated
    )


def place_read(place: Place, state: object | None, distance_m: float | None) -> PlaceRead:
    open_now, text = _state_text(state)
    return PlaceRead(
        id=place.id,
        kind=place.kind,
        kind_name=KIND_ZH[place.kind],
        name=place.name,
        district_code=place.district_code,
        district_name=place.district_name,
        address=place.address,
        lat=place.lat,
        lng=place.lng,
        position_note=POSITION_NOTE[place.position],
        level=place.level,
        level_name=LEVEL_ZH.get(place.level or ""),
        designated=place.designated,
        cross_province=place.cross_province,
        chronic=place.chronic,
        phone=place.phone,
        phone_dialable=False,
        hours=_hours_lines(place),
        open_now=open_now,
        state=text,
        distance_m=round(distance_m, 1) if distance_m is not None else None,
        demo_fields=list(place.demo_fields),
    )


def find_places(
    session: Session,
    wanted: PlaceFilter,
    *,
    at: dt.datetime,
    origin: tuple[float, float] | None = None,
    limit: int = 100,
) -> PlacesRead:
    """Designated places matching the filter; nearest first from ``origin`` (WGS-84), else by kind and name."""
    candidates = [p for p in all_places() if _matches(p, wanted)]
    states = open_states_of_weekly(session, {p.id: p.weekly for p in candidates}, at=to_china_time(at))
    if wanted.open_now:
        candidates = [p for p in candidates if _state_text(states[p.id])[0]]
    distances = {p.id: haversine_m(*origin, p.lat, p.lng) for p in candidates} if origin else {}
    if origin:
        candidates.sort(key=lambda p: distances[p.id])
    else:
        candidates.sort(key=lambda p: (list(KIND_ZH).index(p.kind), p.district_code or "", p.name))
    places = [place_read(p, states[p.id], distances.get(p.id)) for p in candidates[:limit]]
    return PlacesRead(total=len(candidates), places=places, note=DEMO_NOTE)


def read_place(session: Session, place_id: str, *, at: dt.datetime) -> PlaceRead:
    place = place_by_id(place_id)
    if place is None:
        raise NotFound(f"未知的地点: {place_id}")
    states = open_states_of_weekly(session, {place.id: place.weekly}, at=to_china_time(at))
    return place_read(place, states[place.id], None)


def route_to_place(
    session: Session,
    graphs: RoadGraphCache,
    *,
    origin: tuple[float, float],
    place_id: str,
    mode: Literal["walk", "drive"],
    at: dt.datetime,
) -> PlaceRouteRead:
    """The service map's route (road graph, or a straight-line estimate said to be one) to a place."""
    place = read_place(session, place_id, at=at)
    route = plan_route(
        graphs.get(session), origin=origin, destination=(place.lat, place.lng), destination_name=place.name, mode=mode
    )
    return PlaceRouteRead(
        place=place,
        mode=route.mode,
        estimate=route.estimate,
        method=route.method,
        distance_m=round(route.distance_m, 1),
        duration_s=round(route.duration_s, 1),
        coordinates=route.coordinates,
        steps=[
            RouteStepRead(instruction=s.instruction, distance_m=round(s.distance_m, 1), duration_s=round(s.duration_s))
            for s in route.steps
        ],
        note=route.note,
    )
