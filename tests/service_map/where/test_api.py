"""/api/v1 nearest, nearby, route, hours and due dates: CRS in and out, validation with field-level
messages, 404 for unknown ids, estimates labelled as such."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.kit.geo import from_wgs84, haversine_m
from cityservices.service_map.routing.service import import_osm_file
from tests.builders import load_dataset
from tests.service_map.where_data import ORIGIN, SUNDAY, TUESDAY, make_where_dataset

OSM = Path(__file__).resolve().parents[2] / "data" / "small_city.osm"


@pytest.fixture
def db(migrated_db_url: str) -> str:
    load_dataset(migrated_db_url, make_where_dataset())
    return migrated_db_url


@pytest.fixture
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=db))) as test_client:
        yield test_client


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def nearest_params(**overrides: Any) -> dict[str, Any]:
    return {"item": "社会保障卡申领", "lat": ORIGIN[0], "lng": ORIGIN[1], "time": TUESDAY, **overrides}


def test_nearest_lists_venues_with_distance_and_open_state(client: TestClient) -> None:
    body = get(client, "/api/v1/nearest", **nearest_params(limit=3))
    assert body["crs"] == "wgs84"
    assert body["target"]["code"] == "QD-RS-0001"
    first = body["results"][0]
    assert first["venue"]["id"] == "V370202001"
    assert first["open_on_arrival"] is True
    assert first["travel"]["estimate"] is True
    assert "估算" in first["travel"]["note"]
    assert first["distance_m"] == pytest.approx(haversine_m(*ORIGIN, 36.0676, 120.3854), abs=0.1)
    assert body["excluded"] is None


def test_nearest_converts_crs_in_and_out(client: TestClient) -> None:
    glat, glng = from_wgs84(*ORIGIN, "gcj02")
    wgs = get(client, "/api/v1/nearest", **nearest_params())
    gcj = get(client, "/api/v1/nearest", **nearest_params(lat=glat, lng=glng, crs="gcj02"))
    assert gcj["crs"] == "gcj02"
    assert gcj["results"][0]["distance_m"] == pytest.approx(wgs["results"][0]["distance_m"], abs=0.5)
    venue = gcj["results"][0]["venue"]
    assert (venue["lat"], venue["lng"]) == pytest.approx(from_wgs84(36.0676, 120.3854, "gcj02"), abs=1e-6)
    assert gcj["origin"] == pytest.approx({"lat": round(glat, 7), "lng": round(glng, 7)})


def test_nearest_explains_exclusions(client: TestClient) -> None:
    body = get(client, "/api/v1/nearest", **nearest_params(time=SUNDAY, open_now="true", explain="true"))
    assert body["results"] == []
    codes = {r["code"] for e in body["excluded"] for r in e["reasons"]}
    assert "closed_on_arrival" in codes
    assert "venue_not_open" in codes


def test_nearest_for_a_bundle_and_filters(client: TestClient) -> None:
    body = get(client, "/api/v1/nearest", bundle="B-TEST", lat=ORIGIN[0], lng=ORIGIN[1], time=TUESDAY)
    assert [r["venue"]["id"] for r in body["results"]] == ["V370202001"]
    body = get(client, "/api/v1/nearest", **nearest_params(level="district", district="市南区"))
    assert [r["venue"]["id"] for r in body["results"]] == ["V370202"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "north"}, "lat"),
        ({"lat": 95}, "lat"),
        ({"lng": 10.5}, "lng"),
        ({"lat": "nan"}, "lat"),
        ({"crs": "utm"}, "crs"),
        ({"time": "next tuesday"}, "time"),
        ({"mode": "fly"}, "mode"),
        ({"limit": 0}, "limit"),
        ({"level": "province"}, "level"),
        ({"district": "火星区"}, "district"),
        ({"item": None}, "item"),
    ],
)
def test_nearest_bad_input_names_the_field(client: TestClient, params: dict[str, Any], field: str) -> None:
    query = {k: v for k, v in nearest_params(**params).items() if v is not None}
    response = client.get("/api/v1/nearest", params=query)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["detail"][0]["field"] == field
    assert body["detail"][0]["message"]


def test_unknown_item_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/nearest", params=nearest_params(item="不存在的事项"))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_year_nobody_loaded_is_a_clear_error(client: TestClient) -> None:
    response = client.get("/api/v1/nearest", params=nearest_params(time="2027-03-01T10:00:00+08:00"))
    assert response.status_code == 409
    assert response.json()["error"] == "calendar_year_unknown"
    assert "load-holidays" in response.json()["detail"]


def test_nearby_places_sorted_by_distance(client: TestClient) -> None:
    body = get(client, "/api/v1/venues/V370202001/nearby", radius_m=1000)
    names = [p["name"] for p in body["places"]]
    assert names == ["香港中路停车场", "香港中路餐厅", "稍远停车场"]  # the far petrol station is outside 1 km
    distances = [p["distance_m"] for p in body["places"]]
    assert distances == sorted(distances)
    parking = get(client, "/api/v1/venues/V370202001/nearby", category="parking", radius_m=5000, crs="bd09")
    assert {p["category"] for p in parking["places"]} == {"parking"}
    assert parking["crs"] == "bd09"


@pytest.mark.parametrize(("params", "field"), [({"radius_m": 0}, "radius_m"), ({"category": "zoo"}, "category.0")])
def test_nearby_bad_input(client: TestClient, params: dict[str, Any], field: str) -> None:
    response = client.get("/api/v1/venues/V370202001/nearby", params=params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field


@pytest.mark.parametrize("path", ["/api/v1/venues/NOPE/nearby", "/api/v1/venues/NOPE/hours"])
def test_unknown_venue_is_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_hours_open_state_and_days(client: TestClient) -> None:
    body = get(client, "/api/v1/venues/V370202001/hours", time="2026-09-30T18:00:00+08:00", days=12)
    assert body["state"]["open"] is False
    assert body["state"]["next_opening"] == "2026-10-08T09:00:00+08:00"
    kinds = {d["date"]: d["kind"] for d in body["days"]}
    assert kinds["2026-10-01"] == "holiday"
    assert kinds["2026-10-10"] == "makeup_workday"
    assert body["weekly"]["sun"] == []


def test_hours_stop_at_a_year_nobody_loaded(client: TestClient) -> None:
    body = get(client, "/api/v1/venues/V370202001/hours", time="2026-12-30T10:00:00+08:00", days=7)
    assert [d["date"] for d in body["days"]][-1] == "2027-01-01"  # a dated exception still answers
    assert body["days_unknown"] is not None
    assert "2027" in body["days_unknown"]


def test_route_without_road_data_is_a_labelled_estimate(client: TestClient) -> None:
    body = get(client, "/api/v1/route", from_lat=ORIGIN[0], from_lng=ORIGIN[1], to="V370202001", mode="walk")
    assert body["estimate"] is True
    assert body["geometry"] is None
    assert body["steps"] == []
    assert "并非实际路线" in body["note"]


def test_route_over_the_road_graph(db: str) -> None:
    engine = make_engine(db)
    with session_scope(make_session_factory(engine)) as session:
        import_osm_file(session, OSM)
    engine.dispose()
    with TestClient(create_app(Settings(database_url=db))) as client:
        body = get(client, "/api/v1/route", from_lat=36.0681, from_lng=120.3799, to="V370202001", mode="drive")
        assert body["estimate"] is False
        assert body["geometry"]["type"] == "LineString"
        assert body["geometry"]["coordinates"][0] == [120.3799, 36.0681]  # GeoJSON order: lng, lat
        assert body["steps"][0]["kind"] == "depart"
        assert body["steps"][-1]["kind"] == "arrive"
        gcj = get(client, "/api/v1/route", from_lat=36.0681, from_lng=120.3799, to="V370202001", crs="gcj02")
        assert gcj["crs"] == "gcj02"
        assert gcj["origin"]["lat"] == 36.0681  # given in GCJ-02, returned in GCJ-02


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"from_lat": 36.0, "from_lng": 200.0, "to": "V370202001"}, 422, "from_lng"),
        ({"from_lat": 36.0, "from_lng": 120.3, "to": "V370202001", "mode": "fly"}, 422, "mode"),
        ({"from_lat": 36.0, "from_lng": 120.3}, 422, "to"),
        ({"from_lat": 36.0, "from_lng": 120.3, "to": "NOPE"}, 404, None),
    ],
)
def test_route_bad_input(client: TestClient, params: dict[str, Any], status: int, field: str | None) -> None:
    response = client.get("/api/v1/route", params=params)
    assert response.status_code == status
    if field:
        assert response.json()["detail"][0]["field"] == field


def test_due_date(client: TestClient) -> None:
    body = get(client, "/api/v1/calendar/due-date", start="2026-09-30", working_days=3)
    assert body["due_date"] == "2026-10-10"
    assert body["calendar_sources"] == {"2026": "chinese-calendar"}
    response = client.get("/api/v1/calendar/due-date", params={"start": "2026-12-28", "working_days": 5})
    assert response.status_code == 409
    response = client.get("/api/v1/calendar/due-date", params={"start": "someday", "working_days": 5})
    assert response.json()["detail"][0]["field"] == "start"
