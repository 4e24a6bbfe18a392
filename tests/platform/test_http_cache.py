"""ETag / If-None-Match, Cache-Control and the per-process answer cache of the routes declared ``cacheable``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.testclient import TestClient
from sqlalchemy import update

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.insurance.install import CHANGED as INSURANCE_CHANGED
from cityservices.kit.events import data_generation, known_topics, publish
from cityservices.platform.http_cache import (
    GZIP_MIN_BYTES,
    CachedAnswer,
    HttpCacheMiddleware,
    ResponseCache,
    cacheable,
    etag_matches,
    next_minute,
    spread_expiry,
)
from cityservices.service_map.catalogue.models import Venue
from cityservices.service_map.install import CHANGED
from tests.builders import load_dataset, make_dataset

MID_MINUTE = 1_800_000_030.0  # hh:mm:30


class Clock:
    """A clock that only moves when told to (the answer cache's ``clock``)."""

    def __init__(self, now: float = MID_MINUTE) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def app_and_clock(migrated_db_url: str) -> tuple[FastAPI, str, Clock]:
    load_dataset(migrated_db_url, make_dataset())
    app = create_app(Settings(database_url=migrated_db_url))
    clock = app.state.answer_cache.clock = Clock()
    app.state.answer_cache.spread_s = 0.0  # these tests follow one entry to the exact minute boundary
    return app, migrated_db_url, clock


@pytest.fixture
def db_and_client(app_and_clock: tuple[FastAPI, str, Clock]) -> Iterator[tuple[str, TestClient]]:
    app, url, _ = app_and_clock
    with TestClient(app) as client:
        assert app.state.readiness.wait(60)  # the warm-up's read models are filled before any edit behind its back
        yield url, client


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
    assert first.headers["cache-control"] == "public, max-age=30"  # until the next full minute


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
    publish(INSURANCE_CHANGED, {"kind": "rule", "key": "test"})
    assert client.get("/api/v1/venues").json()["items"][0]["name"] == before  # another domain's change
    publish(CHANGED, {"kind": "venue", "key": "test"})
    assert client.get("/api/v1/venues").json()["items"][0]["name"] == "改名后的便民服务中心"


def test_answers_expire_at_the_next_full_minute(app_and_clock: tuple[FastAPI, str, Clock]) -> None:
    app, url, clock = app_and_clock
    with TestClient(app) as client:
        assert app.state.readiness.wait(60)
        before = client.get("/api/v1/venues").json()["items"][0]["name"]
        _rename_venue_behind_the_apps_back(url, "改名后的便民服务中心")
        clock.now = next_minute(MID_MINUTE) - 1
        kept = client.get("/api/v1/venues")
        assert kept.json()["items"][0]["name"] == before
        assert kept.headers["cache-control"] == "public, max-age=1"
        clock.now = next_minute(MID_MINUTE)
        assert client.get("/api/v1/venues").json()["items"][0]["name"] == "改名后的便民服务中心"


def test_the_installed_domains_topics_are_known(app_and_clock: tuple[FastAPI, str, Clock]) -> None:
    assert {CHANGED, INSURANCE_CHANGED} <= set(known_topics())  # so that a relay's resync marks them changed


def test_a_get_route_not_declared_cacheable_passes_through(app_and_clock: tuple[FastAPI, str, Clock]) -> None:
    app, _, _ = app_and_clock
    calls: list[int] = []

    @app.get("/api/v1/throwaway")
    def throwaway() -> dict[str, int]:
        calls.append(1)
        return {"n": len(calls)}

    with TestClient(app) as client:
        first = client.get("/api/v1/throwaway")
        second = client.get("/api/v1/throwaway", headers={"If-None-Match": "*"})
    assert (first.json(), second.json(), second.status_code) == ({"n": 1}, {"n": 2}, 200)
    for answer in (first, second):
        assert "etag" not in answer.headers
        assert "cache-control" not in answer.headers


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


def _app(entries: int = 8, big: int = 10) -> tuple[FastAPI, list[str]]:
    calls: list[str] = []
    app = FastAPI()

    @app.get("/api/v1/data")
    @cacheable("test.data")
    def data(a: int = 0) -> JSONResponse:
        calls.append("data")
        return JSONResponse({"n": len(calls), "pad": "x" * big})

    @app.get("/api/v1/text")
    @cacheable("test.data")
    def text() -> PlainTextResponse:
        calls.append("text")
        return PlainTextResponse("hello")

    @app.get("/api/v1/undeclared")
    def undeclared() -> JSONResponse:
        calls.append("undeclared")
        return JSONResponse({"n": len(calls)})

    app.add_middleware(HttpCacheMiddleware, cache=ResponseCache(entries, clock=Clock()))
    return app, calls


def test_the_cache_computes_each_answer_once() -> None:
    app, calls = _app()
    client = TestClient(app)
    assert client.get("/api/v1/data?a=1").json()["n"] == 1
    assert client.get("/api/v1/data?a=1").json()["n"] == 1
    assert client.get("/api/v1/data?a=2").json()["n"] == 2
    assert len(calls) == 2
    publish("test.other", {})
    assert client.get("/api/v1/data?a=1").json()["n"] == 1
    publish("test.data", {})
    assert client.get("/api/v1/data?a=1").json()["n"] == 3


def test_only_declared_routes_are_cached() -> None:
    app, calls = _app()
    client = TestClient(app)
    answers = [client.get("/api/v1/undeclared", headers={"If-None-Match": "*"}) for _ in range(2)]
    assert [answer.json()["n"] for answer in answers] == [1, 2]
    assert all(answer.status_code == 200 and "etag" not in answer.headers for answer in answers)
    assert calls == ["undeclared", "undeclared"]


def test_only_json_answers_are_kept_and_big_ones_stream_through() -> None:
    app, _ = _app(big=4_300_000)
    client = TestClient(app)
    assert client.get("/api/v1/text").text == "hello"
    assert client.get("/api/v1/text").text == "hello"
    big_first = client.get("/api/v1/data").json()
    big_second = client.get("/api/v1/data").json()
    assert (big_first["n"], big_second["n"]) == (3, 4)  # computed each time, whole
    assert len(big_first["pad"]) == 4_300_000
    assert "etag" not in client.get("/api/v1/text").headers


def test_no_entries_means_no_cache_but_etags_still_work() -> None:
    app, calls = _app(entries=0)
    client = TestClient(app)
    etag = client.get("/api/v1/data").headers["etag"]
    assert client.get("/api/v1/data").json()["n"] == 2
    assert len(calls) == 2
    assert etag != client.get("/api/v1/data").headers["etag"]  # a different body, a different tag


def test_least_recently_used_answers_go_first_and_old_generations_are_refused() -> None:
    cache = ResponseCache(entries=2)
    start = {"type": "http.response.start", "status": 200, "headers": []}

    def answer(topic: str) -> CachedAnswer:
        return CachedAnswer(start, b"{}", "e", 1e12, (topic,), data_generation(topic))

    lru = answer("test.lru")
    for key in ("a", "b"):
        cache.put(key, lru)
    assert cache.get("a", 0.0) is lru
    cache.put("c", lru)
    assert cache.get("b", 0.0) is None
    assert cache.get("a", 0.0) is lru
    assert cache.bytes == 2 * len(lru.body)  # a and c
    other = answer("test.other")
    cache.put("e", other)
    publish("test.lru", {})
    cache.put("d", lru)  # computed before the change: not kept
    assert cache.get("d", 0.0) is None
    assert cache.get("e", 0.0) is other  # another topic: kept
    assert len(cache) == 1  # the change dropped the answers of its topic
    assert cache.bytes == len(other.body)


def test_expiry_is_the_next_full_minute_and_tags_compare_weakly() -> None:
    assert next_minute(120.0) == 180.0
    assert next_minute(179.9) == 180.0
    assert etag_matches('"abc"', 'W/"abc"')
    assert not etag_matches('W/"abd"', 'W/"abc"')


def test_expiry_is_spread_before_the_minute_boundary_never_after() -> None:
    boundary = next_minute(MID_MINUTE)
    assert spread_expiry(MID_MINUTE, 15.0, lambda: 0.0) == boundary
    assert spread_expiry(MID_MINUTE, 15.0, lambda: 1.0) == boundary - 15.0
    assert spread_expiry(boundary - 4, 15.0, lambda: 1.0) == boundary - 2  # at most half of the time left
    ends = {spread_expiry(MID_MINUTE, 15.0) for _ in range(50)}
    assert len(ends) > 1
    assert all(boundary - 15.0 <= end <= boundary for end in ends)


def test_a_large_kept_answer_is_compressed_once_and_sent_plain_to_who_does_not_accept_gzip() -> None:
    app, calls = _app(big=4 * GZIP_MIN_BYTES)
    client = TestClient(app)
    zipped = client.get("/api/v1/data", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/api/v1/data", headers={"Accept-Encoding": "identity"})
    assert len(calls) == 1  # one answer, kept in both encodings
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert int(zipped.headers["content-length"]) < len(plain.content)
    assert "accept-encoding" in zipped.headers["vary"].lower()
    assert "accept-encoding" in plain.headers["vary"].lower()
    assert zipped.json() == plain.json()  # the test client decodes the body
    assert zipped.headers["etag"] == plain.headers["etag"]
    small = TestClient(_app()[0]).get("/api/v1/data", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers  # below GZIP_MIN_BYTES: sent as it is
