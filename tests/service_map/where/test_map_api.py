"""The map's base layer (simplified boundaries, WGS-84 or GCJ-02) and locating a typed place."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.kit.geo import haversine_m, wgs84_to_gcj02
from cityservices.service_map.where.basemap import ATTRIBUTION, DivisionPlace
from cityservices.service_map.where.locate import _committee_place, committees, district_seats, normalise_address


@pytest.fixture(scope="module")
def client(pages_db_readonly: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=pages_db_readonly))) as test_client:
        yield test_client


def test_boundaries_are_geojson_with_names_levels_and_the_osm_credit(client: TestClient) -> None:
    response = client.get("/api/v1/map/boundaries")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["attribution"] == ATTRIBUTION
    assert "© OpenStreetMap contributors" in ATTRIBUTION
    by_code = {f["properties"]["code"]: f for f in body["features"]}
    assert set(by_code) == {"370202001", "370202002"}
    street = by_code["370202001"]
    assert street["properties"]["name"] == "香港中路街道"
    assert street["properties"]["level"] == "street"
    assert street["geometry"]["type"] == "Polygon"
    lat, lng = street["properties"]["label"]
    assert 36.05 < lat < 36.10
    assert 120.30 < lng < 120.42


def test_gcj02_boundaries_are_shifted_by_the_published_offset(client: TestClient) -> None:
    plain = client.get("/api/v1/map/boundaries").json()
    shifted = client.get("/api/v1/map/boundaries", params={"crs": "gcj02"}).json()
    assert shifted["crs_name"] == "gcj02"
    lng, lat = plain["features"][0]["geometry"]["coordinates"][0][0]
    glng, glat = shifted["features"][0]["geometry"]["coordinates"][0][0]
    want = wgs84_to_gcj02(lat, lng)
    assert (glat, glng) == pytest.approx(want, abs=2e-5)
    assert 300 < haversine_m(lat, lng, glat, glng) < 700  # Qingdao: ~410–510 m


def test_bad_crs_is_a_field_error(client: TestClient) -> None:
    response = client.get("/api/v1/map/boundaries", params={"crs": "mars"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "crs"


@pytest.mark.parametrize(
    ("params", "kind", "name"),
    [
        ({"q": "香港中路街道便民服务中心"}, "venue", "香港中路街道便民服务中心"),
        ({"q": "我在香港中路停车场旁边"}, "street", "香港中路街道"),  # a generated place is never a start point
        ({"q": "五四广场"}, "community", "五四广场社区"),
        ({"q": "市南区团岛社区居委会"}, "community", "团岛社区"),
        ({"q": "山东省青岛市八大峡"}, "street", "八大峡街道"),
        ({"q": "市南区"}, "district", "市南区"),
        ({"district": "370202"}, "district", "市南区"),
        ({"district": "市南"}, "district", "市南区"),
        ({"q": "不认识的地方", "district": "370202"}, "district", "市南区"),
    ],
)
def test_typed_places_are_located_as_precisely_as_known(
    client: TestClient, params: dict[str, str], kind: str, name: str
) -> None:
    response = client.get("/api/v1/locate", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["kind"], body["name"]) == (kind, name)
    assert body["crs"] == "wgs84"
    assert 36.0 < body["lat"] < 36.2
    assert body["precision_m"] > 0
    assert name in body["label"]


def test_the_district_of_a_street_is_inferred_and_a_district_starts_from_its_seat(client: TestClient) -> None:
    body = client.get("/api/v1/locate", params={"q": "八大峡"}).json()
    assert body["district_code"] == "370202"
    district = client.get("/api/v1/locate", params={"district": "370202"}).json()
    assert (district["lat"], district["lng"]) == pytest.approx(district_seats()["370202"], abs=1e-6)
    assert "政府驻地" in district["label"]
    assert district["candidates"] == []


def test_a_community_is_placed_by_its_street_and_says_so(client: TestClient) -> None:
    body = client.get("/api/v1/locate", params={"q": "团岛社区"}).json()
    street = client.get("/api/v1/locate", params={"q": "八大峡"}).json()
    assert street["kind"] == "street"
    assert (body["kind"], body["district_code"]) == ("community", "370202")
    assert (body["lat"], body["lng"]) == (street["lat"], street["lng"])
    assert "八大峡街道" in body["label"]
    assert "误差" in body["label"]


def test_a_committee_name_held_by_several_streets_offers_the_others() -> None:
    places = [
        DivisionPlace("370212002", "中韩街道", "street", "370212", (36.11, 120.44)),
        DivisionPlace("370285102", "夏格庄镇", "town", "370285", (36.66, 120.42)),
    ]
    found = _committee_place("我家在岭西村", places, None)
    assert found is not None
    assert (found.name, found.within) == ("岭西村", "中韩街道")
    assert [(c.name, c.within, c.district_code) for c in found.candidates] == [("岭西村", "夏格庄镇", "370285")]
    only_laixi = _committee_place("岭西村", places, "370285")
    assert only_laixi is not None
    assert (only_laixi.within, only_laixi.candidates) == ("夏格庄镇", ())


def test_committee_names_are_shortened_as_people_say_them() -> None:
    names = {c.name for c in committees()}
    assert {"东女姑山社区", "岭西村", "江西路社区"} <= names
    assert not any(n.endswith("委员会") or n.endswith("委会") for n in names)


def test_unknown_places_are_404_with_advice(client: TestClient) -> None:
    response = client.get("/api/v1/locate", params={"q": "火星基地"})
    assert response.status_code == 404
    assert "街道" in response.json()["detail"]
    assert client.get("/api/v1/locate", params={"district": "370299"}).status_code == 404
    assert client.get("/api/v1/locate").status_code == 404


def test_located_points_can_be_given_in_gcj02(client: TestClient) -> None:
    plain = client.get("/api/v1/locate", params={"q": "香港中路街道便民服务中心"}).json()
    shifted = client.get("/api/v1/locate", params={"q": "香港中路街道便民服务中心", "crs": "gcj02"}).json()
    assert (shifted["lat"], shifted["lng"]) == pytest.approx(wgs84_to_gcj02(plain["lat"], plain["lng"]), abs=1e-6)


def test_addresses_lose_the_province_and_city_prefix_and_punctuation() -> None:
    assert normalise_address(" 山东省青岛市 市南区，香港中路 ") == "市南区香港中路"
    assert normalise_address("青岛") == "青岛"
