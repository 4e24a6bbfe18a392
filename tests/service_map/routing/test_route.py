"""Shortest paths on the hand-made town: one-ways, walking-only and driving-only roads, turn-by-turn steps,
and an honest straight-line estimate where there is no road data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from cityservices.kit.geo import haversine_m
from cityservices.service_map.routing.graph import RoadGraph
from cityservices.service_map.routing.service import import_osm_file, load_road_graph, plan_route
from cityservices.service_map.routing.steps import classify_turn, compass

# points a few metres off the grid corners (see tests/data/small_city.osm)
NW = (36.0681, 120.3799)  # near node 120 (山东路 × 东海西路)
NE = (36.0681, 120.3951)  # near node 123 (延安三路 × 东海西路)
MID = (36.0640, 120.3850)  # node 111
NE_INNER = (36.0680, 120.3900)  # node 122


@pytest.fixture
def graph(session: Session, osm_xml: Path) -> RoadGraph:
    import_osm_file(session, osm_xml)
    loaded = load_road_graph(session)
    assert loaded is not None
    return loaded


def streets(route: object) -> list[str]:
    return [s.street for s in route.steps if s.kind != "arrive"]  # type: ignore[attr-defined]


def test_walking_ignores_one_ways(graph: RoadGraph) -> None:
    route = plan_route(graph, origin=NW, destination=NE, destination_name="目的地", mode="walk")
    assert not route.estimate
    assert route.method == "road_graph"
    assert streets(route) == ["东海西路"]
    assert route.steps[0].instruction.startswith("沿东海西路向东步行")
    assert 1350 < route.distance_m < 1400
    assert route.duration_s == pytest.approx(route.distance_m / (5 / 3.6), rel=0.01)


def test_driving_obeys_one_ways_and_turns(graph: RoadGraph) -> None:
    route = plan_route(graph, origin=NW, destination=NE, destination_name="市南区政务服务中心", mode="drive")
    assert streets(route) == ["山东路", "香港中路", "延安三路"]
    assert [s.turn for s in route.steps] == [None, "left", "left", None]
    assert route.steps[0].instruction.startswith("沿山东路向南行驶")
    assert route.steps[1].instruction.startswith("左转进入香港中路")
    assert route.steps[-1].kind == "arrive"
    assert "市南区政务服务中心" in route.steps[-1].instruction
    assert route.distance_m > 3000
    back = plan_route(graph, origin=NE, destination=NW, destination_name="x", mode="drive")
    assert streets(back) == ["东海西路"]  # westbound is allowed


def test_footways_are_for_walking_only(graph: RoadGraph) -> None:
    walk = plan_route(graph, origin=MID, destination=NE_INNER, destination_name="x", mode="walk")
    assert streets(walk) == ["步行街"]
    drive = plan_route(graph, origin=MID, destination=NE_INNER, destination_name="x", mode="drive")
    assert "步行街" not in streets(drive)
    assert streets(drive) == ["闽江路", "福州南路"]
    assert drive.steps[1].turn == "left"


def test_walking_never_uses_the_motorway(graph: RoadGraph) -> None:
    near_motorway = (36.0561, 120.3800)
    route = plan_route(graph, origin=near_motorway, destination=(36.0561, 120.3950), destination_name="x", mode="walk")
    assert "快速路" not in streets(route)
    assert route.coordinates is not None
    assert haversine_m(*route.coordinates[1], 36.06, 120.38) < 1  # snapped to a walkable node


def test_unnamed_roads_are_named_as_such(graph: RoadGraph) -> None:
    route = plan_route(
        graph, origin=(36.0640, 120.3950), destination=(36.0640, 120.4000), destination_name="x", mode="walk"
    )
    assert streets(route) == ["无名道路"]


def test_geometry_starts_and_ends_at_the_given_points(graph: RoadGraph) -> None:
    route = plan_route(graph, origin=NW, destination=NE, destination_name="x", mode="walk")
    assert route.coordinates is not None
    assert route.coordinates[0] == NW
    assert route.coordinates[-1] == NE
    assert len(route.coordinates) == 6  # origin, four road nodes, destination


def test_no_road_data_gives_a_labelled_estimate_not_a_route() -> None:
    route = plan_route(None, origin=NW, destination=NE, destination_name="x", mode="walk")
    assert route.estimate
    assert route.coordinates is None
    assert route.steps == []
    assert route.note is not None
    assert "估算" in route.note
    assert "并非实际路线" in route.note
    assert route.distance_m > haversine_m(*NW, *NE)


def test_points_far_from_the_roads_get_an_estimate(graph: RoadGraph) -> None:
    route = plan_route(graph, origin=NW, destination=(36.2, 120.6), destination_name="x", mode="drive")
    assert route.estimate
    assert route.note is not None
    assert "终点" in route.note


@pytest.mark.parametrize(
    ("change", "turn"),
    [(0, "straight"), (15, "straight"), (30, "slight_right"), (-30, "slight_left"), (90, "right"), (-90, "left"),
     (150, "sharp_right"), (-150, "sharp_left"), (180, "uturn"), (270, "left"), (-270, "right")],
)  # fmt: skip
def test_turns(change: float, turn: str) -> None:
    assert classify_turn(change) == turn


def test_compass() -> None:
    assert [compass(b) for b in (0, 44, 90, 180, 270, 350)] == ["北", "东北", "东", "南", "西", "北"]
