"""Request limits under attack: chunked bodies past the limit, anonymous staff uploads (platform.limits)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from starlette.types import Message

from cityservices.app import UNREADABLE_BODY, create_app
from cityservices.service_map.catalogue.models import Feedback
from cityservices.service_map.editing.models import RecordVersion
from tests.service_map.editing.fixtures import app, bind_app, client, connection, db, make_settings, staff_settings
from tests.service_map.editing.helpers import SHINAN_VENUE, login

__all__ = ["app", "client", "connection", "db", "staff_settings"]
CHUNK = 64 * 1024
STALL = b"<stall>"


@dataclass
class Sent:
    """An HTTP request sent chunked (no ``Content-Length``), as an attacker's client would, counting what the
    application pulled of it."""

    chunks: Iterator[bytes]
    pulled: int = 0
    status: int = 0
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _send_chunked(client: TestClient, method: str, path: str, headers: dict[str, str], sent: Sent) -> Sent:
    raw_headers = [(b"transfer-encoding", b"chunked"), (b"host", b"testserver")]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "https",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": raw_headers,
             "client": ("127.0.0.1", 50000), "server": ("testserver", 443)}  # fmt: skip

    async def receive() -> Message:
        chunk = next(sent.chunks, None)
        if chunk == STALL:  # a client that stops sending in the middle of its body
            await asyncio.sleep(5)
            chunk = next(sent.chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        sent.pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            sent.status = message["status"]
            sent.headers = {k.decode(): v.decode() for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            sent.body += message.get("body", b"")

    async def run() -> None:
        await client.app(scope, receive, send)

    client.portal.call(run)  # type: ignore[union-attr]
    return sent


def _json_flood(megabytes: int) -> Iterator[bytes]:
    yield b'{"target_kind": "venue", "venue_id": "' + SHINAN_VENUE.encode() + b'", "rating": 1, "comment": "'
    for _ in range(megabytes * 1024 * 1024 // CHUNK):
        yield b"a" * CHUNK


def _multipart_flood(megabytes: int) -> Iterator[bytes]:
    yield b'--xx\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'
    for _ in range(megabytes * 1024 * 1024 // CHUNK):
        yield b"\0" * CHUNK


def test_a_chunked_json_flood_to_feedback_is_refused_at_the_limit_unparsed(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    before = db.scalar(select(func.count()).select_from(Feedback))
    sent = _send_chunked(client, "POST", "/api/v1/feedback", {"content-type": "application/json"},
                         Sent(_json_flood(200)))  # fmt: skip
    assert sent.status == 413
    assert b"too_large" in sent.body
    limit = app.state.runtime.settings.max_body_bytes
    assert sent.pulled <= limit + CHUNK  # not 200 MiB: reading stopped at the limit
    assert db.scalar(select(func.count()).select_from(Feedback)) == before


def test_a_body_announced_too_large_is_refused_before_reading(client: TestClient) -> None:
    response = client.post("/api/v1/feedback", content=b"x" * (2 * 1024 * 1024),
                           headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


def test_an_anonymous_chunked_upload_to_staff_photos_is_refused_before_its_body(client: TestClient) -> None:
    headers = {"content-type": "multipart/form-data; boundary=xx", "x-csrf-token": "anything"}
    sent = _send_chunked(
        client, "POST", f"/api/staff/venues/{SHINAN_VENUE}/photos", headers, Sent(_multipart_flood(100))
    )
    assert sent.status == 401
    assert sent.pulled == 0


def test_a_forged_session_cookie_does_not_get_a_staff_body_read(client: TestClient) -> None:
    forged = client.get("/api/staff/csrf", cookies={"cs_session": "forged"}).json()["csrf_token"]
    headers = {
        "content-type": "multipart/form-data; boundary=xx",
        "x-csrf-token": forged,
        "cookie": "cs_session=forged",
    }
    sent = _send_chunked(
        client, "POST", f"/api/staff/venues/{SHINAN_VENUE}/photos", headers, Sent(_multipart_flood(100))
    )
    assert sent.status == 401
    assert sent.pulled == 0


def test_an_anonymous_staff_page_form_is_sent_to_sign_in_unread(client: TestClient) -> None:
    headers = {"content-type": "application/x-www-form-urlencoded"}
    sent = _send_chunked(client, "POST", f"/staff/venues/{SHINAN_VENUE}", headers, Sent(iter([b"a=1"] * 10)))
    assert sent.status == 303
    assert sent.headers["location"].startswith("/staff/login?next=")
    assert sent.pulled == 0


def test_a_signed_in_editor_s_chunked_upload_past_the_limit_is_refused_at_the_limit(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    token = login(client, "editor")
    versions = db.scalar(select(func.count()).select_from(RecordVersion))
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    headers = {"content-type": "multipart/form-data; boundary=xx", "x-csrf-token": token, "cookie": cookie}
    sent = _send_chunked(
        client, "POST", f"/api/staff/venues/{SHINAN_VENUE}/photos", headers, Sent(_multipart_flood(100))
    )
    assert sent.status == 413
    settings = app.state.runtime.settings
    assert sent.pulled <= settings.max_upload_bytes + 1024 * 1024 + CHUNK
    assert db.scalar(select(func.count()).select_from(RecordVersion)) == versions


def test_a_body_that_stalls_is_answered_408(connection: Connection, tmp_path: Path, db_url: str) -> None:
    settings = make_settings(db_url, tmp_path, body_read_timeout_seconds=0.2)
    with TestClient(bind_app(create_app(settings), connection)) as slow:
        chunks = iter([b'{"rating": ', STALL, b"1}"])
        sent = _send_chunked(slow, "POST", "/api/v1/feedback", {"content-type": "application/json"}, Sent(chunks))
    assert sent.status == 408
    assert b"timeout" in sent.body


@pytest.mark.parametrize("depth", [950, 5_000, 200_000])
def test_deeply_nested_json_is_a_clear_4xx(client: TestClient, depth: int) -> None:
    token = login(client, "editor")
    nested = "[" * depth + "]" * depth
    public = client.post("/api/v1/feedback", content=f'{{"rating": 1, "comment": {nested}}}',
                         headers={"content-type": "application/json"})  # fmt: skip
    staff = client.put(f"/api/staff/venues/{SHINAN_VENUE}", content=f'{{"record": {{"name": {nested}}}}}',
                       headers={"content-type": "application/json", "X-CSRF-Token": token})  # fmt: skip
    for response in (public, staff):
        assert response.status_code in (400, 422), response.text
        if response.status_code == 400:
            assert response.json() == {"error": "bad_request", "detail": UNREADABLE_BODY}
