"""Travel modes chosen by distance: a short trip is walked, a longer one taken by public transport or car, and a
walk of hours is never presented as the plan — in the engine, the nearest answer and the route answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.kit.geo import haversine_m
from cityservices.service_map.where.travel import (
    TRANSIT_AUTO_MAX_M,
    WALK_AUTO_MAX_S,
    choose_mode,
    estimate_travel,
    is_sensible,
    travel_alternatives,
)
from tests.builders import load_dataset
from tests.service_map.where_data import ORIGIN, TUESDAY, make_where_dataset

VENUE = (36.0676, 120.3854)  # V370202001 in the test dataset
FAR = (36.30, 120.60)  # about 32 km north-east of the venue


@pytest.mark.parametrize(
    ("metres", "mode"),
    [(300.0, "walk"), (1_000.0, "walk"), (3_000.0, "transit"), (12_000.0, "transit"), (40_000.0, "drive")],
)
def test_auto_chooses_the_mode_by_distance(metres: float, mode: str) -> None:
    assert choose_mode(metres) == mode


def test_the_thresholds_follow_the_walk_time_and_transit_range() -> None:
    longest_auto_walk = WALK_AUTO_MAX_S * (4.5 / 3.6) / 1.3  # straight metres walked in 20 minutes
    assert choose_mode(longest_auto_walk - 1) == "walk"
    assert choose_mode(longest_auto_walk + 1) == "transit"
    assert choose_mode(TRANSIT_AUTO_MAX_M + 1) == "drive"


def test_a_requested_mode_is_kept_whatever_the_distance() -> None:
    assert choose_mode(50_000.0, "walk") == "walk"
    assert choose_mode(100.0, "drive") == "drive"


def test_a_walk_over_an_hour_is_not_sensible() -> None:
    assert is_sensible(estimate_travel(3_000.0, "walk"))
    assert not is_sensible(estimate_travel(10_000.0, "walk"))
    assert is_sensible(estimate_travel(80_000.0, "drive"))


def test_alternatives_are_every_mode_fastest_first() -> None:
    options = travel_alternatives(8_000.0)
    assert sorted(o.mode for o in options) == ["drive", "transit", "walk"]
    assert [o.duration_s for o in options] == sorted(o.duration_s for o in options)


@pytest.fixture
def client(migrated_db_url: str) -> Iterator[TestClient]:
    load_dataset(migrated_db_url, make_where_dataset())
    with TestClient(create_app(Settings(database_url=migrated_db_url))) as test_client:
        yield test_client


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_nearest_chooses_per_venue_and_lists_the_other_modes(client: TestClient) -> None:
    body = get(client, "/api/v1/nearest", item="社会保障卡申领", lat=FAR[0], lng=FAR[1], time=TUESDAY, limit=5)
    assert body["mode"] == "auto"
    for hit in body["results"]:
        travel = hit["travel"]
        assert travel["chosen_by"] == "distance"
        assert travel["mode"] == choose_mode(travel["straight_line_m"])
        assert travel["mode"] != "walk"  # every venue is tens of kilometres away
        assert travel["sensible"] is True
        others = {a["mode"] for a in travel["alternatives"]}
        assert travel["mode"] not in others
        assert "walk" not in others  # a walk of hours is not offered even as an alternative
    near = get(client, "/api/v1/nearest", item="社会保障卡申领", lat=ORIGIN[0], lng=ORIGIN[1], time=TUESDAY, limit=1)
    assert near["results"][0]["travel"]["mode"] == "walk"
    assert near["results"][0]["travel"]["label"] == "步行"


def test_nearest_keeps_a_requested_mode(client: TestClient) -> None:
    body = get(client, "/api/v1/nearest", item="社会保障卡申领", lat=FAR[0], lng=FAR[1], time=TUESDAY, mode="walk")
    travel = body["results"][0]["travel"]
    assert (travel["mode"], travel["chosen_by"], travel["sensible"]) == ("walk", "request", False)
    assert {a["mode"] for a in travel["alternatives"]} == {"drive", "transit"}


def test_route_auto_never_plans_a_walk_of_hours(client: TestClient) -> None:
    body = get(client, "/api/v1/route", from_lat=FAR[0], from_lng=FAR[1], to="V370202001")
    assert body["chosen_by"] == "distance"
    assert body["mode"] == "drive"
    assert body["straight_line_m"] == pytest.approx(haversine_m(*FAR, *VENUE), abs=0.1)
    assert body["sensible"] is True
    assert body["label"] == "驾车"
    assert {a["mode"] for a in body["alternatives"]} == {"transit"}


def test_route_by_transit_is_a_labelled_estimate(client: TestClient) -> None:
    body = get(client, "/api/v1/route", from_lat=ORIGIN[0], from_lng=ORIGIN[1], to="V370202001", mode="transit")
    assert (body["mode"], body["estimate"], body["geometry"]) == ("transit", True, None)
    assert "公交" in body["note"]
    assert "并非实际路线" in body["note"]


def test_route_walk_requested_far_away_says_it_is_not_a_plan(client: TestClient) -> None:
    body = get(client, "/api/v1/route", from_lat=FAR[0], from_lng=FAR[1], to="V370202001", mode="walk")
    assert (body["mode"], body["chosen_by"], body["sensible"]) == ("walk", "request", False)
    assert body["duration_s"] > 3600
