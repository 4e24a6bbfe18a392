"""``/metrics`` is not public by default: a local scraper, the holder of ``metrics_token``, or anyone only when
``metrics_public`` says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Connection

from cityservices.app import create_app
from tests.service_map.editing.fixtures import bind_app, connection, make_settings

__all__ = ["connection"]
REMOTE, LOCAL = ("203.0.113.7", 40000), ("127.0.0.1", 40000)


def _get(connection: Connection, tmp_path: Path, db_url: str, client: tuple[str, int], headers: dict[str, str],
         **overrides: object) -> int:  # fmt: skip
    app = bind_app(create_app(make_settings(db_url, tmp_path, **overrides)), connection)
    with TestClient(app, client=client) as http:
        response = http.get("/metrics", headers=headers)
        if response.status_code == 200:
            assert "cityservices_http_requests_in_flight" in response.text
        return response.status_code


@pytest.mark.parametrize(
    ("client", "headers", "overrides", "status"),
    [
        (REMOTE, {}, {}, 403),
        (LOCAL, {}, {}, 200),
        (LOCAL, {"x-forwarded-for": "203.0.113.7"}, {}, 403),  # a reverse proxy on this machine passing it on
        (REMOTE, {"authorization": "Bearer s3cret-scrape"}, {"metrics_token": "s3cret-scrape"}, 200),
        (REMOTE, {"authorization": "Bearer guessed"}, {"metrics_token": "s3cret-scrape"}, 403),
        (REMOTE, {"authorization": "Bearer "}, {}, 403),
        (REMOTE, {}, {"metrics_public": True}, 200),
    ],
)
def test_who_may_scrape_the_metrics(
    connection: Connection, tmp_path: Path, db_url: str, client: tuple[str, int], headers: dict[str, str],
    overrides: dict[str, object], status: int,
) -> None:  # fmt: skip
    assert _get(connection, tmp_path, db_url, client, headers, **overrides) == status
