"""Serve benchmarks/ceiling_app.py exactly as ``cityservices serve`` serves the app: uvicorn's multi-process
supervisor, the same worker count, HTTP protocol and connection limits. Usage: serve_ceiling.py PORT WORKERS"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from cityservices.config import get_settings
from cityservices.platform.serving import connection_limits


def main() -> None:
    port, workers = int(sys.argv[1]), int(sys.argv[2])
    options = {"factory": True, "host": "127.0.0.1", "port": port, "workers": workers, "log_level": "warning",
               "access_log": False, "app_dir": str(Path(__file__).parent)}  # fmt: skip
    options |= connection_limits(get_settings())
    uvicorn.run("ceiling_app:create_app", **options)


if __name__ == "__main__":
    main()
