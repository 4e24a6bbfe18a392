"""Command-line start-up time: ``cityservices --help`` (and optionally other quick commands) run N times as fresh
processes, as a user or a spawned worker would.

Usage: .venv/bin/python benchmarks/startup.py [--runs N] [--command "cityservices --help"] [--importtime] [--src DIR]
Prints p50 / p95 / min wall time and p50 CPU time (user + system) per run in seconds and, with
``--importtime``, the ten slowest imports of one
``python -X importtime -c "import cityservices.cli"``. Results go in docs/benchmarks.md ("Start-up").
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _argv(command: str) -> list[str]:
    """``cityservices …`` runs the command line of this checkout with this interpreter (``python -m``)."""
    words = shlex.split(command)
    if words and words[0] == "cityservices":
        return [sys.executable, "-m", "cityservices", *words[1:]]
    return words


SRC = ROOT / "src"


def _env(src: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def time_runs(command: str, runs: int, src: Path = SRC) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of each run; CPU time hardly depends on what else the machine does."""
    argv, env = _argv(command), _env(src)
    subprocess.run(argv, env=env, check=True, capture_output=True)  # warm the OS file cache and .pyc files
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, env=env, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def slowest_imports(module: str, top: int, src: Path = SRC) -> list[tuple[int, str]]:
    """The ``top`` slowest imports (cumulative microseconds, module) of importing ``module`` in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        env=_env(src),
        check=True,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in result.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--command", action="append", help='default: "cityservices --help"')
    parser.add_argument("--importtime", action="store_true", help="also list the slowest imports of the CLI")
    parser.add_argument("--src", type=Path, default=SRC, help="the source tree to run (to compare two versions)")
    args = parser.parse_args()
    src = args.src.resolve()
    print(f"# {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    for command in args.command or ["cityservices --help"]:
        walls, cpus = (sorted(values) for values in time_runs(command, args.runs, src))
        p95 = walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))]
        print(f"{command!r}: runs {len(walls)}  wall p50 {statistics.median(walls):.3f} s  p95 {p95:.3f} s  "
              f"min {walls[0]:.3f} s  |  CPU p50 {statistics.median(cpus):.3f} s")  # fmt: skip
    if args.importtime:
        for micros, module in slowest_imports("cityservices.cli", 10, src):
            print(f"  {micros / 1e6:7.3f} s  {module}")


if __name__ == "__main__":
    main()
