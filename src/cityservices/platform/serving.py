"""``cityservices serve``: uvicorn with one worker process per CPU core by default (docs/operations.md, "Serving").

uvicorn's own supervisor starts the workers on one shared socket, restarts a worker that dies or does not answer
its health ping within ``worker_healthcheck_timeout_s`` seconds, and handles ``SIGHUP`` (rolling restart),
``SIGTTIN`` / ``SIGTTOU`` (one worker more / fewer); ``WorkerDeaths`` watches it and says clearly in the log when
workers keep dying. Before the workers start, the parent process upgrades the schema, makes the secret key file
(so that every worker signs CSRF tokens with the same key), prepares the metrics directory and tells the
workers to open their database pools before they report ready (``database_pool_prefill``).

A worker is a fresh (spawned) process: it imports the command line (kept light: every command imports what it
needs when it runs) and the web app, then answers pings at once; its indexes are built in the background
(``platform.lifecycle``).
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from cityservices.config import Settings

if TYPE_CHECKING:
    import uvicorn

log = logging.getLogger("cityservices.serving")
DEATH_WINDOW_S = 300.0  # workers "keep dying" when DEATH_LIMIT of them died within this many seconds
DEATH_LIMIT = 3
WS_MAX_BYTES = 64 * 1024  # the largest WebSocket message uvicorn reads; routes set their own, smaller limits


def worker_count(requested: int) -> int:
    """``0`` means one per CPU core."""
    return requested if requested > 0 else (os.cpu_count() or 1)


class WorkerDeaths:
    """Counts the workers the supervisor had to replace and logs an error when that keeps happening."""

    def __init__(self, healthcheck_timeout_s: int, *, window_s: float = DEATH_WINDOW_S, limit: int = DEATH_LIMIT):
        self.healthcheck_timeout_s, self.window_s, self.limit = healthcheck_timeout_s, window_s, limit
        self.deaths: deque[float] = deque()
        self.warned_at: float | None = None

    def died(self, pid: int | None, exitcode: int | None, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self.deaths.append(now)
        while self.deaths and now - self.deaths[0] > self.window_s:
            self.deaths.popleft()
        log.warning("worker %s stopped (%s) and is replaced", pid, self.cause(exitcode))
        if len(self.deaths) >= self.limit and (self.warned_at is None or now - self.warned_at > self.window_s):
            self.warned_at = now
            log.error(
                "workers keep dying: %d replaced in the last %.0f s, the service may never become ready. Last: %s. "
                "A worker is killed when it does not answer the supervisor's health ping within %d s: on a busy "
                "or slow machine raise CITYSERVICES_WORKER_HEALTHCHECK_TIMEOUT_S or start fewer workers "
                "(--workers); otherwise check the workers' own log lines above for the error",
                len(self.deaths), self.window_s, self.cause(exitcode), self.healthcheck_timeout_s,
            )  # fmt: skip

    def cause(self, exitcode: int | None) -> str:
        if exitcode == -9:  # what the supervisor does to a worker that does not answer (or someone else did)
            timeout = self.healthcheck_timeout_s
            return f"killed by SIGKILL, as when it does not answer the health ping within {timeout} s"
        if exitcode is not None and exitcode < 0:
            return f"killed by signal {-exitcode}"
        return f"exit code {exitcode}"


def watched_supervisor(config: uvicorn.Config, deaths: WorkerDeaths) -> Any:
    """uvicorn's multi-process supervisor, reporting each worker it replaces to ``deaths``."""
    from uvicorn.supervisors.multiprocess import Multiprocess

    class Supervisor(Multiprocess):
        def keep_subprocess_alive(self) -> None:
            before = list(self.processes)
            super().keep_subprocess_alive()
            for process in before:
                if process not in self.processes:
                    deaths.died(process.pid, process.exitcode)

    return Supervisor(config, sockets=[config.bind_socket()])


def run_server(settings: Settings, *, host: str | None, port: int | None, workers: int | None) -> None:
    import uvicorn

    from cityservices.platform.metrics import multiprocess_directory
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.observability import uvicorn_log_config
    from cityservices.platform.runtime import make_runtime
    from cityservices.platform.security import load_secret

    count = worker_count(settings.workers if workers is None else workers)
    runtime = make_runtime(settings)
    upgrade_to_head(runtime.engine)
    runtime.engine.dispose()  # the workers open their own connections
    load_secret(settings)
    os.environ["CITYSERVICES_DATABASE_POOL_PREFILL"] = "true"  # each worker opens its pool before serving
    with multiprocess_directory(count):
        options: dict[str, Any] = {
            "factory": True,
            "host": host or settings.host,
            "port": port or settings.port,
            "workers": count,
            "log_level": "info",
            "access_log": False,  # replaced by the JSON access log (cityservices.platform.observability)
            "log_config": uvicorn_log_config(),
            "timeout_worker_healthcheck": settings.worker_healthcheck_timeout_s,
            **connection_limits(settings),
        }
        if count == 1:
            uvicorn.run("cityservices.app:create_app", **options)
            return
        config = uvicorn.Config("cityservices.app:create_app", **options)
        log.info(
            "starting %d workers; each must answer the health ping within %d s (worker_healthcheck_timeout_s)",
            count, settings.worker_healthcheck_timeout_s,
        )  # fmt: skip
        watched_supervisor(config, WorkerDeaths(settings.worker_healthcheck_timeout_s)).run()


def connection_limits(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for slow and oversized clients (docs/operations.md, "Security"): the chosen HTTP parser's
    protocol with a header deadline and head size bound (``platform.http_server``), the largest request head,
    the keep-alive idle time and the largest WebSocket message."""
    from cityservices.platform.http_server import PROTOCOLS

    return {
        "http": PROTOCOLS[settings.http_parser],
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        "timeout_keep_alive": settings.keep_alive_seconds,
        "ws_max_size": WS_MAX_BYTES,
    }
