"""CPU per request of the app's own layers, without sockets: the ASGI app called directly, in one process, with
answers from the answer cache (search, venue and bundle requests of benchmarks/load_api.py's mix, every one kept
before timing starts; the cache's clock is held still so none expires) or with the whole mix.

Usage:
    .venv/bin/python benchmarks/asgi_hits.py [--db-url sqlite:///var/bench.db] [--requests 20000] [--mix] [--profile]

Without ``--db-url`` the demo data is loaded into a temporary SQLite database first (about a minute). The access
log goes to /dev/null (its formatting and masking are measured, not the terminal). ``--profile`` prints
cProfile's cumulative listing (which inflates small calls; use it for where, not how much). Results go in
docs/benchmarks.md, "Per-request layers".
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging.config
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cityservices.app import create_app
from cityservices.platform.observability import uvicorn_log_config
from load_api import _paths

HEADERS = [(b"host", b"127.0.0.1:8000"), (b"accept-encoding", b"gzip, deflate"), (b"user-agent", b"wrk")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-url", default=None)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--mix", action="store_true", help="the whole mix (nearest and guides mostly computed)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.db_url:
        run(args, args.db_url)
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        cli = str(Path(sys.executable).with_name("cityservices"))
        env = {**os.environ, "CITYSERVICES_DATABASE_URL": url}
        subprocess.run([cli, "load-demo"], env=env, check=True, capture_output=True)
        run(args, url)


def run(args: argparse.Namespace, url: str) -> None:
    os.environ["CITYSERVICES_DATABASE_URL"] = url
    os.environ["CITYSERVICES_RATE_LIMIT_API_PER_MINUTE"] = "0"
    config = uvicorn_log_config()
    config["handlers"]["cityservices_access"] = {
        "class": "logging.FileHandler", "filename": os.devnull, "formatter": "cityservices_access",
    }  # fmt: skip
    logging.config.dictConfig(config)
    paths = _paths(url, count=20_000, seed=7)
    if not args.mix:
        paths = [p for p in paths if p.startswith(("/api/v1/search", "/api/v1/venues/", "/api/v1/bundles/"))][:400]
    app = create_app()
    still = time.time()
    app.state.answer_cache.clock = lambda: still

    async def one(path: str) -> int:
        route, _, query = path.partition("?")
        scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
            "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000), "scheme": "http", "root_path": "",
            "method": "GET", "path": route, "raw_path": route.encode(), "query_string": query.encode(),
            "headers": list(HEADERS), "state": {},
        }  # fmt: skip
        status: list[int] = []

        async def receive() -> dict[str, object]:
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, object]) -> None:
            if message["type"] == "http.response.start":
                status.append(int(str(message["status"])))

        await app(scope, receive, send)
        return status[0]

    async def drive() -> None:
        async with app.router.lifespan_context(app):
            for path in paths[:2000] if args.mix else paths * 2:  # warm: indexes, read models, the kept answers
                await one(path)
            timed = [paths[i % len(paths)] for i in range(args.requests)]
            profile = cProfile.Profile() if args.profile else None
            started = time.process_time()
            if profile is not None:
                profile.enable()
            failed = sum([await one(path) != 200 for path in timed])
            if profile is not None:
                profile.disable()
            cpu = time.process_time() - started
            kind = "whole mix" if args.mix else "answer-cache hits"
            print(f"{kind}: {args.requests} requests, {cpu * 1e6 / args.requests:.1f} µs CPU per request, "
                  f"{failed} not 200")  # fmt: skip
            if profile is not None:
                pstats.Stats(profile).sort_stats("cumulative").print_stats(40)

    asyncio.run(drive())


if __name__ == "__main__":
    main()
