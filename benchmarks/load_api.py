"""Load test of the served read API: `cityservices serve` (one worker per core) driven by wrk from a second
process over loopback, with a mixed read load (search, nearest, venue, guide, bundle).

Usage:
    .venv/bin/python benchmarks/load_api.py --db sqlite [--duration 600] [--connections 4,8,16,32,64]
    .venv/bin/python benchmarks/load_api.py --db postgresql [--pg-url postgresql+psycopg://postgres@127.0.0.1/postgres]

It loads the demo data into a fresh database, starts the server, sweeps the number of open connections for
``--sweep`` seconds each, takes the highest throughput whose p99 stays under 100 ms, and runs that for
``--duration`` seconds. Needs wrk (Debian package ``wrk``). Prints a table and a JSON line; results go in
docs/benchmarks.md. The public API's rate limit is turned off for the run (every request comes from one address)
unless ``--rate-limit N`` sets it (per minute, high enough never to refuse: it measures the limiter's cost).

The ceiling: right after the final run, ``benchmarks/ceiling_app.py`` (a trivial FastAPI endpoint returning a
10-item JSON list) is served the same way (``serve_ceiling.py``: the same uvicorn options, protocol and worker
count) and driven at the same number of connections for the same time; the ratio of the two throughputs is
printed. The servers' CPU time (user + system of every worker, from /proc) is reported per request, because the
machine may be shared. ``--profile S`` samples the workers with py-spy for S seconds under the same load and
prints the share of CPU per layer (``benchmarks/profile_layers.py``).
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

sys.path.insert(0, str(Path(__file__).parent))

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
    if args.ceiling_only:  # the trivial endpoint alone (e.g. to compare --http h11 and httptools)
        only = _ceiling(args, connections=args.connections[0], seconds=args.duration)
        _show(f"ceiling only, {args.http} parser", [only])
        print("SUMMARY " + json.dumps({"http": args.http, "ceiling": only, "load_average": os.getloadavg()}))
        return
    with _database(args) as url:
        paths = _paths(url, count=args.paths, seed=args.seed)
        paths_file = Path(tempfile.mkstemp(suffix=".paths")[1])
        paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
        with _server(url, args) as (base, pid):
            _warm_up(base, paths)
            sweep = [_wrk(base, paths_file, connections=c, seconds=args.sweep, pid=pid) for c in args.connections]
            _show("sweep", sweep)
            ok = [r for r in sweep if r["p99_us"] < P99_LIMIT_US and r["errors"] == 0]
            best = max(ok, key=lambda r: r["rps"]) if ok else min(sweep, key=lambda r: r["p99_us"])
            final = _wrk(base, paths_file, connections=int(best["connections"]), seconds=args.duration, pid=pid)
            _show(f"{args.duration} s at the best setting", [final])
            layers = _profile(base, paths_file, int(best["connections"]), args, pid) if args.profile else None
    ceiling = _ceiling(args, connections=int(final["connections"]), seconds=args.duration) if args.ceiling else None
    if ceiling is not None:
        _show("ceiling: trivial FastAPI endpoint, same serving", [ceiling])
        ratio, cpu = final["rps"] / ceiling["rps"], (final["cpu_ms_per_request"], ceiling["cpu_ms_per_request"])
        console.print(f"mixed read load / ceiling: {ratio:.1%}; server CPU per request {cpu[0]:.2f} vs {cpu[1]:.2f} ms")
    summary = {"db": args.db, "workers": args.workers, "cache_entries": args.cache_entries, "machine": _machine()}
    summary |= {"http": args.http, "rate_limit": args.rate_limit, "load_average": os.getloadavg()}
    summary |= {"mix": MIX, "sweep": sweep, "final": final, "ceiling": ceiling, "profile": layers}
    if ceiling is not None:
        summary["ratio_to_ceiling"] = final["rps"] / ceiling["rps"]
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
    parser.add_argument("--rate-limit", type=int, default=0, help="the public API's limit per minute (0: off)")
    parser.add_argument("--http", choices=["default", "h11", "httptools"], default="default",
                        help="CITYSERVICES_HTTP_PARSER for the server (default: the setting's default)")  # fmt: skip
    parser.add_argument("--no-ceiling", dest="ceiling", action="store_false", help="skip the ceiling run")
    parser.add_argument("--ceiling-only", action="store_true", help="run only the ceiling (no database, no mix)")
    parser.add_argument("--profile", type=int, default=0, help="seconds of py-spy sampling under load (0: none)")
    parser.add_argument("--py-spy", default=shutil.which("py-spy") or "py-spy", help="the py-spy executable")
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


def _server_env(args: argparse.Namespace) -> dict[str, str]:
    env = {**os.environ, "CITYSERVICES_RATE_LIMIT_API_PER_MINUTE": str(args.rate_limit)}
    if args.http != "default":
        env["CITYSERVICES_HTTP_PARSER"] = args.http
    return env


@contextmanager
def _server(url: str, args: argparse.Namespace) -> Iterator[tuple[str, int]]:
    port = _free_port()
    env = {**_server_env(args), "CITYSERVICES_DATABASE_URL": url}
    if args.cache_entries is not None:
        env["CITYSERVICES_API_CACHE_ENTRIES"] = str(args.cache_entries)
    command = [_cli(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)]
    with _started(command, env, port, ready="/api/v1/ready") as served:
        yield served


@contextmanager
def _started(command: list[str], env: dict[str, str], port: int, *, ready: str) -> Iterator[tuple[str, int]]:
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_ready(base + ready, process)
            yield base, process.pid
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


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300  # a loaded machine starts slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("the server stopped while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("the server did not become ready in 300 s")


def _warm_up(base: str, paths: list[str]) -> None:
    """One request of each kind per worker, so the sweep does not measure first-use work."""
    for path in paths[:50]:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            response.read()


def _wrk(base: str, paths_file: Path, *, connections: int, seconds: int, pid: int) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA), base, "--"]
    cpu_before = _tree_cpu_seconds(pid)
    out = subprocess.run([*command, str(paths_file)], capture_output=True, text=True, check=True).stdout
    cpu = _tree_cpu_seconds(pid) - cpu_before
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    raw = json.loads(line.removeprefix("RESULT "))
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "connections": connections,
        "seconds": raw["duration_us"] / 1e6,
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "errors": errors,
        "server_cpu_s": round(cpu, 2),
        "cpu_ms_per_request": cpu * 1000 / max(1, raw["requests"]),
        **{k: raw[k] for k in ("p50_us", "p90_us", "p99_us", "p999_us", "max_us")},
    }


def _tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of ``root`` and every live process below it (the uvicorn workers), from /proc."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
    tree, total = {root}, 0.0
    for _ in range(4):  # supervisor → workers (→ their children)
        tree |= {pid for pid, (parent, _) in stats.items() if parent in tree}
    for pid in tree:
        total += stats.get(pid, (0, 0.0))[1]
    return total


def _ceiling(args: argparse.Namespace, *, connections: int, seconds: int) -> dict[str, float]:
    """The trivial endpoint, served the same way, at the same connections and for the same time."""
    port = _free_port()
    command = [sys.executable, str(Path(__file__).with_name("serve_ceiling.py")), str(port), str(args.workers)]
    one_path = Path(tempfile.mkstemp(suffix=".paths")[1])
    one_path.write_text("/ceiling\n", encoding="utf-8")
    with _started(command, _server_env(args), port, ready="/ceiling") as (base, pid):
        for _ in range(20):
            urllib.request.urlopen(base + "/ceiling", timeout=10).read()
        return _wrk(base, one_path, connections=connections, seconds=seconds, pid=pid)


def _profile(
    base: str, paths_file: Path, connections: int, args: argparse.Namespace, pid: int
) -> dict[str, float] | None:
    """py-spy samples the workers for ``args.profile`` seconds while wrk drives the same load."""
    from profile_layers import layer_shares, show_layers

    out = Path(tempfile.mkstemp(suffix=".collapsed")[1])
    spy = subprocess.Popen(
        [args.py_spy, "record", "--pid", str(pid), "--subprocesses", "--format", "raw", "--rate", "200", "--gil",
         "--duration", str(args.profile), "--output", str(out), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _wrk(base, paths_file, connections=connections, seconds=args.profile + 2, pid=pid)
    if spy.wait(timeout=120) != 0 or not out.stat().st_size:
        console.print("[red]py-spy failed (installed? allowed to ptrace?)[/red]")
        return None
    shares = layer_shares(out.read_text(encoding="utf-8", errors="replace").splitlines())
    show_layers(console, shares)
    return shares


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
