"""The service map's fast answers (``service_map.fast_paths``) give what the FastAPI routes give: the same status,
JSON body and headers (content type, ETag, Cache-Control, gzip, security headers) for valid requests, and the
routes' own answers (422, 404, 405 …) for everything else, which the fast path leaves to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.kit import calendar
from cityservices.kit.calendar import CHINA_TZ
from cityservices.platform.fast_path import FastPaths
from cityservices.service_map.where import api as where_api
from tests.builders import load_dataset, make_dataset

NOW = dt.datetime(2026, 12, 8, 10, 30, tzinfo=CHINA_TZ)  # a Tuesday morning: the test venue is open
CLOCK = NOW.timestamp()
PER_REQUEST = {"x-request-id", "date", "server-timing"}
POINT = "lat=36.06612&lng=120.38299"

# Answered by the fast path (once what they need is in memory).
FAST = [
    "/api/v1/search?q=%E7%A4%BE%E4%BF%9D%E5%8D%A1&limit=10",  # 社保卡
    "/api/v1/search?q=" + quote("失业了怎么领钱"),
    "/api/v1/search?q=" + quote("驾照") + "&limit=50",  # probably nothing found: the no-match answer
    f"/api/v1/nearest?item=QD-RS-0001&{POINT}&limit=3",
    f"/api/v1/nearest?item=QD-RS-0001&{POINT}",
    f"/api/v1/nearest?item={quote('社保卡办理')}&{POINT}&crs=gcj02",
    f"/api/v1/nearest?item=QD-RS-0002&{POINT}&time=2026-12-12T09:00",  # a Saturday
    f"/api/v1/nearest?item=QD-RS-0001&{POINT}&time=2026-12-08T20:00:00%2B08:00",
    "/api/v1/venues/V370202001",
    "/api/v1/venues/V370202001?crs=bd09",
    "/api/v1/items/QD-RS-0001",
    "/api/v1/items/QD-RS-0001/guide",
    "/api/v1/items/QD-RS-0002/guide?version=1",
    "/api/v1/bundles/B-TEST",
]

# Left to the routes: invalid, unknown or unusual.
ROUTED = [
    "/api/v1/search?q=",
    "/api/v1/search",
    "/api/v1/search?q=x&limit=0",
    "/api/v1/search?q=x&limit=51",
    "/api/v1/search?q=x&limit=abc",
    "/api/v1/search?q=x&limit=010",
    "/api/v1/search?q=a&q=b",
    "/api/v1/search?q=x&lat=36.1",
    f"/api/v1/search?q={quote('社保卡')}&{POINT}",
    "/api/v1/search?q=" + "长" * 1001,
    f"/api/v1/nearest?{POINT}",
    "/api/v1/nearest?item=QD-RS-0001&lat=100&lng=120.3",
    "/api/v1/nearest?item=QD-RS-0001&lat=abc&lng=120.3",
    "/api/v1/nearest?item=QD-RS-0001&lat=3.6e1&lng=120.3",
    f"/api/v1/nearest?item=NOPE&{POINT}",
    f"/api/v1/nearest?item=QD-RS-0001&{POINT}&limit=0",
    f"/api/v1/nearest?item=QD-RS-0001&{POINT}&crs=wgs",
    f"/api/v1/nearest?item=QD-RS-0001&{POINT}&time=tomorrow",
    f"/api/v1/nearest?item=QD-RS-0001&{POINT}&time=2026-12-08T20:00:00+08:00",  # '+' is a space: 422
    f"/api/v1/nearest?item=QD-RS-0001&{POINT}&open_now=true",
    f"/api/v1/nearest?item=QD-RS-0001&bundle=B-TEST&{POINT}",
    f"/api/v1/nearest?item=%01&{POINT}",
    "/api/v1/venues/NOPE",
    "/api/v1/venues/V370202001?crs=utm",
    "/api/v1/venues/V370202001?unknown=1",
    "/api/v1/venues/",
    "/api/v1/venues/" + "V" * 65,
    "/api/v1/venues/V370202001/items",
    "/api/v1/items/NOPE",
    "/api/v1/items/NOPE/guide",
    "/api/v1/items/QD-RS-0001/guide?version=0",
    "/api/v1/items/QD-RS-0001/guide?version=10001",
    "/api/v1/items/QD-RS-0001/guide?version=abc",
    "/api/v1/items/QD-RS-0001/guide?version=7",
    "/api/v1/items/QD-RS-0001/venues",
    "/api/v1/bundles/NOPE",
    "/api/v1/bundles/B-TEST?x=1",
]


def _app(url: str, *, fast: bool) -> TestClient:
    settings = Settings(database_url=url, api_cache_entries=0, rate_limit_api_per_minute=0)
    app = create_app(settings)
    app.state.answer_cache.clock = lambda: CLOCK + 20  # the same max-age on both sides
    app.state.answer_cache.spread_s = 0.0
    if not fast:
        app.state.fast_paths.clear()
    return TestClient(app)


@pytest.fixture
def clients(migrated_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, TestClient]]:
    load_dataset(migrated_db_url, make_dataset())
    monkeypatch.setattr(calendar, "now_in_china", lambda: NOW)
    monkeypatch.setattr(where_api, "now_in_china", lambda: NOW)
    with _app(migrated_db_url, fast=True) as fast, _app(migrated_db_url, fast=False) as plain:
        for path in FAST:  # whatever the routes build on first use (indexes, read models) is built now
            fast.get(path)
        yield fast, plain


def _served(client: TestClient) -> int:
    paths: FastPaths = client.app.state.fast_paths  # type: ignore[attr-defined]
    return paths.served


def _same(fast: httpx.Response, plain: httpx.Response, path: str) -> None:
    assert fast.status_code == plain.status_code, path
    assert fast.json() == plain.json(), path
    assert fast.content == plain.content, path
    ours = {k: v for k, v in fast.headers.items() if k not in PER_REQUEST}
    theirs = {k: v for k, v in plain.headers.items() if k not in PER_REQUEST}
    assert ours == theirs, path


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_fast_answers_equal_the_routes_answers(clients: tuple[TestClient, TestClient], encoding: str) -> None:
    fast, plain = clients
    for path in FAST:
        before = _served(fast)
        ours = fast.get(path, headers={"Accept-Encoding": encoding})
        assert _served(fast) == before + 1, f"not answered by the fast path: {path}"
        assert ours.status_code == 200, path
        assert ours.headers["content-type"] == "application/json"
        assert ours.headers["etag"].startswith('W/"')
        assert ours.headers["cache-control"] == "public, max-age=40"
        _same(ours, plain.get(path, headers={"Accept-Encoding": encoding}), path)


def test_everything_else_is_left_to_the_routes(clients: tuple[TestClient, TestClient]) -> None:
    fast, plain = clients
    statuses = set()
    for path in ROUTED:
        before = _served(fast)
        ours = fast.get(path)
        assert _served(fast) == before, f"answered by the fast path: {path}"
        statuses.add(ours.status_code)
        _same(ours, plain.get(path), path)
    assert {200, 404, 422} <= statuses  # unusual but valid requests are answered by the route
    for method in ("HEAD", "POST", "DELETE"):
        ours, theirs = fast.request(method, FAST[0]), plain.request(method, FAST[0])
        assert ours.status_code == theirs.status_code != 200
        assert ours.content == theirs.content


def test_a_fast_answer_is_cached_and_revalidated_like_the_routes(clients: tuple[TestClient, TestClient]) -> None:
    fast, plain = clients
    for path in ("/api/v1/venues/V370202001", f"/api/v1/nearest?item=QD-RS-0001&{POINT}"):
        etag = fast.get(path).headers["etag"]
        before = _served(fast)
        ours, theirs = (c.get(path, headers={"If-None-Match": etag}) for c in (fast, plain))
        assert _served(fast) == before + 1
        assert ours.status_code == theirs.status_code == 304
        assert ours.content == theirs.content == b""
        assert {k: v for k, v in ours.headers.items() if k not in PER_REQUEST} == {
            k: v for k, v in theirs.headers.items() if k not in PER_REQUEST
        }


def test_the_openapi_document_is_unchanged(clients: tuple[TestClient, TestClient]) -> None:
    fast, plain = clients
    assert fast.get("/api/openapi.json").json() == plain.get("/api/openapi.json").json()
