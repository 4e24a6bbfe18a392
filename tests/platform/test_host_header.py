"""Cache poisoning through ``Host``: no answer carries a client-chosen host (platform.origin)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.engine import Connection

from cityservices.app import create_app
from tests.service_map.editing.fixtures import app, bind_app, client, connection, db, make_settings, staff_settings
from tests.service_map.editing.helpers import SHINAN_VENUE

__all__ = ["app", "client", "connection", "db", "staff_settings"]
PATHS = ["/api/hsds/", "/api/hsds/profile", "/api/openapi.json", "/api/docs", "/", f"/venues/{SHINAN_VENUE}",
         "/staff/login", "/api/v1/health", "/no-such-page"]  # fmt: skip


def _answers(client: TestClient, host: str | None) -> list[str]:
    headers = {"host": host} if host else {}
    out = []
    for path in PATHS:
        response = client.get(path, headers=headers, follow_redirects=False)
        out.append(response.text + repr(sorted(response.headers.items())))
    return out


def test_a_forged_host_never_appears_in_an_answer_nor_in_a_later_cached_one(client: TestClient) -> None:
    for _ in range(4):  # the reproduced attack: four requests, then an ordinary client
        poisoned = _answers(client, "evil.example")
        assert not [text for text in poisoned if "evil.example" in text]
    for text in _answers(client, None):
        assert "evil.example" not in text
    root = client.get("/api/hsds/").json()
    assert (root["profile"], root["openapi_url"]) == ("/api/hsds/profile", "/api/openapi.json")


def test_links_use_the_configured_public_origin(connection: Connection, tmp_path: Path, db_url: str) -> None:
    settings = make_settings(db_url, tmp_path, public_origin="https://map.example.gov.cn")
    with TestClient(bind_app(create_app(settings), connection)) as public:
        root = public.get("/api/hsds/", headers={"host": "evil.example"}).json()
    assert root["profile"] == "https://map.example.gov.cn/api/hsds/profile"
    assert root["openapi_url"] == "https://map.example.gov.cn/api/openapi.json"
