"""OSM import: .osm and .osm.pbf, road classes and one-ways, and an import that either completes or
leaves the previous road graph untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cityservices.service_map.routing import repository as repo
from cityservices.service_map.routing.models import RoadEdge, RoadNode
from cityservices.service_map.routing.osm import OsmImportError, RoadNetwork, Segment, read_osm
from cityservices.service_map.routing.profiles import parse_maxspeed, way_rules
from cityservices.service_map.routing.service import import_osm_file, load_road_graph


def edge_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(RoadEdge)) or 0)


def test_the_xml_town_is_read_into_road_segments(osm_xml: Path) -> None:
    network = read_osm(osm_xml)
    assert network.ways == 12  # the private road, the building and the broken way are left out
    assert len(network.segments) == 23
    assert len(network.nodes) == 16
    assert network.missing_node_refs == 1
    by_way = {s.way_id: s for s in network.segments}
    assert by_way[1003].drive_kmh is not None
    assert by_way[1003].drive_reverse_kmh is None
    assert by_way[1007].drive_kmh is None
    assert by_way[1007].drive_reverse_kmh is not None
    assert by_way[1008].drive_kmh is None
    assert by_way[1008].walk_kmh == 5.0
    assert by_way[1009].walk_kmh is None
    assert by_way[1009].drive_reverse_kmh is None
    assert by_way[1005].drive_kmh == 20.0  # maxspeed caps the class speed
    assert 440 < by_way[1004].length_m < 450


def test_pbf_and_xml_give_the_same_network(osm_xml: Path, osm_pbf: Path) -> None:
    xml, pbf = read_osm(osm_xml), read_osm(osm_pbf)
    assert pbf.source_format == "pbf"
    assert [(s.way_id, s.source, s.target) for s in pbf.segments] == [
        (s.way_id, s.source, s.target) for s in xml.segments
    ]
    assert pbf.nodes == xml.nodes


def test_import_stores_the_graph(session: Session, osm_pbf: Path) -> None:
    record, _ = import_osm_file(session, osm_pbf)
    assert (record.way_count, record.node_count, record.edge_count) == (12, 16, 23)
    assert edge_count(session) == 23
    assert session.scalar(select(func.count()).select_from(RoadNode)) == 16
    graph = load_road_graph(session)
    assert graph is not None
    assert graph.import_id == record.id
    assert graph.edge_count == 23


def truncated(source: Path, target: Path, keep: float) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target


@pytest.mark.parametrize("kind", ["truncated_xml", "truncated_pbf", "garbage", "empty_xml", "no_roads"])
def test_a_bad_file_leaves_the_previous_graph(
    session: Session, osm_xml: Path, osm_pbf: Path, tmp_path: Path, kind: str
) -> None:
    first, _ = import_osm_file(session, osm_xml)
    bad = {
        "truncated_xml": lambda: truncated(osm_xml, tmp_path / "cut.osm", 0.6),
        "truncated_pbf": lambda: truncated(osm_pbf, tmp_path / "cut.osm.pbf", 0.7),
        "garbage": lambda: _write(tmp_path / "bad.osm.pbf", b"\x00\x01not a pbf at all"),
        "empty_xml": lambda: _write(tmp_path / "empty.osm", b""),
        "no_roads": lambda: _write(
            tmp_path / "none.osm", b'<osm version="0.6"><node id="1" version="1" lat="36" lon="120"/></osm>'
        ),
    }[kind]()
    with pytest.raises(OsmImportError) as info:
        import_osm_file(session, bad)
    assert str(bad) in info.value.detail
    assert repo.latest_import_id(session) == first.id
    assert edge_count(session) == 23


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_missing_files_and_unknown_types_are_refused(tmp_path: Path) -> None:
    with pytest.raises(OsmImportError, match="不存在"):
        read_osm(tmp_path / "missing.osm")
    with pytest.raises(OsmImportError, match="无法识别"):
        read_osm(tmp_path / "map.geojson")


def test_a_failure_while_writing_rolls_back_to_the_previous_graph(session: Session, osm_xml: Path) -> None:
    first, _ = import_osm_file(session, osm_xml)
    broken = RoadNetwork("broken.osm", "osm", "0" * 64, nodes={1: (36.0, 120.0)})
    broken.segments.append(Segment(1, 1, 2, "", "residential", 10.0, 5.0, 20.0, 20.0))  # node 2 is missing
    with pytest.raises(IntegrityError), session.begin_nested():
        repo.replace_road_graph(session, broken)
    assert repo.latest_import_id(session) == first.id
    assert edge_count(session) == 23


@pytest.mark.parametrize(
    ("tags", "walk", "forward", "backward"),
    [
        ({"highway": "primary"}, True, True, True),
        ({"highway": "primary", "oneway": "yes"}, True, True, False),
        ({"highway": "primary", "oneway": "-1"}, True, False, True),
        ({"highway": "motorway"}, False, True, False),
        ({"highway": "residential", "junction": "roundabout"}, True, True, False),
        ({"highway": "footway"}, True, False, False),
        ({"highway": "footway", "motor_vehicle": "yes"}, True, False, False),
        ({"highway": "service", "access": "private", "foot": "yes"}, True, False, False),
        ({"highway": "residential", "motorcar": "no"}, True, False, False),
    ],
)
def test_way_rules(tags: dict[str, str], walk: bool, forward: bool, backward: bool) -> None:
    rules = way_rules(tags)
    assert rules is not None
    assert (rules.walk, rules.drive_forward, rules.drive_backward) == (walk, forward, backward)


@pytest.mark.parametrize(
    "tags", [{"highway": "service", "access": "private"}, {"building": "yes"}, {"highway": "pedestrian", "area": "yes"}]
)
def test_ways_nobody_may_use_are_skipped(tags: dict[str, str]) -> None:
    assert way_rules(tags) is None


@pytest.mark.parametrize(("text", "kmh"), [("60", 60.0), ("60 km/h", 60.0), ("30 mph", 48.28032), ("none", None)])
def test_maxspeed(text: str, kmh: float | None) -> None:
    assert parse_maxspeed(text) == (pytest.approx(kmh) if kmh else None)
