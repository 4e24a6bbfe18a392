"""Read models (``platform.read_models``): public answers built once per data generation, sent as encoded bytes,
dropped on a change of their topics; the same JSON as the route's ``response_model`` describes."""

from __future__ import annotations

import json
import time
from collections.abc import Hashable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.insurance.install import CHANGED as INSURANCE_CHANGED
from cityservices.kit.events import publish
from cityservices.platform.read_models import ReadModel
from cityservices.service_map.catalogue.models import Venue
from cityservices.service_map.catalogue.schemas import VenueRead
from cityservices.service_map.install import CHANGED
from tests.builders import load_dataset, make_dataset


@pytest.fixture
def db_and_client(migrated_db_url: str) -> Iterator[tuple[str, TestClient]]:
    load_dataset(migrated_db_url, make_dataset())
    settings = Settings(database_url=migrated_db_url, api_cache_entries=0, rate_limit_api_per_minute=0)
    with TestClient(create_app(settings)) as client:  # no answer cache: the read model alone
        # The warm-up fills the read models on a background thread; a test that edits the database behind the
        # app's back must not race it (a fill reading after the edit would rightly show the edit).
        assert client.app.state.readiness.wait(60)  # type: ignore[attr-defined]
        yield migrated_db_url, client


def _rename_venues_behind_the_apps_back(url: str, name: str) -> None:
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        session.execute(update(Venue).values(name=name))
    engine.dispose()


def test_a_venue_answer_is_kept_until_its_topic_changes(db_and_client: tuple[str, TestClient]) -> None:
    url, client = db_and_client
    venue_id = client.get("/api/v1/venues").json()["items"][0]["id"]
    first = client.get(f"/api/v1/venues/{venue_id}")
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/json"
    assert VenueRead.model_validate(first.json()).model_dump(mode="json", by_alias=True) == first.json()
    _rename_venues_behind_the_apps_back(url, "改名后的便民服务中心")
    assert client.get(f"/api/v1/venues/{venue_id}").json()["name"] == first.json()["name"]  # kept
    publish(INSURANCE_CHANGED, {"kind": "rule", "key": "test"})
    assert client.get(f"/api/v1/venues/{venue_id}").json()["name"] == first.json()["name"]  # another domain
    publish(CHANGED, {"kind": "venue", "key": venue_id})
    assert client.get(f"/api/v1/venues/{venue_id}").json()["name"] == "改名后的便民服务中心"
    assert client.get(f"/api/v1/venues/{venue_id}?crs=gcj02").json()["crs"] == "gcj02"  # one entry per CRS


def test_unknown_keys_are_404_and_not_kept(db_and_client: tuple[str, TestClient]) -> None:
    _, client = db_and_client
    for path in ("/api/v1/venues/NOPE", "/api/v1/items/NOPE/guide", "/api/v1/bundles/NOPE", "/api/v1/items/NOPE"):
        assert client.get(path).status_code == 404, path
    models = client.app.state.read_models  # type: ignore[attr-defined]
    assert models["venues"].get(("NOPE", "wgs84")) is None
    assert models["guides"].get(("NOPE", None)) is None
    assert models["bundles"].get("NOPE") is None
    assert "items" not in models or models["items"].get("NOPE") is None


def _wait_for_fill(model: ReadModel, fills: int) -> None:
    deadline = time.monotonic() + 60  # a background thread: not a speed check, only a bound on a hang
    while model.fills <= fills and time.monotonic() < deadline:
        time.sleep(0.05)


def test_prebuilt_tables_are_filled_again_after_a_change(db_and_client: tuple[str, TestClient]) -> None:
    url, client = db_and_client
    assert client.app.state.readiness.wait(60)  # type: ignore[attr-defined]  # the worker's warm-up
    models = client.app.state.read_models  # type: ignore[attr-defined]
    venue_id = client.get("/api/v1/venues").json()["items"][0]["id"]
    assert models["venues"].get((venue_id, "wgs84")) is not None  # built at warm-up, before any request
    assert models["guides"].get(("QD-RS-0001", None)) is not None
    assert models["bundles"].get("B-TEST") is not None
    fills = models["venues"].fills
    _rename_venues_behind_the_apps_back(url, "改名后的便民服务中心")
    publish(CHANGED, {"kind": "venue", "key": venue_id})
    assert client.get(f"/api/v1/venues/{venue_id}").json()["name"] == "改名后的便民服务中心"  # never the old one
    _wait_for_fill(models["venues"], fills)
    assert models["venues"].fills == fills + 1
    kept = models["venues"].get((venue_id, "wgs84"))
    assert kept is not None
    assert json.loads(kept)["name"] == "改名后的便民服务中心"


def test_a_fill_begun_before_a_change_is_not_kept() -> None:
    model = ReadModel("test", ("test.changed",))
    calls = []

    def fill() -> dict[Hashable, bytes]:
        calls.append(len(calls))
        if len(calls) == 1:
            publish("test.changed", {"kind": "x", "key": "1"})  # the data changes while the first fill runs
        return {"key": b"%d" % len(calls)}

    model.prebuild(fill, refill=False)
    assert calls == [0, 1]  # the first fill was thrown away and made again
    assert model.get("key") == b"2"
    assert model.fills == 1
