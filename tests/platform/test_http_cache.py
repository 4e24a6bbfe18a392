"""ETag / If-None-Match, Cache-Control and the per-process answer cache of the public read API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.kit.events import data_generation, publish
from cityservices.platform.http_cache import CachedAnswer, HttpCacheMiddleware, ResponseCache, etag_matches, next_minute
from cityservices.service_map.catalogue.models import Venue
from cityservices.service_map.install import CHANGED
from tests.builders import load_dataset, make_dataset


@pytest.fixture
def db_and_client(fresh_db_url: str) -> Iterator[tuple[str, TestClient]]:
    load_dataset(fresh_db_url, make_dataset())
    with TestClient(create_app(Settings(database_url=fresh_db_url))) as client:
        yield fresh_db_url, client


def _rename_venue_behind_the_apps_back(url: str, name: str) -> None:
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        session.execute(update(Venue).values(name=name))
    engine.dispose()


def test_reads_carry_an_etag_and_a_max_age_within_the_minute(db_and_client: tuple[str, TestClient]) -> None:
    _, client = db_and_client
    first = client.get("/api/v1/venues")
    second = client.get("/api/v1/venues")
    assert first.status_code == second.status_code == 200
    assert first.headers["etag"].startswith('W/"')
    assert first.headers["etag"] == second.headers["etag"]
    assert first.json() == second.json()
    directive, max_age = first.headers["cache-control"].split(", max-age=")
    assert directive == "public"
    assert 1 <= int(max_age) <= 60


def test_a_matching_if_none_match_gets_304_without_a_body(db_and_client: tuple[str, TestClient]) -> None:
    _, client = db_and_client
    etag = client.get("/api/v1/venues?limit=5").headers["etag"]
    for header in (etag, etag.removeprefix("W/"), f'"other", {etag}', "*"):
        response = client.get("/api/v1/venues?limit=5", headers={"If-None-Match": header})
        assert response.status_code == 304, header
        assert response.content == b""
        assert response.headers["etag"] == etag
    stale = client.get("/api/v1/venues?limit=5", headers={"If-None-Match": 'W/"not-this-one"'})
    assert stale.status_code == 200
    assert stale.json()["items"]


def test_answers_are_kept_until_the_data_changes(db_and_client: tuple[str, TestClient]) -> None:
    url, client = db_and_client
    before = client.get("/api/v1/venues").json()["items"][0]["name"]
    _rename_venue_behind_the_apps_back(url, "改名后的便民服务中心")
    assert client.get("/api/v1/venues").json()["items"][0]["name"] == before  # kept: nobody announced a change
    publish(CHANGED, {"kind": "venue", "key": "test"})
    assert client.get("/api/v1/venues").json()["items"][0]["name"] == "改名后的便民服务中心"


def test_errors_health_and_staff_answers_are_not_cached(db_and_client: tuple[str, TestClient]) -> None:
    _, client = db_and_client
    missing = client.get("/api/v1/venues/V-NOPE/hours")
    assert missing.status_code == 404
    assert "etag" not in missing.headers
    assert "etag" not in client.get("/api/v1/health").headers
    staff = client.get("/api/staff/me")
    assert "etag" not in staff.headers
    assert staff.headers["cache-control"] == "no-store"


def test_cached_answers_keep_the_security_headers_and_gzip(db_and_client: tuple[str, TestClient]) -> None:
    _, client = db_and_client
    for _ in range(2):
        response = client.get("/api/v1/stats", headers={"Accept-Encoding": "gzip"})
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" in response.headers


# The middleware alone, around a small app.


def _app(entries: int = 8, big: int = 10) -> tuple[HttpCacheMiddleware, list[str]]:
    calls: list[str] = []

    async def data(request: Request) -> Response:
        calls.append(request.url.path)
        return JSONResponse({"n": len(calls), "pad": "x" * big})

    async def text(request: Request) -> Response:
        calls.append(request.url.path)
        return PlainTextResponse("hello")

    app = Starlette(routes=[Route("/api/v1/data", data), Route("/api/v1/text", text)])
    middleware = HttpCacheMiddleware(app, entries=entries)
    return middleware, calls


def test_the_cache_computes_each_answer_once() -> None:
    middleware, calls = _app()
    client = TestClient(middleware)
    assert client.get("/api/v1/data?a=1").json()["n"] == 1
    assert client.get("/api/v1/data?a=1").json()["n"] == 1
    assert client.get("/api/v1/data?a=2").json()["n"] == 2
    assert len(calls) == 2


def test_only_json_answers_are_kept_and_big_ones_stream_through() -> None:
    middleware, _ = _app(big=4_300_000)
    client = TestClient(middleware)
    assert client.get("/api/v1/text").text == "hello"
    assert client.get("/api/v1/text").text == "hello"
    big_first = client.get("/api/v1/data").json()
    big_second = client.get("/api/v1/data").json()
    assert (big_first["n"], big_second["n"]) == (3, 4)  # computed each time, whole
    assert len(big_first["pad"]) == 4_300_000
    assert "etag" not in client.get("/api/v1/text").headers


def test_no_entries_means_no_cache_but_etags_still_work() -> None:
    middleware, calls = _app(entries=0)
    client = TestClient(middleware)
    etag = client.get("/api/v1/data").headers["etag"]
    assert client.get("/api/v1/data").json()["n"] == 2
    assert len(calls) == 2
    assert etag != client.get("/api/v1/data").headers["etag"]  # a different body, a different tag


def test_least_recently_used_answers_go_first_and_old_generations_are_refused() -> None:
    cache = ResponseCache(entries=2)
    answer = CachedAnswer(
        start={"type": "http.response.start", "status": 200, "headers": []}, body=b"{}", etag="e", expires=1e12
    )
    for key in ("a", "b"):
        cache.put(key, answer, data_generation())
    assert cache.get("a", 0.0) is answer
    cache.put("c", answer, data_generation())
    assert cache.get("b", 0.0) is None
    assert cache.get("a", 0.0) is answer
    assert cache.bytes == 2 * len(answer.body)  # a and c
    stale_generation = data_generation()
    publish(CHANGED, {})
    cache.put("d", answer, stale_generation)  # computed before the change: not kept
    assert cache.get("d", 0.0) is None
    assert len(cache) == 0  # the change dropped everything


def test_expiry_is_the_next_full_minute_and_tags_compare_weakly() -> None:
    assert next_minute(120.0) == 180.0
    assert next_minute(179.9) == 180.0
    assert etag_matches('"abc"', 'W/"abc"')
    assert not etag_matches('W/"abd"', 'W/"abc"')
