"""``cityservices serve``: uvicorn with one worker process per CPU core by default (docs/operations.md, "Serving").

uvicorn's own supervisor starts the workers on one shared socket, restarts a worker that dies or stops
answering its health pings, and handles ``SIGHUP`` (rolling restart), ``SIGTTIN`` / ``SIGTTOU`` (one worker
more / fewer). Before the workers start, the parent process upgrades the schema, makes the secret key file
(so that every worker signs CSRF tokens with the same key), prepares the metrics directory and tells the
workers to open their database pools before they take requests (``database_pool_prefill``).
"""

from __future__ import annotations

import os
from typing import Any

from cityservices.config import Settings
from cityservices.platform.http_server import PROTOCOL
from cityservices.platform.metrics import multiprocess_directory
from cityservices.platform.migrate import upgrade_to_head
from cityservices.platform.observability import uvicorn_log_config
from cityservices.platform.runtime import make_runtime
from cityservices.platform.security import load_secret


def worker_count(requested: int) -> int:
    """``0`` means one per CPU core."""
    return requested if requested > 0 else (os.cpu_count() or 1)


def run_server(settings: Settings, *, host: str | None, port: int | None, workers: int | None) -> None:
    import uvicorn

    count = worker_count(settings.workers if workers is None else workers)
    runtime = make_runtime(settings)
    upgrade_to_head(runtime.engine)
    runtime.engine.dispose()  # the workers open their own connections
    load_secret(settings)
    os.environ["CITYSERVICES_DATABASE_POOL_PREFILL"] = "true"  # each worker opens its pool before serving
    with multiprocess_directory(count):
        uvicorn.run(
            "cityservices.app:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=count,
            log_level="info",
            access_log=False,  # replaced by the JSON access log (cityservices.platform.observability)
            log_config=uvicorn_log_config(),
            **connection_limits(settings),
        )


def connection_limits(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for slow and oversized clients (docs/operations.md, "Security"): the h11 protocol with a
    header deadline (``platform.http_server``), the largest request head and the keep-alive idle time."""
    return {
        "http": PROTOCOL,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        "timeout_keep_alive": settings.keep_alive_seconds,
    }
