"""Catalogue search latency in-process: index build time and per-query p50/p95/p99 of the whole use case
(``search_catalogue``: understanding, retrieval, scoring and the answer models with the pre-self-pay ratio) and of
the engine alone, over the development and held-out query sets (171 queries), plus their accuracy.

Usage: .venv/bin/python benchmarks/catalogue_search.py [--rounds N]

The bundled catalogue is loaded into a temporary SQLite database first (as ``insurance catalogue load`` does).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from cityservices.config import PROJECT_ROOT
from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.insurance.catalogue import CATALOGUE_DIR
from cityservices.insurance.catalogue.evaluate import evaluate, read_cases
from cityservices.insurance.catalogue.service import build_search_index, load_catalogue, search_catalogue
from cityservices.platform.migrate import upgrade_to_head

QUERY_FILES = [
    PROJECT_ROOT / "tests" / "data" / "insurance" / "catalogue_queries.tsv",
    PROJECT_ROOT / "tests" / "data" / "insurance" / "catalogue_queries_heldout.tsv",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade_to_head(engine)
        factory = make_session_factory(engine)
        started = time.perf_counter()
        with session_scope(factory) as session:
            load_catalogue(session, CATALOGUE_DIR)
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        with session_scope(factory) as session:
            index = build_search_index(session)
        build_s = time.perf_counter() - started
        engine.dispose()
    cases = [case for path in QUERY_FILES for case in read_cases(path)]
    for case in cases:  # warm-up
        search_catalogue(index, case.query)
    full: list[float] = []
    bare: list[float] = []
    for _ in range(args.rounds):
        for case in cases:
            t0 = time.perf_counter()
            search_catalogue(index, case.query, limit=10, psn_type="1101")
            t1 = time.perf_counter()
            index.engine.search(case.query, 10)
            t2 = time.perf_counter()
            full.append((t1 - t0) * 1000)
            bare.append((t2 - t1) * 1000)
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} cores, Python {platform.python_version()}, load {os.getloadavg()}")
    print(f"entries: {len(index.entries)}; load {load_s:.1f} s; index build {build_s:.2f} s")
    print(f"{len(cases)} queries × {args.rounds} rounds")
    for label, values in (("search_catalogue", full), ("engine only", bare)):
        print(
            f"{label}: p50 {statistics.median(values):.2f} ms, p95 {percentile(values, 0.95):.2f} ms, "
            f"p99 {percentile(values, 0.99):.2f} ms, max {max(values):.2f} ms"
        )
    for path in QUERY_FILES:
        report = evaluate(index.engine, read_cases(path))
        print(f"{path.name}: {report.total} queries, top-1 {report.top1_rate:.1%}, top-5 {report.top5_rate:.1%}")


if __name__ == "__main__":
    main()
