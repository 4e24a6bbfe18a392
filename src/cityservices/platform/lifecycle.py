"""A worker's life: the app's lifespan (event relay, index warm-up) and readiness (``GET /api/v1/ready``).

At startup each worker process starts its event relay (``runtime.make_event_relay``) and begins building its
in-memory indexes (search, nearest venues, HSDS ids) on a background thread, so that the worker answers its
supervisor's health ping and ``/api/v1/health`` at once, however long the build takes on a busy machine; until
the indexes are built, readiness answers 503 (a load balancer sends it no traffic) and a request that needs an
index waits for it. If the build fails (the database is down, the schema is old) the worker keeps running:
liveness holds, readiness answers 503, and each readiness check starts the warm-up again in the background (at
most every ``RETRY_S``).

Readiness (200 only when all hold): the database answers, its schema is at the newest migration, and this
worker has built its indexes. After a change the indexes are rebuilt on next use; the worker stays ready.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from cityservices.db import open_pool
from cityservices.errors import error_responses
from cityservices.kit import events
from cityservices.platform import metrics
from cityservices.platform.domains import IndexSpec
from cityservices.platform.migrate import alembic_config
from cityservices.platform.runtime import Runtime, make_event_relay

log = logging.getLogger(__name__)
RETRY_S = 5.0  # a failed warm-up is retried by the next readiness check at least this much later
SHUTDOWN_WAIT_S = 30.0  # at shutdown, how long to let a warm-up under way finish


@dataclass
class Readiness:
    """What this worker has built; ``warm_up`` builds it, ``check_readiness`` reports it with the database."""

    indexes: tuple[IndexSpec, ...] = ()  # every installed domain's (platform.domains)
    built: dict[str, bool] = field(default_factory=dict)
    last_error: str | None = None
    last_attempt: float | None = None  # None: the lifespan has not run (the app is not started)
    retry_s: float = RETRY_S
    lock: threading.Lock = field(default_factory=threading.Lock)  # held while a warm-up is under way
    thread: threading.Thread | None = None  # the latest background warm-up

    def __post_init__(self) -> None:
        self.built = {index.name: False for index in self.indexes}

    @property
    def warm(self) -> bool:
        return all(self.built.values())

    @property
    def warming(self) -> bool:
        return self.lock.locked()

    def warm_up(self, app: FastAPI) -> bool:
        """Build the indexes now, on this thread; False (and the reason kept) if that failed."""
        with self.lock:
            return self._build(app)

    def start_warm_up(self, app: FastAPI) -> bool:
        """Build the indexes on a background thread; False if a warm-up is already under way.

        An app whose sessions all share one connection (a test's transaction) is warmed here instead, since a
        connection cannot be used by two threads at once."""
        if shares_one_connection(app):
            self.warm_up(app)
            return True
        if not self.lock.acquire(blocking=False):
            return False
        self.last_attempt = time.monotonic()
        self.thread = threading.Thread(target=self._build_then_release, args=(app,), name="warm-indexes", daemon=True)
        self.thread.start()
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the background warm-up under way (at most ``timeout`` seconds); whether the indexes are built."""
        thread = self.thread
        if thread is not None:
            thread.join(timeout)
        return self.warm

    def retry(self, app: FastAPI) -> bool:
        """Start the warm-up again if the last attempt failed more than ``retry_s`` ago and none is under way;
        whether the indexes are built now (never waits for a build)."""
        if self.warm:
            return True
        if self.last_attempt is None or time.monotonic() - self.last_attempt < self.retry_s:
            return False
        self.start_warm_up(app)
        return self.warm

    def _build_then_release(self, app: FastAPI) -> None:
        began = time.perf_counter()
        try:
            if self._build(app):
                log.info("worker %s ready: indexes built in %.2f s", os.getpid(), time.perf_counter() - began)
        finally:
            self.lock.release()

    def _build(self, app: FastAPI) -> bool:
        runtime: Runtime = app.state.runtime
        self.last_attempt = time.monotonic()
        try:
            if runtime.settings.database_pool_prefill:
                open_pool(runtime.engine, runtime.settings.database_pool_size)
            for index in self.indexes:
                if not self.built[index.name]:
                    index.warm(app)
                    self.built[index.name] = True
        except Exception as exc:
            self.last_error = type(exc).__name__  # the full message goes to the log, not to the public
            log.warning("index warm-up failed, the worker is not ready: %s", exc)
            return False
        self.last_error = None
        return True


def register_topics(topics: Iterable[str]) -> None:
    """The installed domains' event topics: known to ``kit.events`` (a relay's resync marks each one changed)
    and counted in the metrics (``cityservices_data_generation``)."""
    topics = tuple(topics)
    events.register_topics(*topics)
    metrics.count_changes(topics)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the event relay, warm the indexes; at shutdown stop both and drop this worker's live metrics."""
    runtime: Runtime = app.state.runtime
    readiness: Readiness = app.state.readiness
    relay = make_event_relay(runtime.settings)
    started = relay is not None and events.start_relay(relay)
    if started and relay is not None:
        log.info("change notifications relayed through %s", relay.name)
    metrics.mark_dead_workers_if_multiprocess()
    made_at_start = set(vars(app.state)["_state"])
    readiness.start_warm_up(app)
    stoppers = [stop for domain in app.state.domains if domain.on_start and (stop := domain.on_start(app))]
    try:
        yield
    finally:
        for stop in stoppers:  # background work of the domains (resumed jobs …) ends first
            stop()
        readiness.wait(SHUTDOWN_WAIT_S)  # a warm-up under way ends before the process's resources go
        if started and relay is not None:
            events.stop_relay(relay)
        metrics.mark_this_process_dead()
        release_indexes(app, made_at_start)


def release_indexes(app: FastAPI, keep: set[str]) -> None:
    """Drop the indexes and caches this app made while it ran (each is made again on first use), and what each
    index keeps outside the app: the framework's routers, shared between apps in one process, keep a reference
    to every app they were included in, so an app that has shut down must not hold index memory."""
    for index in app.state.readiness.indexes:
        if index.release is not None:
            index.release(app)
    state: dict[str, object] = vars(app.state)["_state"]
    for name in [name for name in state if name not in keep]:
        del state[name]
    app.openapi_schema = None  # made again on first use


class ReadyRead(BaseModel):
    status: str = Field(description="Always ``ready``")
    checks: dict[str, str] = Field(description="Each check and its state")
    pid: int = Field(description="The worker process that answered")
    data_generation: int = Field(description="Changes this worker has heard of (kit.events.data_generation)")


router = APIRouter(prefix="/api/v1", tags=["ops"])


@router.get("/ready", response_model=ReadyRead, responses=error_responses(503))
def ready(request: Request) -> Any:
    """Readiness for a load balancer: 200 when the database answers, its schema is at the newest migration
    and this worker's indexes are built; otherwise 503 ``not_ready`` saying what is missing."""
    request.app.state.readiness.retry(request.app)
    checks, problems = check_readiness(request.app)
    headers = {"Cache-Control": "no-store"}
    if problems:
        body = {"error": "not_ready", "detail": "; ".join(problems), "checks": checks}
        return JSONResponse(body, status_code=503, headers=headers)
    answer = ReadyRead(status="ready", checks=checks, pid=os.getpid(), data_generation=events.data_generation())
    return JSONResponse(answer.model_dump(), headers=headers)


def check_readiness(app: FastAPI) -> tuple[dict[str, str], list[str]]:
    """Each check's state, and the problems (empty when ready)."""
    runtime: Runtime = app.state.runtime
    readiness: Readiness = app.state.readiness
    checks: dict[str, str] = {}
    problems: list[str] = []
    try:
        with runtime.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = "unreachable"
        problems.append(f"数据库无法连接 ({type(exc).__name__})")
        current = None
    if current is not None:
        at_head = current == migration_heads()
        checks["schema"] = "ok" if at_head else "outdated"
        if not at_head:
            problems.append("数据库结构不是最新版本 (请运行 cityservices init-db)")
    for name, built in readiness.built.items():
        checks[name] = "ok" if built else "building" if readiness.warming else "not_built"
    if not readiness.warm and readiness.warming:
        problems.append("内存索引正在建立")
    elif not readiness.warm:
        reason = f": {readiness.last_error}" if readiness.last_error else ""
        problems.append(f"内存索引尚未建立{reason}")
    relay = events.current_relay()
    checks["event_relay"] = relay.name if relay is not None else "none"
    return checks, problems


def shares_one_connection(app: FastAPI) -> bool:
    """Whether the app's sessions are all bound to one connection rather than to the engine's pool."""
    runtime: Runtime = app.state.runtime
    return isinstance(runtime.sessions.kw.get("bind"), Connection)


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())
