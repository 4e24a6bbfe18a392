"""``/api/docs`` loads Swagger UI from this site (pinned, vendored by ``make install``), never from a CDN."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from cityservices.platform.openapi import DOCS_ASSETS
from tests.service_map.editing.fixtures import app, client, connection, db, staff_settings

__all__ = ["app", "client", "connection", "db", "staff_settings"]


def test_the_api_docs_load_only_local_assets(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert f"{DOCS_ASSETS}/swagger-ui-bundle.js" in sources
    assert f"{DOCS_ASSETS}/swagger-ui.css" in sources
    assert all(source.startswith("/") and not source.startswith("//") for source in sources), sources
    csp = page.headers["content-security-policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "http" not in script_src
    assert "unsafe-inline" not in script_src
    assert "cdn" not in csp
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert client.get(f"{DOCS_ASSETS}/{asset}").status_code == 200, f"run `make install` ({asset})"
    assert client.get("/redoc").status_code == 404
