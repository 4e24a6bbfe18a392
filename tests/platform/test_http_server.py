"""Slow and oversized clients against the server ``serve`` runs: a request head that never ends is cut after
``header_read_timeout_seconds``; a 1 MB header is refused (platform.http_server, serving.connection_limits)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from cityservices.config import Settings
from cityservices.platform import http_server
from cityservices.platform.serving import connection_limits


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture(params=["httptools", "h11"])
def server(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[int]:
    values = {"header_read_timeout_seconds": 0.5, "max_header_bytes": 16 * 1024, "http_parser": request.param}
    settings = Settings.model_validate(values)
    monkeypatch.setattr(http_server, "get_settings", lambda: settings)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(hello, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                            **connection_limits(settings))  # fmt: skip
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    for _ in range(200):
        if runner.started:
            break
        time.sleep(0.05)
    yield port
    runner.should_exit = True
    thread.join(10)


def _read_all(conn: socket.socket) -> bytes:
    data = b""
    try:
        while chunk := conn.recv(65536):
            data += chunk
    except ConnectionResetError:  # closed by the server with data still unread
        pass
    return data


def test_a_complete_request_is_answered(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server), timeout=10) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _read_all(conn).startswith(b"HTTP/1.1 200")


def test_a_request_head_that_never_ends_is_cut(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server), timeout=10) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        for _ in range(3):  # a slowloris client: a byte now and then, never the end of its headers
            time.sleep(0.2)
            try:
                conn.sendall(b"a")
            except OSError:
                break
        assert _read_all(conn) == b""  # closed by the server (a socket timeout would raise instead)


def test_a_one_megabyte_header_is_refused(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server), timeout=10) as conn:
        try:
            conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1024 * 1024) + b"\r\n\r\n")
        except OSError:  # the server may close before all of it is sent
            return
        answer = _read_all(conn)
    assert not answer.startswith(b"HTTP/1.1 200")
    assert answer == b"" or answer.startswith(b"HTTP/1.1 4")


def test_a_small_head_sent_with_a_large_body_in_one_write_is_answered(server: int) -> None:
    # a browser's upload: the head and the first 40 KiB of the body arrive in one read; only the head counts
    body = b"x" * (40 * 1024)
    head = f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", server), timeout=10) as conn:
        conn.sendall(head + body)
        assert _read_all(conn).startswith(b"HTTP/1.1 200")


def test_a_slow_second_request_on_a_kept_alive_connection_is_cut(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server), timeout=10) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert conn.recv(65536).startswith(b"HTTP/1.1 200")
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        time.sleep(1.0)
        assert _read_all(conn) == b""
