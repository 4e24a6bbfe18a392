"""Load test of the served read API: `cityservices serve` (one worker per core) driven by wrk from a second
process over loopback, with a mixed read load (search, nearest, venue, guide, bundle).

Usage:
    .venv/bin/python benchmarks/load_api.py --db sqlite [--duration 600] [--connections 4,8,16,32,64]
    .venv/bin/python benchmarks/load_api.py --db postgresql [--pg-url postgresql+psycopg://postgres@127.0.0.1/postgres]

It loads the demo data into a fresh database, starts the server, sweeps the number of open connections for
``--sweep`` seconds each, takes the highest throughput whose p99 stays under 100 ms, and runs that for
``--duration`` seconds. Needs wrk (Debian package ``wrk``). Prints a table and a JSON line; results go in
docs/benchmarks.md. The public API's rate limit is turned off for the run (every request comes from one address).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from cityservices.db import make_engine
from cityservices.service_map.catalogue.models import Bundle, Item, Venue

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("load_api.lua")
QUERY_FILES = sorted((ROOT / "tests" / "service_map" / "search" / "data").glob("*.jsonl"))
# The mix: share of requests per kind.
MIX = {"search": 0.35, "nearest": 0.25, "venue": 0.15, "guide": 0.15, "bundle": 0.10}
QINGDAO_URBAN = ((36.05, 36.30), (120.30, 120.50))  # where most people ask from (Shinan, Shibei, Licang, Laoshan)
P99_LIMIT_US = 100_000
console = Console()


def main() -> None:
    args = _arguments()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    with _database(args) as url:
        paths = _paths(url, count=args.paths, seed=args.seed)
        paths_file = Path(tempfile.mkstemp(suffix=".paths")[1])
        paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
        with _server(url, workers=args.workers, cache_entries=args.cache_entries) as base:
            _warm_up(base, paths)
            sweep = [_wrk(base, paths_file, connections=c, seconds=args.sweep) for c in args.connections]
            _show("sweep", sweep)
            ok = [r for r in sweep if r["p99_us"] < P99_LIMIT_US and r["errors"] == 0]
            best = max(ok, key=lambda r: r["rps"]) if ok else min(sweep, key=lambda r: r["p99_us"])
            final = _wrk(base, paths_file, connections=int(best["connections"]), seconds=args.duration)
            _show(f"{args.duration} s at the best setting", [final])
    summary = {"db": args.db, "workers": args.workers, "cache_entries": args.cache_entries, "machine": _machine()}
    summary |= {"mix": MIX, "sweep": sweep, "final": final}
    print("SUMMARY " + json.dumps(summary, ensure_ascii=False))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("CITYSERVICES_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--duration", type=int, default=600, help="seconds of the final run")
    parser.add_argument("--sweep", type=int, default=20, help="seconds per connection count of the sweep")
    parser.add_argument("--connections", type=lambda s: [int(x) for x in s.split(",")], default=[2, 4, 8, 16, 32])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--paths", type=int, default=50_000, help="distinct request lines in the shuffled mix")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--cache-entries", type=int, default=None, help="the servers' api_cache_entries (0: no answer cache)"
    )
    return parser.parse_args()


@contextmanager
def _database(args: argparse.Namespace) -> Iterator[str]:
    """A fresh database holding the demo data (dropped afterwards)."""
    if args.db == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            _load_demo(url)
            yield url
        return
    name = f"cityservices_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(args.pg_url).set(database=name).render_as_string(hide_password=False)
        _load_demo(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _load_demo(url: str) -> None:
    env = {**os.environ, "CITYSERVICES_DATABASE_URL": url}
    subprocess.run([_cli(), "load-demo"], env=env, check=True, capture_output=True)


def _cli() -> str:
    return str(Path(sys.executable).with_name("cityservices"))


def _paths(url: str, *, count: int, seed: int) -> list[str]:
    """``count`` request lines in the proportions of MIX, shuffled."""
    engine = make_engine(url)
    with engine.connect() as conn:
        venues = list(conn.scalars(select(Venue.id)))
        items = list(conn.scalars(select(Item.code)))
        core = list(conn.scalars(select(Item.code).where(Item.is_core.is_(True))))
        bundles = list(conn.scalars(select(Bundle.code)))
    engine.dispose()
    queries = [json.loads(line)["query"] for f in QUERY_FILES for line in f.read_text("utf-8").splitlines() if line]
    rng = random.Random(seed)
    make = {
        "search": lambda: f"/api/v1/search?q={quote(rng.choice(queries))}&limit=10",
        "nearest": lambda: (
            f"/api/v1/nearest?item={quote(rng.choice(core))}&lat={rng.uniform(*QINGDAO_URBAN[0]):.5f}"
            f"&lng={rng.uniform(*QINGDAO_URBAN[1]):.5f}&limit=3"
        ),
        "venue": lambda: f"/api/v1/venues/{quote(rng.choice(venues))}",
        "guide": lambda: f"/api/v1/items/{quote(rng.choice(items))}/guide",
        "bundle": lambda: f"/api/v1/bundles/{quote(rng.choice(bundles))}",
    }
    lines = [make[kind]() for kind, share in MIX.items() for _ in range(round(count * share))]
    rng.shuffle(lines)
    return lines


@contextmanager
def _server(url: str, *, workers: int, cache_entries: int | None) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "CITYSERVICES_DATABASE_URL": url, "CITYSERVICES_RATE_LIMIT_API_PER_MINUTE": "0"}
    if cache_entries is not None:
        env["CITYSERVICES_API_CACHE_ENTRIES"] = str(cache_entries)
    command = [_cli(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_ready(base, process)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.seek(0)
            errors = [line for line in log.read().decode(errors="replace").splitlines() if "Traceback" in line]
            if errors:
                console.print(f"[red]the server logged {len(errors)} tracebacks[/red]")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("the server stopped while starting")
        try:
            with urllib.request.urlopen(base + "/api/v1/ready", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("the server did not become ready in 120 s")


def _warm_up(base: str, paths: list[str]) -> None:
    """One request of each kind per worker, so the sweep does not measure first-use work."""
    for path in paths[:50]:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            response.read()


def _wrk(base: str, paths_file: Path, *, connections: int, seconds: int) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA), base, "--"]
    out = subprocess.run([*command, str(paths_file)], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    raw = json.loads(line.removeprefix("RESULT "))
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "connections": connections,
        "seconds": raw["duration_us"] / 1e6,
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "errors": errors,
        **{k: raw[k] for k in ("p50_us", "p90_us", "p99_us", "p999_us", "max_us")},
    }


def _show(title: str, rows: list[dict[str, float]]) -> None:
    table = Table(title=title)
    for column in ("connections", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "errors"):
        table.add_column(column, justify="right")
    for r in rows:
        ms = [f"{r[k] / 1000:.1f}" for k in ("p50_us", "p90_us", "p99_us", "p999_us")]
        table.add_row(str(r["connections"]), str(r["requests"]), f"{r['rps']:.0f}", *ms, str(r["errors"]))
    console.print(table)


def _machine() -> str:
    return f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
