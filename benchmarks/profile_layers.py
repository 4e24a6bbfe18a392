"""Share of the served workers' CPU per layer, from py-spy's collapsed stacks (``py-spy record --format raw``).

A sample is charged to the layer of its innermost frame that belongs to a named layer: a sample in
``transport.write`` under the access log's middleware is a socket write, one in ``json.dumps`` under the access
log is the access log, one in a route's pydantic model is pydantic. Idle threads are left out. Used by
benchmarks/load_api.py (``--profile``); also runs on a saved file:
    .venv/bin/python benchmarks/profile_layers.py STACKS.collapsed
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Checked for each frame from the innermost outwards, each frame against the layers in this order.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "socket writes (transport.write of the answer)",
        ("send (uvicorn/protocols/http/httptools_impl.py:5", "send (uvicorn/protocols/http/h11_impl.py"),
    ),
    (
        "access log (JSON line, masking, logging)",
        (
            "logging/__init__.py",
            "kit/masking.py",
            "_line (cityservices",
            "_logged_query (cityservices",
            "_log (cityservices",
        ),
    ),
    ("Prometheus metrics", ("prometheus_client/", "_series (cityservices")),
    ("ORM / SQL (object building, queries)", ("sqlalchemy/", "sqlite3", "psycopg")),
    (
        "endpoint work (engines, read models, services)",
        ("cityservices/service_map/", "cityservices/insurance/", "cityservices/party_day/", "read_models.py"),
    ),
    ("pydantic (validation, serialization)", ("pydantic/", "pydantic_core", "fastapi/_compat")),
    ("dependency resolution (parameters, Depends)", ("fastapi/dependencies/",)),
    (
        "routing (route matching)",
        (
            "matches (fastapi/routing",
            "_match (fastapi/routing",
            "matches (starlette/routing",
            "_match (cityservices",
            "_first_match (cityservices",
            "_route (cityservices",
        ),
    ),
    (
        "thread pool hand-off",
        ("anyio/", "starlette/concurrency.py", "fastapi/concurrency.py", "queue.py", "threading.py"),
    ),
    ("JSON encoding", ("json/encoder.py", "json/__init__.py", "jsonable_encoder", "render (starlette/responses.py")),
    (
        "endpoint call and response (FastAPI request handling)",
        (
            "fastapi/routing.py",
            "starlette/responses.py",
            "fastapi/responses.py",
            "asyncexitstack",
            "contextlib.py",
            "starlette/_exception_handler.py",
            "starlette/middleware/exceptions.py",
            "starlette/routing.py",
        ),
    ),
    ("fast path (dispatch, query parameters)", ("platform/fast_path.py",)),
    ("answer cache (ETag, 304, keeping)", ("platform/http_cache.py", "hashlib")),
    ("gzip", ("platform/compression.py", "starlette/middleware/gzip.py", "zlib", " (gzip.py:")),
    ("security headers, CSRF, rate limit", ("platform/security.py", "kit/ratelimit")),
    ("request limits, staff sessions", ("platform/limits.py", "cityservices/deps.py")),
    ("request id, timing (observability)", ("platform/observability.py",)),
    ("FastAPI / Starlette entry (app, error middleware, telemetry, headers)", ("starlette/", "fastapi/")),
    ("uvicorn protocol (parsing, request cycle)", ("uvicorn/", "httptools", "h11/", "http_server.py")),
    ("asyncio event loop", ("asyncio/", "uvloop", "selectors.py")),
)
OTHER = "other"
# A sample whose innermost frame is one of these is a thread waiting (an idle thread-pool worker, the event loop
# in its poll): not CPU, left out.
IDLE = ("Condition.wait (threading.py", "Runner.run (asyncio/runners.py", "select (selectors.py",
        "_worker (concurrent/futures/thread.py")  # fmt: skip


# Helpers that belong to whoever calls them (Starlette's header and URL classes, the standard library's small
# helpers): skipped, so that the caller's layer is charged.
TRANSPARENT = ("starlette/datastructures.py", "starlette/requests.py", "starlette/_utils.py", "urllib/parse.py",
               "<frozen _collections_abc>", "secrets.py", "base64.py", "random.py", "re/__init__.py", "enum.py",
               "typing.py", "<string>")  # fmt: skip


def layer_of(frames: list[str]) -> str:
    for frame in reversed(frames):
        if any(mark in frame for mark in TRANSPARENT):
            continue
        for layer, marks in LAYERS:
            if any(mark in frame for mark in marks):
                return layer
    return OTHER


def layer_shares(lines: Iterable[str]) -> dict[str, float]:
    """Layer → share of all samples (0..1), largest first."""
    counts: dict[str, int] = {}
    for line in lines:
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if frames[-1].startswith(IDLE):
            continue
        layer = layer_of(frames)
        counts[layer] = counts.get(layer, 0) + int(count)
    total = sum(counts.values()) or 1
    return {k: v / total for k, v in sorted(counts.items(), key=lambda kv: -kv[1])}


def show_layers(console: Any, shares: dict[str, float]) -> None:
    from rich.table import Table

    table = Table(title="CPU samples of the workers per layer")
    table.add_column("layer")
    table.add_column("share", justify="right")
    for layer, share in shares.items():
        table.add_row(layer, f"{share:.1%}")
    console.print(table)


if __name__ == "__main__":
    from rich.console import Console

    show_layers(Console(), layer_shares(Path(sys.argv[1]).read_text(encoding="utf-8", errors="replace").splitlines()))
