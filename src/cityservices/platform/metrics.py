"""Prometheus metrics, exposed at ``GET /metrics`` (text exposition format; not under /api, not in OpenAPI).

With several worker processes ``cityservices serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh directory
before the workers start; each worker then writes its values to files there and a scrape, answered by any
worker, reports the sum over all of them (prometheus_client's multiprocess mode). A worker that died is
"marked dead" (its in-flight gauge dropped) at the next scrape and when a worker starts.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from cityservices.kit import events
from cityservices.platform.collector import settle_after_build

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BUILD_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

REQUESTS = Counter(
    "cityservices_http_requests", "HTTP requests answered", ["method", "route", "status"]
)  # exported as cityservices_http_requests_total
LATENCY = Histogram(
    "cityservices_http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
IN_FLIGHT = Gauge("cityservices_http_requests_in_flight", "Requests being answered", multiprocess_mode="livesum")
INDEX_BUILDS = Histogram(
    "cityservices_index_build_seconds", "In-memory index (re)builds and their duration", ["index"],
    buckets=BUILD_BUCKETS,
)  # fmt: skip
DATA_GENERATION = Gauge(
    "cityservices_data_generation",
    "Change events delivered in the process, every topic (highest over live workers)",
    multiprocess_mode="livemax",
)
_PID_FILE = re.compile(r"^gauge_live\w+?_(\d+)\.db$")

router = APIRouter(include_in_schema=False)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """Every worker's metrics in Prometheus' text format, for a scraper on this machine (a loopback address, not
    forwarded by a proxy), one with the ``metrics_token`` as a bearer token, or anyone if ``metrics_public``."""
    if not may_scrape(request):
        return JSONResponse({"error": "forbidden", "detail": "指标只对本机或持有令牌的采集端开放"}, status_code=403,
                            headers={"Cache-Control": "no-store"})  # fmt: skip
    return Response(render_metrics(), media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def may_scrape(request: Request) -> bool:
    settings = request.app.state.runtime.settings
    if settings.metrics_public:
        return True
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    offered = request.headers.get("authorization", "")
    if token and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        return True
    forwarded = "x-forwarded-for" in request.headers or "forwarded" in request.headers
    return not forwarded and _is_loopback(request.client.host if request.client else "")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def render_metrics() -> bytes:
    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        return generate_latest(REGISTRY)
    mark_dead_workers(Path(directory))
    registry = CollectorRegistry()  # a fresh registry per scrape, as the multiprocess docs ask
    multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def observe_index_build(index: str, seconds: float) -> None:
    """Record one build of an in-memory index (``search``, ``venues``), then settle the garbage collector over the
    new long-lived objects (``platform.collector``)."""
    INDEX_BUILDS.labels(index=index).observe(seconds)
    settle_after_build()


def mark_dead_workers(directory: Path) -> None:
    """Drop the live gauges of workers that are gone (uvicorn restarts dead workers but has no exit hook)."""
    for path in directory.glob("gauge_live*_*.db"):
        match = _PID_FILE.match(path.name)
        if match and not _alive(int(match.group(1))):
            multiprocess.mark_process_dead(int(match.group(1)), str(directory))  # type: ignore[no-untyped-call]


def mark_dead_workers_if_multiprocess() -> None:
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        mark_dead_workers(Path(directory))


def mark_this_process_dead() -> None:
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        multiprocess.mark_process_dead(os.getpid(), directory)  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def multiprocess_directory(workers: int) -> Iterator[None]:
    """For ``serve`` with several workers: a fresh ``PROMETHEUS_MULTIPROC_DIR`` for the workers it starts.

    An operator's own directory is emptied of old value files first (the docs require a clean directory per
    run); a directory made here is removed afterwards. One worker needs none: it keeps its metrics in memory."""
    if workers <= 1:
        yield
        return
    given = os.environ.get(MULTIPROC_ENV)
    directory = Path(given) if given else Path(tempfile.mkdtemp(prefix="cityservices-metrics-"))
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.db"):
        old.unlink()
    os.environ[MULTIPROC_ENV] = str(directory)
    try:
        yield
    finally:
        if not given:
            shutil.rmtree(directory, ignore_errors=True)
            os.environ.pop(MULTIPROC_ENV, None)


_counted_topics: set[str] = set()


def count_changes(topics: Iterable[str]) -> None:
    """Count the events of ``topics`` in ``cityservices_data_generation`` (each topic once, however often asked)."""
    for topic in topics:
        if topic not in _counted_topics:
            _counted_topics.add(topic)
            events.subscribe(topic, _count_change)


def _count_change(_topic: str, _payload: dict[str, Any]) -> None:
    DATA_GENERATION.inc()  # mirrors events.data_generation(): one step per delivered change
