"""Memory and garbage-collector pauses over repeated index rebuilds (``platform.collector``).

Loads the demo data into a fresh SQLite database, then rebuilds the venue and search indexes and fills the
prebuilt read models (current guides, bundles, venues: ``platform.read_models``) ``--rounds`` times (as a change
event does) and prints, per round: the read models' size and fill time, the process's resident memory, the size
of the frozen generation, and how long a full collection (``gc.collect()``, what the collector runs on its own
from time to time) takes with the indexes alive. ``--no-freeze`` turns the freezing off, for comparison. CPU time
(``time.process_time``) is printed beside wall time: the machine may be shared.

Usage: .venv/bin/python benchmarks/rebuild_memory.py [--rounds 20] [--no-freeze]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cityservices.db import make_engine, make_session_factory
from cityservices.platform import metrics
from cityservices.service_map.catalogue.read_model import all_bundles, all_current_guides
from cityservices.service_map.search.cache import get_search_index, invalidate_search_index
from cityservices.service_map.venues.read_model import all_venues
from cityservices.service_map.where.venue_index import VenueIndexCache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-freeze", dest="freeze", action="store_false")
    args = parser.parse_args()
    if not args.freeze:
        metrics.settle_after_build = lambda: None  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        cli = str(Path(sys.executable).with_name("cityservices"))
        env = {**os.environ, "CITYSERVICES_DATABASE_URL": url}
        subprocess.run([cli, "load-demo"], env=env, check=True, capture_output=True)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        venues = VenueIndexCache()
        rows = []
        kept = []  # each round's indexes stay referenced until the next round, as in a serving worker
        for round_ in range(1, args.rounds + 1):
            began, cpu = time.perf_counter(), time.process_time()
            venues.clear()
            invalidate_search_index(engine)
            with sessions() as session:
                kept = [venues.get(session), get_search_index(engine, sessions)]
            build_s, build_cpu = time.perf_counter() - began, time.process_time() - cpu
            fill, fill_cpu = time.perf_counter(), time.process_time()
            with sessions() as session:
                tables = [all_current_guides(session), all_bundles(session), all_venues(session)]
            kept.append(tables)
            fill_s, fill_cpu = time.perf_counter() - fill, time.process_time() - fill_cpu
            table_mib = sum(len(body) for table in tables for body in table.values()) / 2**20
            pause = time.perf_counter()
            gc.collect()
            pause_ms = (time.perf_counter() - pause) * 1000
            rows.append({"round": round_, "rss_mib": round(_rss_mib(), 1), "frozen": gc.get_freeze_count(),
                         "full_gc_ms": round(pause_ms, 1), "build_s": round(build_s, 2),
                         "build_cpu_s": round(build_cpu, 2), "read_models": sum(len(t) for t in tables),
                         "read_model_mib": round(table_mib, 1), "fill_s": round(fill_s, 2),
                         "fill_cpu_s": round(fill_cpu, 2)})  # fmt: skip
            print(json.dumps(rows[-1]))
        del kept
        engine.dispose()
    first, last = rows[1] if len(rows) > 1 else rows[0], rows[-1]
    summary = {"freeze": args.freeze, "rounds": args.rounds, "rss_mib_round2": first["rss_mib"]}
    median_gc = sorted(r["full_gc_ms"] for r in rows)[len(rows) // 2]
    summary |= {"rss_mib_last": last["rss_mib"], "full_gc_ms_median": median_gc}
    summary |= {"read_model_mib": last["read_model_mib"]}
    print("SUMMARY " + json.dumps(summary))


def _rss_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


if __name__ == "__main__":
    main()
