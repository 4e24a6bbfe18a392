"""The gzip middleware: what is compressed, what passes as it is, and the headers that say so."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from cityservices.platform.compression import GzipMiddleware
from cityservices.platform.http_cache import GZIP_LEVEL, GZIP_MIN_BYTES

LARGE = "办事指南" * GZIP_MIN_BYTES


async def large(_: Request) -> Response:
    return PlainTextResponse(LARGE)


async def small(_: Request) -> Response:
    return PlainTextResponse("短")


async def image(_: Request) -> Response:
    return Response(b"\x89PNG" + b"x" * 2 * GZIP_MIN_BYTES, media_type="image/png")


async def encoded(_: Request) -> Response:
    return Response(gzip.compress(LARGE.encode()), media_type="text/plain", headers={"content-encoding": "gzip"})


async def streamed(_: Request) -> Response:
    async def parts() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield LARGE.encode()

    return StreamingResponse(parts(), media_type="text/plain")


async def varies(_: Request) -> Response:
    return PlainTextResponse(LARGE, headers={"vary": "Cookie"})


@pytest.fixture
def client() -> TestClient:
    routes = [Route("/large", large), Route("/small", small), Route("/image", image), Route("/encoded", encoded),
              Route("/streamed", streamed), Route("/varies", varies)]  # fmt: skip
    app = Starlette(routes=routes)
    app.add_middleware(GzipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=GZIP_LEVEL)
    return TestClient(app)


def test_a_large_answer_is_compressed_for_who_accepts_gzip(client: TestClient) -> None:
    response = client.get("/large", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert int(response.headers["content-length"]) < len(LARGE.encode())
    assert response.text == LARGE


def test_a_large_answer_is_sent_plain_but_marked_as_varying_to_who_does_not(client: TestClient) -> None:
    response = client.get("/large", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["content-length"] == str(len(LARGE.encode()))


@pytest.mark.parametrize("path", ["/small", "/image"])
def test_small_answers_and_images_pass_as_they_are(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers
    assert "vary" not in response.headers


def test_an_answer_encoded_already_is_not_compressed_again(client: TestClient) -> None:
    response = client.get("/encoded", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == LARGE  # decoded once by the client: compressed once


def test_a_streamed_answer_is_compressed_part_by_part(client: TestClient) -> None:
    response = client.get("/streamed", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert "content-length" not in response.headers
    assert response.text == LARGE * 4


def test_an_answer_s_own_vary_is_kept(client: TestClient) -> None:
    response = client.get("/varies", headers={"Accept-Encoding": "gzip"})
    assert response.headers["vary"] == "Cookie, Accept-Encoding"
