"""The insurance service map: the real hospitals with every generated value marked, filters, nearest (open)
places from a point, opening states through the service map's hours rules, routes, the phone page."""

from __future__ import annotations

import csv
import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cityservices.insurance.map import service
from cityservices.insurance.map.places import DATA_DIR, all_places
from cityservices.kit.calendar import CHINA_TZ

HOSPITAL_FIELDS = {"level", "designated", "cross_province", "chronic", "phone", "hours"}


def test_the_real_hospitals_and_the_generated_rest() -> None:
    with (DATA_DIR / "hospitals.csv").open(encoding="utf-8") as handle:
        real = {row["name"]: row for row in csv.DictReader(handle)}
    places = all_places()
    hospitals = [p for p in places if p.kind == "hospital"]
    assert len(hospitals) == len(real) == 35
    for place in hospitals:
        assert real[place.name]["address"] == (place.address or "")
        assert set(place.demo_fields) == HOSPITAL_FIELDS
        assert place.position == "approximate"
    others = [p for p in places if p.kind != "hospital"]
    assert {p.kind for p in others} == {"office", "pharmacy"}
    assert all({"name", "position", "phone", "hours"} <= set(p.demo_fields) for p in others)
    assert all(p.phone.startswith("0532-0") for p in places)  # no real Qingdao number starts with 0
    assert len({p.id for p in places}) == len(places)
    assert [p.id for p in all_places.__wrapped__()] == [p.id for p in places]  # stable between processes


def test_filters_and_open_states(db: Session) -> None:
    monday = dt.datetime(2026, 3, 9, 10, 0, tzinfo=CHINA_TZ)
    sunday = dt.datetime(2026, 3, 8, 10, 0, tzinfo=CHINA_TZ)
    level3 = service.find_places(db, service.PlaceFilter(kind="hospital", level="3"), at=monday)
    assert level3.total > 0
    assert all(p.level == "3" and p.kind == "hospital" for p in level3.places)
    assert all(p.open_now for p in level3.places)
    closed = service.find_places(db, service.PlaceFilter(kind="hospital", open_now=True), at=sunday)
    assert closed.total == 0
    pharmacies = service.find_places(db, service.PlaceFilter(kind="pharmacy", open_now=True), at=sunday)
    assert pharmacies.total == 20
    flagged = service.find_places(db, service.PlaceFilter(cross_province=True, chronic=True), at=monday)
    assert all(p.cross_province and p.chronic for p in flagged.places)
    shinan = service.find_places(db, service.PlaceFilter(district="370202"), at=monday)
    assert shinan.places
    assert all(p.district_name == "市南区" for p in shinan.places)
    holiday = service.find_places(
        db, service.PlaceFilter(kind="office"), at=dt.datetime(2026, 10, 2, 10, tzinfo=CHINA_TZ)
    )
    assert all(p.open_now is False for p in holiday.places)  # 国庆: closed by the service map's calendar


def test_nearest_and_route_over_http(insurance_client: TestClient) -> None:
    near = insurance_client.get(
        "/api/v1/insurance/map/nearest", params={"lat": 36.0669, "lng": 120.3223, "kind": "hospital", "limit": 3}
    )
    assert near.status_code == 200, near.text
    first = near.json()["places"][0]
    assert first["name"] == "青岛大学附属医院（市南院区）"
    assert first["distance_m"] < 100
    assert first["phone_dialable"] is False
    distances = [p["distance_m"] for p in near.json()["places"]]
    assert distances == sorted(distances)
    assert "演示数据" in near.json()["note"]
    route = insurance_client.get(
        "/api/v1/insurance/map/route", params={"from_lat": 36.07, "from_lng": 120.38, "to": first["id"]}
    )
    assert route.status_code == 200, route.text
    assert route.json()["estimate"] is True
    assert "直线距离估算" in route.json()["note"]
    assert insurance_client.get("/api/v1/insurance/map/places/h00000000000").status_code == 404
    assert insurance_client.get("/api/v1/insurance/map/places", params={"district": "370299"}).status_code == 422
    assert insurance_client.get("/api/v1/insurance/map/nearest", params={"lat": 10, "lng": 10}).status_code == 422
    listed = insurance_client.get("/api/v1/insurance/map/places", params={"kind": "office"})
    assert listed.json()["total"] == 10


def test_the_phone_page(insurance_client: TestClient) -> None:
    page = insurance_client.get("/insurance/map", params={"lat": 36.07, "lng": 120.38, "kind": "hospital"})
    assert page.status_code == 200
    assert "演示数据" in page.text
    assert "演示号码，请勿拨打" in page.text
    assert 'href="tel:' not in page.text
    assert "vendor/leaflet/leaflet.js" in page.text
    assert "约 " in page.text  # distances from the given point
