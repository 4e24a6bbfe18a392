"""Routes: import an OSM file, load the road graph (cached per import), plan a route or say it is an estimate.

A route over the road graph starts and ends with straight stretches between the given points and the
nearest usable road nodes (at walking speed). Where no road data is loaded, a point is more than
``SNAP_MAX_M`` from any road, or the two points are not connected, the answer is a straight-line estimate
with ``estimate: true``, no geometry and no steps — never a made-up route.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cityservices.kit.geo import haversine_m
from cityservices.service_map.routing import repository as repo
from cityservices.service_map.routing.graph import RoadGraph, RouteMode
from cityservices.service_map.routing.models import RoadGraphImport
from cityservices.service_map.routing.osm import RoadNetwork, read_osm
from cityservices.service_map.routing.profiles import WALK_SPEED_KMH
from cityservices.service_map.routing.steps import RouteStep, build_steps
from cityservices.service_map.where.travel import Mode, estimate_travel

SNAP_MAX_M = 1000.0
ACCESS_SPEED_MPS = WALK_SPEED_KMH / 3.6


@dataclass
class Route:
    mode: Mode
    estimate: bool
    method: str
    distance_m: float
    duration_s: float
    coordinates: list[tuple[float, float]] | None  # WGS-84 (lat, lng); None for an estimate
    steps: list[RouteStep] = field(default_factory=list)
    note: str | None = None
    graph_import_id: int | None = None
    straight_line_m: float = 0.0


def import_osm_file(
    session: Session, path: Path, *, progress: Callable[[int], None] | None = None
) -> tuple[RoadGraphImport, RoadNetwork]:
    """Read ``path`` completely, then replace the stored road graph in the caller's transaction."""
    network = read_osm(path)
    return repo.replace_road_graph(session, network, progress=progress), network


def load_road_graph(session: Session) -> RoadGraph | None:
    """The stored road graph, or None when none was imported."""
    record = repo.latest_import(session)
    if record is None:
        return None
    return RoadGraph.from_rows(
        repo.fetch_nodes(session), repo.fetch_edges(session), import_id=record.id, source_name=record.source_name
    )


class RoadGraphCache:
    """One process's road graph, reloaded when a newer import exists (one cheap query per request)."""

    def __init__(self) -> None:
        self._graph: RoadGraph | None = None
        self._import_id: int | None = None
        self._lock = threading.Lock()

    def get(self, session: Session) -> RoadGraph | None:
        current = repo.latest_import_id(session)
        with self._lock:
            if current != self._import_id:
                self._graph = load_road_graph(session) if current is not None else None
                self._import_id = current
            return self._graph


def road_graph_cache(app: Any) -> RoadGraphCache:
    """The application's one road graph cache (``app.state.road_graph_cache``), made on first use: every domain
    that routes over the road graph shares it."""
    cache: RoadGraphCache | None = getattr(app.state, "road_graph_cache", None)
    if cache is None:
        cache = app.state.road_graph_cache = RoadGraphCache()
    return cache


def plan_route(
    graph: RoadGraph | None,
    *,
    origin: tuple[float, float],
    destination: tuple[float, float],
    destination_name: str,
    mode: Mode,
) -> Route:
    """The fastest route over the road graph from ``origin`` to ``destination`` (WGS-84), or an estimate.

    Public transport has no loaded timetable or network, so a transit plan is always a labelled estimate.
    """
    if mode == "transit":
        return _estimate(origin, destination, mode, "暂无公交、地铁线路数据，路程按直线距离估算", None)
    if graph is None:
        return _estimate(origin, destination, mode, "暂无道路数据，路程按直线距离估算", None)
    start, end = graph.snap(mode, *origin), graph.snap(mode, *destination)
    for label, snapped in (("起点", start), ("终点", end)):
        if snapped is None or snapped[1] > SNAP_MAX_M:
            note = f"{label} {SNAP_MAX_M:.0f} 米内没有已载入的可{_verb(mode)}道路"
            return _estimate(origin, destination, mode, note, graph.import_id)
    assert start is not None
    assert end is not None
    legs = graph.shortest_path(mode, start[0], end[0])
    if legs is None:
        return _estimate(origin, destination, mode, "已载入的道路网中两点之间不连通", graph.import_id)
    points = [origin, graph.point(start[0])]
    points += [graph.point(graph.leg_nodes(leg)[1]) for leg in legs]
    points.append(destination)
    road_m = sum(float(graph.edges.length_m[leg.edge]) for leg in legs)
    road_s = sum(leg.cost_s for leg in legs)
    access_m = start[1] + end[1]
    steps = build_steps(
        graph,
        legs,
        mode=mode,
        destination=destination,
        destination_name=destination_name,
        arrive_distance_m=end[1],
        arrive_duration_s=end[1] / ACCESS_SPEED_MPS,
    )
    return Route(
        mode=mode,
        estimate=False,
        method="road_graph",
        distance_m=road_m + access_m,
        duration_s=road_s + access_m / ACCESS_SPEED_MPS,
        coordinates=_dedupe(points),
        steps=steps,
        note="首尾两段为到最近道路的直线距离" if access_m >= 1 else None,
        graph_import_id=graph.import_id,
        straight_line_m=haversine_m(*origin, *destination),
    )


def _estimate(
    origin: tuple[float, float], destination: tuple[float, float], mode: Mode, why: str, import_id: int | None
) -> Route:
    straight = haversine_m(*origin, *destination)
    travel = estimate_travel(straight, mode)
    return Route(
        mode=mode,
        estimate=True,
        method=travel.method,
        distance_m=travel.distance_m,
        duration_s=travel.duration_s,
        coordinates=None,
        note=f"{why}；以下为直线距离估算，并非实际路线。{travel.note}",
        graph_import_id=import_id,
        straight_line_m=straight,
    )


def _verb(mode: RouteMode) -> str:
    return "步行" if mode == "walk" else "行驶"


def _dedupe(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    result: list[tuple[float, float]] = []
    for point in points:
        if not result or result[-1] != point:
            result.append(point)
    return result
