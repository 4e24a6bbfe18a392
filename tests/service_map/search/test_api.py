"""GET /api/v1/search: the answer's shape, coordinates, and 422 (never 500) for bad input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.kit.geo import wgs84_to_gcj02
from tests.builders import load_dataset, make_dataset


def _client(db_url: str) -> Iterator[TestClient]:
    load_dataset(db_url, make_dataset())
    with TestClient(create_app(Settings(database_url=db_url))) as test_client:
        yield test_client


@pytest.fixture
def client(migrated_db_url: str) -> Iterator[TestClient]:
    """On SQLite and on PostgreSQL."""
    yield from _client(migrated_db_url)


@pytest.fixture(scope="module")
def sqlite_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One SQLite-backed app for the many bad-input cases (they are refused before any database work)."""
    yield from _client(f"sqlite:///{tmp_path_factory.mktemp('search-api') / 'api.db'}")


def test_search_returns_items_with_guides_slots_and_explanations(client: TestClient) -> None:
    response = client.get("/api/v1/search", params={"q": "市南区周六能补办社保卡吗", "limit": 3})
    assert response.status_code == 200
    body = response.json()
    first = body["items"][0]
    assert first["name"] == "社会保障卡申领"
    assert first["code"] == "QD-RS-0001"
    assert first["guide"]["materials_count"] == 1
    assert first["guide"]["visits_to_site"] == 1
    assert first["explanations"]
    assert first["department"] == "青岛市人力资源和社会保障局"
    assert body["slots"]["place"]["name"] == "市南区"
    assert body["slots"]["time"]["weekday"] == "sat"
    assert body["slots"]["condition"]["kind"] == "reissue"
    assert body["no_match"] is False
    assert "clarification" in body
    assert "bundle" in body


def test_no_match_is_explicit(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"q": "附近的麦当劳"}).json()
    assert body["no_match"] is True
    assert body["items"] == []
    assert body["suggestions"]
    assert body["message"]


def test_origin_in_another_crs_is_converted_to_wgs84(client: TestClient) -> None:
    lat, lng = wgs84_to_gcj02(36.0671, 120.3826)
    body = client.get("/api/v1/search", params={"q": "社保卡", "lat": lat, "lng": lng, "crs": "gcj02"}).json()
    origin = body["slots"]["origin"]
    assert abs(origin["lat"] - 36.0671) < 1e-6
    assert abs(origin["lng"] - 120.3826) < 1e-6


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "a" * 10_000}, "q"),
        ({"q": "身" * 3_000}, "q"),
        ({"q": "身份证" * 80}, "q"),
        ({"q": "\x00\x1f二进制"}, "q"),
        ({"q": "😀🎉"}, "q"),
        ({}, "q"),
        ({"q": "社保卡", "lat": 95, "lng": 120}, "lat"),
        ({"q": "社保卡", "lat": 36.0}, "lng"),
        ({"q": "社保卡", "lat": 36.0, "lng": 10.0}, "lng"),
        ({"q": "社保卡", "lat": "abc", "lng": 120}, "lat"),
        ({"q": "社保卡", "crs": "utm"}, "crs"),
        ({"q": "社保卡", "limit": 0}, "limit"),
    ],
)
def test_bad_input_is_a_field_level_422(sqlite_client: TestClient, params: dict[str, object], field: str) -> None:
    response = sqlite_client.get("/api/v1/search", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_request"
    assert [d["field"] for d in body["detail"]] == [field]
    assert all(d["message"] for d in body["detail"])
