"""The minimal pages and /api/v1 over a loaded dataset."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.db import make_session_factory, session_scope
from cityservices.service_map.interchange.store import import_dataset
from tests.builders import make_dataset, make_venue


@pytest.fixture
def client(migrated_db_url: str) -> Iterator[TestClient]:
    from cityservices.db import make_engine
    from cityservices.platform.migrate import upgrade_to_head

    engine: Engine = make_engine(migrated_db_url)
    upgrade_to_head(engine)
    dataset = make_dataset()
    dataset.venues[0] = make_venue(address="<script>alert(1)</script>香港中路")
    with session_scope(make_session_factory(engine)) as session:
        import_dataset(session, dataset, mode="replace")
    engine.dispose()
    with TestClient(create_app(Settings(database_url=migrated_db_url))) as test_client:
        yield test_client


def test_stats_endpoint_counts_everything(client: TestClient) -> None:
    body = client.get("/api/v1/stats").json()
    assert body["venues"]["total"] == 1
    assert body["items"] == {"total": 2, "core": 1}
    assert body["venue_items"] == 2
    assert body["bundles"] == 1


def test_venues_are_paginated_and_filtered(client: TestClient) -> None:
    body = client.get("/api/v1/venues", params={"level": "street", "limit": 1}).json()
    assert body["total"] == 1
    assert body["items"][0]["id"] == "V370202001"
    assert client.get("/api/v1/venues", params={"level": "district"}).json()["total"] == 0


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": "many"}, {"offset": -1}, {"level": "province"}, {"limit": 10**9}]
)
def test_bad_parameters_get_a_field_level_4xx(client: TestClient, params: dict[str, object]) -> None:
    response = client.get("/api/v1/venues", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["detail"][0]["field"] in params


def test_venue_list_page_escapes_stored_text_and_marks_demo_values(client: TestClient) -> None:
    page = client.get("/browse")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert "演示数据" in page.text
    assert "香港中路街道便民服务中心" in page.text


def test_unknown_api_path_is_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    page = client.get("/nothing-here")
    assert page.status_code == 404
    assert "未找到" in page.text
