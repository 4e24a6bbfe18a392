"""Venues as GeoJSON: round trip through the database, venue-only import and update, malformed input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cityservices.service_map.interchange.dataset import Dataset, ImportFailed
from cityservices.service_map.interchange.dump import dump_dataset
from cityservices.service_map.interchange.formats import get_format
from cityservices.service_map.interchange.geojson import read_venues_geojson, upsert_venues, write_venues_geojson
from cityservices.service_map.interchange.records import VenueRecord
from cityservices.service_map.interchange.repository import count_rows
from cityservices.service_map.interchange.store import import_dataset
from tests.builders import WEEK, make_dataset, make_venue

Json = dict[str, Any]


def _without_venues() -> Dataset:
    d = make_dataset()
    d.venues, d.venue_items = [], []
    return d


def _dumped(venues: list[VenueRecord]) -> list[str]:
    return sorted(v.model_dump_json() for v in venues)


def test_venues_round_trip_through_geojson_and_database(session: Session, tmp_path: Path) -> None:
    original = make_dataset()
    import_dataset(session, original, mode="replace")
    write_venues_geojson(dump_dataset(session), tmp_path / "venues.geojson")
    import_dataset(session, _without_venues(), mode="replace")  # divisions and departments, no venues

    dataset, issues = read_venues_geojson(tmp_path / "venues.geojson")
    assert issues == []
    assert {kind for kind, n in dataset.counts().items() if n} == {"venues"}
    import_dataset(session, dataset, mode="insert")  # references resolve against the database
    again = dump_dataset(session)

    assert _dumped(again.venues) == _dumped(original.venues)
    write_venues_geojson(again, tmp_path / "again.geojson")
    assert (tmp_path / "again.geojson").read_bytes() == (tmp_path / "venues.geojson").read_bytes()


def test_feature_layout(tmp_path: Path) -> None:
    get_format("geojson").write(make_dataset(), tmp_path / "v.geojson")
    collection = json.loads((tmp_path / "v.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["id"] == "V370202001"
    assert feature["geometry"] == {"type": "Point", "coordinates": [120.3854, 36.0676]}
    properties = feature["properties"]
    assert not {"id", "lat", "lng"} & set(properties)
    assert properties["hours"]["mon"] == [["09:00", "12:00"], ["13:30", "17:00"]]
    assert properties["hours_exceptions"] == [{"date": "2027-01-01", "intervals": [], "note": "元旦"}]
    assert properties["departments"] == ["370202-RS"]
    assert (properties["source_crs"], properties["source_lat"], properties["source_lng"]) == (
        "gcj02",
        36.0679,
        120.3905,
    )
    assert properties["demo_fields"] == ["address", "phones"]


def test_wgs84_crs_member_and_third_party_features_are_accepted(tmp_path: Path) -> None:
    feature = {"type": "Feature", "id": "V1", "geometry": {"type": "Point", "coordinates": [120.38, 36.07]},
               "properties": {"name": "某便民服务中心", "level": "street", "division_code": "370202001"}}  # fmt: skip
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    path = tmp_path / "v.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "crs": crs, "features": [feature]}), encoding="utf-8")

    dataset, issues = read_venues_geojson(path)

    assert issues == []
    (venue,) = dataset.venues
    assert (venue.lat, venue.lng, venue.source_crs, venue.source_lat, venue.source_lng) == (
        36.07, 120.38, "wgs84", 36.07, 120.38
    )  # fmt: skip


def test_upsert_updates_existing_venues_and_inserts_new_ones(session: Session, tmp_path: Path) -> None:
    import_dataset(session, make_dataset(), mode="replace")
    sunday = {**WEEK, "sun": [("09:00", "12:00")]}
    changed = make_venue(
        name="香港中路街道便民服务中心（新址）", lat=36.07, hours=sunday, hours_exceptions=[], departments=[],
        status="temporarily_closed",
    )  # fmt: skip
    added = make_venue("V370202002", name="第二便民服务中心")
    write_venues_geojson(Dataset(venues=[changed, added]), tmp_path / "v.geojson")
    dataset, issues = read_venues_geojson(tmp_path / "v.geojson")
    assert issues == []

    counts = upsert_venues(session, dataset)

    assert (counts["venues"], counts["venues_updated"]) == (2, 1)
    after = dump_dataset(session)
    assert _dumped(after.venues) == _dumped([changed, added])
    assert [(vi.venue_id, vi.item_code) for vi in after.venue_items] == [
        ("V370202001", "QD-RS-0001"), ("V370202001", "QD-RS-0002"),
    ]  # fmt: skip


def test_upsert_refuses_a_level_change_of_a_venue_with_items(session: Session, tmp_path: Path) -> None:
    import_dataset(session, make_dataset(), mode="replace")
    before = count_rows(session)
    write_venues_geojson(Dataset(venues=[make_venue(level="district")]), tmp_path / "v.geojson")
    dataset, _ = read_venues_geojson(tmp_path / "v.geojson")

    with pytest.raises(ImportFailed) as failure:
        upsert_venues(session, dataset)

    assert [(i.file, i.row, i.field) for i in failure.value.issues] == [("v.geojson", 1, "properties.level")]
    assert count_rows(session) == before


def test_insert_refuses_a_venue_that_exists(session: Session, tmp_path: Path) -> None:
    import_dataset(session, make_dataset(), mode="replace")
    before = count_rows(session)
    write_venues_geojson(make_dataset(), tmp_path / "v.geojson")
    dataset, _ = read_venues_geojson(tmp_path / "v.geojson")

    with pytest.raises(ImportFailed) as failure:
        import_dataset(session, dataset, mode="insert")

    assert any(i.row == 1 and i.field == "id" and "已存在" in i.message for i in failure.value.issues)
    assert count_rows(session) == before


def _text(text: str) -> Callable[[Json], Any]:
    return lambda _collection: text


def _feature(change: Callable[[Json], None]) -> Callable[[Json], Any]:
    def edit(collection: Json) -> Json:
        change(collection["features"][0])
        return collection

    return edit


def _top(change: Callable[[Json], None]) -> Callable[[Json], Any]:
    def edit(collection: Json) -> Json:
        change(collection)
        return collection

    return edit


def _geometry(value: Any) -> Callable[[Json], Any]:
    return _feature(lambda f: f.update(geometry=value))


def _props(**values: Any) -> Callable[[Json], Any]:
    return _feature(lambda f: f["properties"].update(values))


def _point(lng: Any, lat: Any) -> Json:
    return {"type": "Point", "coordinates": [lng, lat]}


POLYGON = {"type": "Polygon", "coordinates": [[[120.3, 36.0], [120.4, 36.0], [120.4, 36.1], [120.3, 36.0]]]}
EPSG_3857 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
BAD_HOURS = {**WEEK, "mon": [["9:00", "12:00"]]}
OVERLAPPING = {**WEEK, "tue": [["09:00", "12:00"], ["11:00", "17:00"]]}

CASES: dict[str, tuple[Callable[[Json], Any], int, str]] = {
    "not JSON": (_text('{"type": "FeatureCollection", '), 0, ""),
    "top level is an array": (_text("[]"), 0, "type"),
    "a Feature, not a collection": (lambda c: c["features"][0], 0, "type"),
    "features not an array": (_top(lambda c: c.update(features={})), 0, "features"),
    "unknown crs": (_top(lambda c: c.update(crs=EPSG_3857)), 0, "crs"),
    "not a Feature": (_feature(lambda f: f.update(type="Point")), 1, "type"),
    "polygon geometry": (_geometry(POLYGON), 1, "geometry.type"),
    "no geometry": (_geometry(None), 1, "geometry.type"),
    "coordinate not a number": (_geometry(_point("120.38", 36.07)), 1, "geometry.coordinates"),
    "coordinates outside China": (_geometry(_point(2.35, 48.85)), 1, "geometry.coordinates"),
    "coordinates swapped": (_geometry(_point(36.0676, 120.3854)), 1, "geometry.coordinates"),
    "properties disagree with geometry": (_props(lat=36.5), 1, "properties.lat"),
    "id disagrees with properties.id": (_props(id="V999"), 1, "id"),
    "no id": (_feature(lambda f: f.pop("id")), 1, "id"),
    "bad id": (_feature(lambda f: f.update(id="带空格 的 id")), 1, "id"),
    "hours malformed": (_props(hours=BAD_HOURS), 1, "properties.hours"),
    "hours overlapping": (_props(hours=OVERLAPPING), 1, "properties.hours"),
    "exception date": (_props(hours_exceptions=[{"date": "2027-02-30"}]), 1, "properties.hours_exceptions.0.date"),
    "unknown source crs": (_props(source_crs="utm51n"), 1, "properties.source_crs"),
    "source coordinates outside China": (_props(source_lat=48.85, source_lng=2.35), 1, ""),
    "unknown property": (_props(colour="red"), 1, "properties.colour"),
    "unresolvable division": (_props(division_code="370299001"), 1, "division_code"),
    "unresolvable department": (_props(departments=["NOPE-1"]), 1, "departments"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_geojson_is_rejected_and_nothing_written(session: Session, tmp_path: Path, case: str) -> None:
    edit, row, field = CASES[case]
    path = tmp_path / "venues.geojson"
    write_venues_geojson(make_dataset(), path)
    edited = edit(json.loads(path.read_text(encoding="utf-8")))
    path.write_text(edited if isinstance(edited, str) else json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    import_dataset(session, _without_venues(), mode="replace")
    before = count_rows(session)

    with pytest.raises(ImportFailed) as failure:
        _import_file(session, path)

    issues = failure.value.issues
    assert any(i.file == "venues.geojson" and i.row == row and i.field == field for i in issues), issues
    assert all(i.message for i in issues)
    assert count_rows(session) == before


def _import_file(session: Session, path: Path) -> None:
    dataset, issues = read_venues_geojson(path)
    if issues:
        raise ImportFailed(issues)
    import_dataset(session, dataset, mode="insert")
