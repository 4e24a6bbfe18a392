"""Security: headers, CSRF, access control across roles (IDOR), injection and XSS, rate limits, masking."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cityservices.app import create_app
from cityservices.auth import api as auth_api
from cityservices.auth import pages as auth_pages
from cityservices.auth.web import safe_next
from cityservices.kit.masking import mask_id_number, mask_name, mask_phone, mask_text
from cityservices.kit.ratelimit import MemoryRateLimiter, RedisRateLimiter
from cityservices.platform.security import SESSION_COOKIE
from cityservices.service_map.catalogue.models import Feedback, Venue
from cityservices.service_map.editing import api, pages
from cityservices.service_map.feedback import api as feedback_api
from cityservices.service_map.feedback import pages as feedback_pages
from tests.service_map.editing.fixtures import app, bind_app, client, connection, db, make_settings, staff_settings
from tests.service_map.editing.helpers import SHIBEI_VENUE, SHINAN_VENUE, csrf, login

__all__ = ["app", "client", "connection", "db", "staff_settings"]
PUBLIC_STAFF_ROUTES = {("GET", "/staff/login"), ("POST", "/staff/login"), ("GET", "/api/staff/csrf"),
                       ("POST", "/api/staff/login")}  # fmt: skip
STAFF_ROUTERS = (auth_api.router, auth_pages.router, feedback_api.staff_router, feedback_pages.router, api.router,
                 pages.router)  # fmt: skip
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQLI = "' OR '1'='1'; DROP TABLE venues; --"


# --- headers ---------------------------------------------------------------------------------------------


def _check_headers(headers: Any) -> None:
    csp = headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert "style-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/", "/staff/login", "/api/v1/health", "/api/staff/me", "/no-such-page",
                                  "/api/v1/no-such-route", "/static/staff.css"])  # fmt: skip
def test_security_headers_are_on_pages_api_and_errors(client: TestClient, path: str) -> None:
    _check_headers(client.get(path).headers)


def test_staff_responses_are_not_cached_and_https_gets_hsts(client: TestClient) -> None:
    login(client, "viewer")
    response = client.get("/staff")
    _check_headers(response.headers)
    assert response.headers["cache-control"] == "no-store"
    assert client.get("/api/staff/me").headers["cache-control"] == "no-store"
    assert "max-age" in response.headers["strict-transport-security"]


def test_the_api_docs_allow_only_their_own_inline_scripts_by_hash(client: TestClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "'sha256-" in csp
    assert "unsafe-inline" not in csp


def test_map_tiles_origin_is_allowed_for_images(connection: Connection, tmp_path: Path, db_url: str) -> None:
    settings = make_settings(db_url, tmp_path, map_tile_url="https://{s}.tiles.example.cn/{z}/{x}/{y}.png")
    with TestClient(bind_app(create_app(settings), connection), base_url="https://testserver") as tiles:
        assert "https://*.tiles.example.cn" in tiles.get("/api/v1/health").headers["content-security-policy"]


# --- CSRF ------------------------------------------------------------------------------------------------


def _venue(client: TestClient) -> dict[str, Any]:
    record: dict[str, Any] = client.get(f"/api/staff/venues/{SHINAN_VENUE}").json()["record"]
    return record


def test_api_writes_without_a_valid_csrf_token_are_refused(client: TestClient, app: FastAPI) -> None:
    token = login(client, "editor")
    body = {"record": {**_venue(client), "description": "csrf"}, "base_version": 0}
    path = f"/api/staff/venues/{SHINAN_VENUE}"
    assert client.put(path, json=body).status_code == 403
    assert client.put(path, json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    other = TestClient(app, base_url="https://testserver")
    other_token = login(other, "admin")
    assert client.put(path, json=body, headers={"X-CSRF-Token": other_token}).status_code == 403
    assert client.put(path, json=body, headers={"X-CSRF-Token": token}).status_code == 200


def test_form_posts_without_a_valid_csrf_token_are_refused(client: TestClient) -> None:
    token = login(client, "editor")
    form = {"description": "x", "name": "x"}
    assert client.post(f"/staff/venues/{SHINAN_VENUE}", data=form).status_code == 403
    assert client.post(f"/staff/venues/{SHINAN_VENUE}", data={**form, "csrf_token": "bad"}).status_code == 403
    assert client.post("/staff/logout", data={}, follow_redirects=False).status_code == 403
    assert client.post("/staff/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303


def test_the_login_form_needs_a_token_too(client: TestClient) -> None:
    credentials = {"username": "editor", "password": "correct-horse-42"}
    assert client.post("/staff/login", data=credentials).status_code == 403
    page = client.get("/staff/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    done = client.post("/staff/login", data={**credentials, "csrf_token": token.group(1)}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == "/staff"
    assert SESSION_COOKIE in done.headers["set-cookie"]


def test_api_login_without_a_token_is_refused(client: TestClient) -> None:
    response = client.post("/api/staff/login", json={"username": "editor", "password": "correct-horse-42"})
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"


# --- access control --------------------------------------------------------------------------------------


def _staff_routes() -> list[tuple[str, str]]:
    routes = []
    for route in [r for router in STAFF_ROUTERS for r in router.routes]:
        if isinstance(route, APIRoute):
            path = re.sub(r"\{kinds\}", "venues", route.path)
            path = re.sub(r"\{[^}]+\}", "1", path)
            routes += [(method, path) for method in route.methods if (method, route.path) not in PUBLIC_STAFF_ROUTES]
    return routes


def test_anonymous_users_reach_no_staff_page_or_api(client: TestClient, app: FastAPI) -> None:
    routes = _staff_routes()
    assert len(routes) > 30
    token = csrf(client)
    for method, path in routes:
        response = client.request(method, path, headers={"X-CSRF-Token": token}, follow_redirects=False)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path, response.status_code)
        else:
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/staff/login?next=")


def test_a_viewer_can_read_but_not_change_anything(client: TestClient, db: Session) -> None:
    token = login(client, "viewer")
    headers = {"X-CSRF-Token": token}
    assert client.get(f"/api/staff/venues/{SHINAN_VENUE}").status_code == 200
    body = {"record": {**_venue(client), "description": "viewer"}}
    assert client.put(f"/api/staff/venues/{SHINAN_VENUE}", json=body, headers=headers).status_code == 403
    assert client.post(f"/api/staff/venues/{SHINAN_VENUE}/versions/1/restore", headers=headers).status_code == 403
    feedback_id = db.scalar(select(Feedback.id).where(Feedback.venue_id == SHINAN_VENUE))
    assert (
        client.post(f"/api/staff/feedback/{feedback_id}/resolve", json={"note": "x"}, headers=headers).status_code
        == 403
    )
    assert client.get(f"/api/staff/feedback/{feedback_id}/contact").status_code == 403
    assert client.post(f"/staff/venues/{SHINAN_VENUE}", data={"csrf_token": token}).status_code == 403
    assert client.get("/api/staff/audit").status_code == 403
    assert client.get("/api/staff/accounts").status_code == 403
    assert client.get("/staff/accounts").status_code == 403


def test_a_district_editor_cannot_touch_another_district(client: TestClient, db: Session) -> None:
    token = login(client, "shinan")
    headers = {"X-CSRF-Token": token}
    other = client.get(f"/api/staff/venues/{SHIBEI_VENUE}").json()["record"]
    response = client.put(f"/api/staff/venues/{SHIBEI_VENUE}", json={"record": {**other, "name": "x"}}, headers=headers)
    assert response.status_code == 403
    moved = {**_venue(client), "division_code": "370203001"}  # moving an own venue into the other district
    assert client.put(f"/api/staff/venues/{SHINAN_VENUE}", json={"record": moved}, headers=headers).status_code == 403
    own = {**_venue(client), "description": "市南区编辑修改"}
    assert client.put(f"/api/staff/venues/{SHINAN_VENUE}", json={"record": own, "base_version": 0},
                      headers=headers).status_code == 200  # fmt: skip
    foreign = db.scalar(select(Feedback.id).where(Feedback.venue_id == SHIBEI_VENUE))
    assert client.get(f"/api/staff/feedback/{foreign}").status_code == 404
    assert client.get(f"/api/staff/feedback/{foreign}/contact", headers=headers).status_code == 404
    assert client.post(f"/api/staff/feedback/{foreign}/resolve", json={"note": "x"}, headers=headers).status_code == 404
    assert client.get(f"/staff/feedback/{foreign}").status_code == 404
    item = client.get("/api/staff/items/QD-SB-0001").json()["record"]
    assert client.put("/api/staff/items/QD-SB-0001", json={"record": item}, headers=headers).status_code == 403
    assert client.post(f"/api/staff/venues/{SHIBEI_VENUE}/versions/1/restore", headers=headers).status_code in (
        403,
        404,
    )


def test_a_department_editor_edits_only_their_departments_items(client: TestClient) -> None:
    headers = {"X-CSRF-Token": login(client, "cityrs")}
    own = client.get("/api/staff/items/QD-RS-0001").json()["record"]
    assert client.put("/api/staff/items/QD-RS-0001", json={"record": {**own, "category": "社保"}, "base_version": 0},
                      headers=headers).status_code == 200  # fmt: skip
    moved = {**own, "department_code": "370203-RS"}
    assert client.put("/api/staff/items/QD-RS-0001", json={"record": moved}, headers=headers).status_code == 403
    other = client.get("/api/staff/items/QD-SB-0001").json()["record"]
    assert client.put("/api/staff/items/QD-SB-0001", json={"record": other}, headers=headers).status_code == 403
    guide = client.get("/api/staff/guides/QD-SB-0001").json()["record"]
    assert client.put("/api/staff/guides/QD-SB-0001", json={"record": guide}, headers=headers).status_code == 403


def test_next_after_sign_in_stays_on_this_site() -> None:
    assert safe_next("/staff/venues") == "/staff/venues"
    for bad in ("https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", None):
        assert safe_next(bad) == "/staff"


# --- injection and XSS -----------------------------------------------------------------------------------


def test_sql_injection_attempts_find_nothing_and_break_nothing(client: TestClient, db: Session) -> None:
    assert client.post("/api/staff/login", json={"username": SQLI, "password": SQLI},
                       headers={"X-CSRF-Token": csrf(client)}).status_code == 401  # fmt: skip
    token = login(client, "editor")
    assert client.get("/api/staff/venues", params={"q": SQLI}).json()["total"] == 0
    assert client.get("/api/staff/venues", params={"q": "%"}).json()["total"] == 0  # LIKE wildcards are escaped
    assert client.get(f"/api/staff/venues/{SQLI}").status_code == 404
    assert client.get("/api/staff/feedback", params={"status": SQLI}).status_code == 422
    assert client.get("/api/staff/audit", params={"action": SQLI}).status_code == 403
    assert client.get("/api/v1/venues", params={"level": SQLI}).status_code == 422
    assert client.get("/staff/venues", params={"q": SQLI}).status_code == 200
    stored = {**_venue(client), "name": SQLI, "address": SQLI, "description": SQLI}
    assert client.put(f"/api/staff/venues/{SHINAN_VENUE}", json={"record": stored, "base_version": 0},
                      headers={"X-CSRF-Token": token}).status_code == 200  # fmt: skip
    assert _venue(client)["name"] == SQLI
    assert db.scalar(select(func.count()).select_from(Venue)) == 2


def test_sql_injection_in_public_api_parameters_is_harmless(client: TestClient) -> None:
    for path, params in [("/api/v1/venues", {"limit": SQLI}), ("/api/v1/venues", {"offset": "1; DROP TABLE x"}),
                         ("/api/v1/search", {"q": SQLI}), ("/api/v1/search", {"q": XSS})]:  # fmt: skip
        response = client.get(path, params=params)
        assert response.status_code < 500, (path, params, response.status_code)
    assert client.get("/api/v1/venues").json()["total"] == 2


def test_stored_text_is_rendered_escaped_on_staff_pages(client: TestClient, db: Session) -> None:
    token = login(client, "admin")
    headers = {"X-CSRF-Token": token}
    venue = {**_venue(client), "name": XSS, "description": XSS, "photos": [{"url": "/x.png", "caption": XSS}]}
    assert client.put(f"/api/staff/venues/{SHINAN_VENUE}", json={"record": venue, "base_version": 0},
                      headers=headers).status_code == 200  # fmt: skip
    guide = client.get("/api/staff/guides/QD-RS-0001").json()["record"]
    guide["acceptance_conditions"] = XSS
    guide["steps"] = [{"name": XSS, "description": XSS}]
    assert client.put("/api/staff/guides/QD-RS-0001", json={"record": guide, "base_version": 0},
                      headers=headers).status_code == 200  # fmt: skip
    feedback = db.scalar(select(Feedback).where(Feedback.venue_id == SHINAN_VENUE))
    assert feedback is not None
    feedback.comment = XSS
    db.commit()
    pages = [f"/staff/venues/{SHINAN_VENUE}", f"/staff/venues/{SHINAN_VENUE}/versions/2", "/staff/guides/QD-RS-0001",
             "/staff/guides/QD-RS-0001/versions/2", "/staff", f"/staff/feedback/{feedback.id}", "/staff/feedback",
             "/staff/audit", "/"]  # fmt: skip
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "<script>alert" not in response.text, path
        assert "<img src=x" not in response.text, path
    assert "&lt;script&gt;" in client.get(f"/staff/venues/{SHINAN_VENUE}").text
    api = client.get("/api/staff/guides/QD-RS-0001")
    assert api.headers["content-type"].startswith("application/json")
    assert api.json()["record"]["acceptance_conditions"] == XSS  # stored as given, escaped when rendered


def test_reflected_parameters_are_escaped(client: TestClient) -> None:
    page = client.get("/staff/login", params={"next": '/staff"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in page.text
    login(client, "editor")
    listed = client.get("/staff/venues", params={"q": XSS})
    assert "<script>alert" not in listed.text
    missing = client.get(f"/staff/venues/{XSS}")
    assert missing.status_code in (404, 422)
    assert "<script>alert" not in missing.text


# --- rate limits -----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("rate_limit_instant")
def test_logins_are_rate_limited(connection: Connection, tmp_path: Path, db_url: str) -> None:
    settings = make_settings(db_url, tmp_path, rate_limit_login_per_minute=3)
    with TestClient(bind_app(create_app(settings), connection), base_url="https://testserver") as limited:
        token = csrf(limited)
        codes = [
            limited.post("/api/staff/login", json={"username": "editor", "password": "wrong-pass-1"},
                         headers={"X-CSRF-Token": token}).status_code
            for _ in range(4)
        ]  # fmt: skip
        assert codes == [401, 401, 401, 429]
        refused = limited.post("/staff/login", data={"username": "a", "password": "b", "csrf_token": token})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert limited.get("/staff/login").status_code == 200  # only sign-in attempts count


@pytest.mark.usefixtures("rate_limit_instant")
def test_the_public_api_is_rate_limited(connection: Connection, tmp_path: Path, db_url: str) -> None:
    settings = make_settings(db_url, tmp_path, rate_limit_api_per_minute=5)
    with TestClient(bind_app(create_app(settings), connection), base_url="https://testserver") as limited:
        codes = [limited.get("/api/v1/health").status_code for _ in range(6)]
        assert codes == [200] * 5 + [429]
        assert limited.get("/api/v1/venues").json()["error"] == "rate_limited"
        assert limited.get("/").status_code == 200  # pages are not counted


def test_rate_limits_are_shared_through_redis_when_configured() -> None:
    try:
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=0.5).ping()
    except Exception:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    import uuid

    bucket = f"test-{uuid.uuid4().hex}"
    first, second = RedisRateLimiter("redis://127.0.0.1:6379/0"), RedisRateLimiter("redis://127.0.0.1:6379/0")
    assert first.hit(bucket, "1.2.3.4", limit=2, window=60).allowed
    assert second.hit(bucket, "1.2.3.4", limit=2, window=60).allowed
    assert not first.hit(bucket, "1.2.3.4", limit=2, window=60).allowed
    assert second.hit(bucket, "5.6.7.8", limit=2, window=60).allowed


def test_memory_rate_limiter_counts_per_key() -> None:
    limiter = MemoryRateLimiter()
    assert [limiter.hit("b", "k", limit=1, window=60).allowed for _ in range(2)] == [True, False]
    assert limiter.hit("b", "other", limit=1, window=60).allowed


# --- masking ---------------------------------------------------------------------------------------------


def test_masking_of_phones_ids_and_names() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0532-80000001") == "0532-****0001"
    assert mask_phone(None) is None
    assert mask_id_number("370202199001011234") == "3****************4"
    assert mask_name("张三丰") == "张**"
    text = mask_text("身份证 37020219900101123X，手机 13812345678，座机 0532-80000001")
    assert "37020219900101123X" not in text
    assert "13812345678" not in text
    assert "80000001" not in text
    assert "138****5678" in text
