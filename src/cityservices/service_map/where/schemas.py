"""API shapes of "where to go" (nearest venues, nearby places, routes, hours) and their builders.

Every shape that carries coordinates carries the ``crs`` they are in; results are converted from the
stored WGS-84 only here, at the edge.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from cityservices.kit.geo import Crs, from_wgs84
from cityservices.service_map.catalogue.models import Venue
from cityservices.service_map.routing.service import Route
from cityservices.service_map.routing.steps import RouteStep
from cityservices.service_map.where.hours import DayPlan, OpenState, format_intervals
from cityservices.service_map.where.nearby import NearbyPlace
from cityservices.service_map.where.nearest import PLAN_STATUS_LABELS, NearestHit, NearestResult, PlanStep
from cityservices.service_map.where.travel import (
    WALK_SENSIBLE_MAX_S,
    ModeChoice,
    TravelEstimate,
    is_sensible,
    mode_label,
    travel_alternatives,
)
from cityservices.service_map.where.venue_index import ItemRef, VenueIndex

if TYPE_CHECKING:
    from cityservices.service_map.where.service import VenueHoursReport


class PointRead(BaseModel):
    lat: float
    lng: float


class VenueRefRead(BaseModel):
    id: str
    name: str
    level: str
    address: str
    lat: float
    lng: float
    demo_fields: list[str] = []


class ItemRefRead(BaseModel):
    code: str
    name: str
    levels: list[str]


class PlanStepRead(BaseModel):
    item: ItemRefRead
    kind: str = Field(description="step | first | choice (选择其一) | if (有条件)")
    choice_group: str
    condition: str
    status: str = Field(description="required | chosen | not_chosen | applies | if_applicable | skipped")
    status_label: str = Field(description="状态的中文说明：须办、已选、未选、适用、如适用、不适用")
    chosen_by: str = Field(
        description="citizen：本人所选；nearest：按到达时开放的最近场所选定；nearest_any：到达时都不开放，按最近的场所选定；"
        "first：无场所时取第一项"
    )


class TargetRead(BaseModel):
    kind: Literal["item", "bundle"]
    code: str
    name: str
    items: list[ItemRefRead] = Field(description="场所须能办理的事项 (一件事：按所选方案)")
    plan: list[PlanStepRead] = Field(default_factory=list, description="一件事的办理方案；事项为空")


class AlternativeRead(BaseModel):
    mode: str
    label: str
    distance_m: float
    duration_s: float


class TravelRead(BaseModel):
    mode: str
    label: str = Field(description="方式的中文名称，如 步行、公交/地铁、驾车")
    chosen_by: Literal["request", "distance"] = Field(description="request：按所选方式；distance：按距离自动选择")
    sensible: bool = Field(description="false：步行超过一小时，不宜作为出行方案")
    alternatives: list[AlternativeRead] = Field(description="其他可选方式的估算，最快的在前")
    estimate: bool
    method: str
    straight_line_m: float
    distance_m: float
    duration_s: float
    note: str


class OpenStateRead(BaseModel):
    open: bool
    at: dt.datetime
    day_kind: str
    day_note: str
    closes_at: dt.datetime | None
    next_opening: dt.datetime | None
    next_opening_unknown: str | None


class NearestHitRead(BaseModel):
    rank: int
    venue: VenueRefRead
    distance_m: float
    travel: TravelRead
    arrival: dt.datetime
    open_on_arrival: bool
    state: OpenStateRead
    has_parking: bool
    accessible: bool
    missing_items: list[ItemRefRead]


class ReasonRead(BaseModel):
    code: str
    message: str


class ExclusionRead(BaseModel):
    venue: VenueRefRead
    distance_m: float
    reasons: list[ReasonRead]


class NearestRead(BaseModel):
    crs: Crs
    origin: PointRead
    time: dt.datetime
    mode: str
    target: TargetRead
    candidates: int
    results: list[NearestHitRead]
    excluded: list[ExclusionRead] | None
    note: str | None


class PoiRead(BaseModel):
    id: str
    category: str
    name: str
    address: str
    lat: float
    lng: float
    distance_m: float
    details: dict[str, Any]
    demo_fields: list[str]


class NearbyRead(BaseModel):
    crs: Crs
    venue: VenueRefRead
    radius_m: float
    places: list[PoiRead]


class StepRead(BaseModel):
    kind: str
    turn: str | None
    instruction: str
    street: str
    distance_m: float
    duration_s: float
    bearing_deg: float | None
    location: PointRead


class RouteRead(BaseModel):
    crs: Crs
    mode: str
    label: str = Field(description="方式的中文名称")
    chosen_by: Literal["request", "distance"]
    sensible: bool = Field(description="false：步行超过一小时，不宜作为出行方案")
    alternatives: list[AlternativeRead] = Field(description="其他方式按直线距离的估算，最快的在前")
    origin: PointRead
    destination: VenueRefRead
    estimate: bool
    method: str
    distance_m: float
    straight_line_m: float
    duration_s: float
    geometry: dict[str, Any] | None
    steps: list[StepRead]
    note: str | None
    road_graph_import_id: int | None


class DayRead(BaseModel):
    date: dt.date
    kind: str
    note: str
    intervals: list[list[str]]


class HoursRead(BaseModel):
    crs: Crs
    venue: VenueRefRead
    time: dt.datetime
    state: OpenStateRead
    days: list[DayRead]
    days_unknown: str | None
    weekly: dict[str, list[list[str]]]
    hours_note: str


class DueDateRead(BaseModel):
    start: dt.date
    working_days: int
    due_date: dt.date
    rule: str
    calendar_sources: dict[int, str]


def point(lat: float, lng: float, crs: Crs) -> PointRead:
    clat, clng = from_wgs84(lat, lng, crs)
    return PointRead(lat=round(clat, 7), lng=round(clng, 7))


def venue_ref(index: VenueIndex, position: int, crs: Crs) -> VenueRefRead:
    v = index.venues
    p = point(float(v.lat[position]), float(v.lng[position]), crs)
    demo = v.demo_fields[position] if v.demo_fields else []
    return VenueRefRead(
        id=v.ids[position],
        name=v.names[position],
        level=v.levels[position],
        address=v.addresses[position],
        lat=p.lat,
        lng=p.lng,
        demo_fields=demo,
    )


def venue_read(venue: Venue, crs: Crs) -> VenueRefRead:
    at = point(venue.lat, venue.lng, crs)
    return VenueRefRead(
        id=venue.id,
        name=venue.name,
        level=venue.level,
        address=venue.address,
        lat=at.lat,
        lng=at.lng,
        demo_fields=list(venue.demo_fields or []),
    )


def item_ref(item: ItemRef) -> ItemRefRead:
    return ItemRefRead(code=item.code, name=item.name, levels=list(item.levels))


def plan_step_read(step: PlanStep) -> PlanStepRead:
    return PlanStepRead(
        item=item_ref(step.item),
        kind=step.kind,
        choice_group=step.group,
        condition=step.condition,
        status=step.status,
        status_label=PLAN_STATUS_LABELS[step.status],
        chosen_by=step.chosen_by,
    )


def open_state_read(state: OpenState) -> OpenStateRead:
    return OpenStateRead(
        open=state.is_open,
        at=state.at,
        day_kind=state.plan.kind,
        day_note=state.plan.note,
        closes_at=state.closes_at,
        next_opening=state.next_opening,
        next_opening_unknown=state.next_opening_unknown,
    )


def present_nearest(index: VenueIndex, result: NearestResult, crs: Crs) -> NearestRead:
    q = result.query
    return NearestRead(
        crs=crs,
        origin=point(*q.origin, crs),
        time=q.at,
        mode=q.mode,
        target=TargetRead(
            kind=result.target.kind,
            code=result.target.code,
            name=result.target.name,
            items=[item_ref(i) for i in result.target.items],
            plan=[plan_step_read(s) for s in result.target.plan],
        ),
        candidates=result.candidates,
        results=[_hit(index, rank, hit, crs, q.mode) for rank, hit in enumerate(result.hits, start=1)],
        excluded=[
            ExclusionRead(
                venue=venue_ref(index, e.position, crs),
                distance_m=round(e.distance_m, 1),
                reasons=[ReasonRead(code=r.code, message=r.message) for r in e.reasons],
            )
            for e in result.excluded
        ]
        if q.explain
        else None,
        note=result.note,
    )


def _hit(index: VenueIndex, rank: int, hit: NearestHit, crs: Crs, query_mode: ModeChoice) -> NearestHitRead:
    t = hit.travel
    return NearestHitRead(
        rank=rank,
        venue=venue_ref(index, hit.position, crs),
        distance_m=round(hit.distance_m, 1),
        travel=TravelRead(
            mode=t.mode,
            label=mode_label(t.mode),
            chosen_by="distance" if query_mode == "auto" else "request",
            sensible=is_sensible(t),
            alternatives=[_alternative(a) for a in hit.alternatives],
            estimate=True,
            method=t.method,
            straight_line_m=round(t.straight_line_m, 1),
            distance_m=round(t.distance_m, 1),
            duration_s=round(t.duration_s, 1),
            note=t.note,
        ),
        arrival=hit.arrival.replace(microsecond=0),
        open_on_arrival=hit.state.is_open,
        state=open_state_read(hit.state),
        has_parking=bool(index.venues.has_parking[hit.position]),
        accessible=bool(index.venues.accessible[hit.position]),
        missing_items=[item_ref(i) for i in hit.missing_items],
    )


def _alternative(estimate: TravelEstimate) -> AlternativeRead:
    return AlternativeRead(
        mode=estimate.mode,
        label=mode_label(estimate.mode),
        distance_m=round(estimate.distance_m, 1),
        duration_s=round(estimate.duration_s, 1),
    )


def poi_read(place: NearbyPlace, crs: Crs) -> PoiRead:
    p, at = place.poi, point(place.poi.lat, place.poi.lng, crs)
    return PoiRead(
        id=p.id,
        category=p.category,
        name=p.name,
        address=p.address,
        lat=at.lat,
        lng=at.lng,
        distance_m=round(place.distance_m, 1),
        details=p.details,
        demo_fields=p.demo_fields,
    )


def route_read(
    route: Route, *, origin: tuple[float, float], destination: VenueRefRead, crs: Crs, requested: ModeChoice
) -> RouteRead:
    geometry = None
    if route.coordinates is not None:
        coords = [[round(c.lng, 7), round(c.lat, 7)] for c in (point(*xy, crs) for xy in route.coordinates)]
        if len(coords) == 1:
            coords.append(coords[0])
        geometry = {"type": "LineString", "coordinates": coords}
    return RouteRead(
        crs=crs,
        mode=route.mode,
        label=mode_label(route.mode),
        chosen_by="distance" if requested == "auto" else "request",
        sensible=route.mode != "walk" or route.duration_s <= WALK_SENSIBLE_MAX_S,
        alternatives=[
            _alternative(a)
            for a in travel_alternatives(route.straight_line_m)
            if a.mode != route.mode and is_sensible(a)
        ],
        origin=point(*origin, crs),
        destination=destination,
        estimate=route.estimate,
        method=route.method,
        distance_m=round(route.distance_m, 1),
        straight_line_m=round(route.straight_line_m, 1),
        duration_s=round(route.duration_s, 1),
        geometry=geometry,
        steps=[_step(s, crs) for s in route.steps],
        note=route.note,
        road_graph_import_id=route.graph_import_id,
    )


def _step(step: RouteStep, crs: Crs) -> StepRead:
    return StepRead(
        kind=step.kind,
        turn=step.turn,
        instruction=step.instruction,
        street=step.street,
        distance_m=round(step.distance_m, 1),
        duration_s=round(step.duration_s, 1),
        bearing_deg=None if step.bearing_deg is None else round(step.bearing_deg, 1),
        location=point(*step.location, crs),
    )


def day_read(plan: DayPlan) -> DayRead:
    return DayRead(date=plan.day, kind=plan.kind, note=plan.note, intervals=format_intervals(plan.intervals))


def hours_read(report: VenueHoursReport, *, at: dt.datetime, crs: Crs) -> HoursRead:
    """The answer to "is it open, and when next?" for a venue, in ``crs``."""
    return HoursRead(
        crs=crs,
        venue=venue_read(report.venue, crs),
        time=at,
        state=open_state_read(report.state),
        days=[day_read(p) for p in report.days],
        days_unknown=report.days_unknown,
        weekly=report.weekly,
        hours_note=report.venue.hours_note,
    )
