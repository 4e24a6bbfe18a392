"""Share of the served workers' CPU per layer, from py-spy's collapsed stacks (``py-spy record --format raw``).

A sample is charged to the first of the *overriding* layers that has a frame anywhere in its stack (the access
log's JSON encoding is the access log's cost, not "JSON encoding"); otherwise to the layer of its innermost
frame that belongs to a known layer. Used by benchmarks/load_api.py (``--profile``); also runs on a saved file:
    .venv/bin/python benchmarks/profile_layers.py STACKS.collapsed
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Checked anywhere in a stack, in this order.
OVERRIDING: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("access log (JSON line, masking, logging)", ("logging/__init__.py", "kit/masking.py", "_line (cityservices")),
    ("Prometheus metrics (multiprocess files)", ("prometheus_client/",)),
    ("gzip", (" (gzip.py:", "zlib", "apply_compression (")),
    ("ORM / SQL (object building, queries)", ("sqlalchemy/", "sqlite3", "psycopg")),
    (
        "pydantic validation (schemas, response_model)",
        ("pydantic/", "pydantic_core", "fastapi/_compat", "serialize_response", "_validate_response"),
    ),
    ("JSON encoding", ("json/encoder.py", "json/__init__.py", "jsonable_encoder", "render (starlette/responses.py")),
)
# Innermost frame decides, in this order of lookup.
INNERMOST: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("read models", ("read_model.py",)),
    ("search engine", ("service_map/search/",)),
    ("nearest engine / where", ("service_map/where/", "service_map/routing/")),
    ("catalogue and venue services", ("service_map/catalogue/", "service_map/venues/")),
    ("HTTP cache (ETag, answer cache)", ("platform/http_cache.py",)),
    ("other own middlewares (security, limits, request id)", ("platform/", "cityservices/deps.py")),
    ("FastAPI / Starlette (routing, dependencies, threadpool)", ("fastapi/", "starlette/", "anyio/")),
    ("uvicorn protocol (h11 / httptools parsing, socket writes)", ("h11/", "httptools", "uvicorn/")),
    ("asyncio event loop and sockets", ("asyncio/", "selectors.py", "uvloop")),
)
OTHER = "other"
# A sample whose innermost frame is one of these is a thread waiting (an idle thread-pool worker, the event loop
# in its poll): not CPU, left out.
IDLE = ("Condition.wait (threading.py", "Runner.run (asyncio/runners.py", "select (selectors.py",
        "_worker (concurrent/futures/thread.py")  # fmt: skip


def layer_of(frames: list[str]) -> str:
    for layer, marks in OVERRIDING:
        if any(mark in frame for frame in frames for mark in marks):
            return layer
    for frame in reversed(frames):
        for layer, marks in INNERMOST:
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

    show_layers(Console(), layer_shares(Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()))
