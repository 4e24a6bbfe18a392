"""How long loading the whole demo dataset takes (the data load of `make run`).

Usage: .venv/bin/python benchmarks/load_demo.py [--repeat N] [--pg URL]
Prints, per database, the median of N runs of: reading + validating the files, checking references and
writing every row in one transaction, and the total; plus peak memory of the process.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cityservices.config import Settings
from cityservices.db import session_scope
from cityservices.platform.migrate import upgrade_to_head
from cityservices.platform.runtime import make_runtime
from cityservices.service_map.interchange.native import read_dataset
from cityservices.service_map.interchange.store import import_dataset


def load_once(database_url: str, data_dir: Path) -> tuple[float, float]:
    rt = make_runtime(Settings(database_url=database_url))
    upgrade_to_head(rt.engine)
    started = time.perf_counter()
    dataset, issues = read_dataset(data_dir)
    assert not issues, issues[:3]
    read_s = time.perf_counter() - started
    with session_scope(rt.sessions) as session:
        import_dataset(session, dataset, mode="replace")
    total_s = time.perf_counter() - started
    rt.engine.dispose()
    return read_s, total_s


def fresh_pg(admin_url: str) -> str:
    name = f"cityservices_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_pg(admin_url: str, url: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--data", type=Path, default=Settings().demo_data_dir)
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    for backend in ("sqlite", "postgresql"):
        reads, totals = [], []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite:///{Path(tmp) / 'bench.db'}" if backend == "sqlite" else fresh_pg(args.pg)
                read_s, total_s = load_once(url, args.data)
                if backend == "postgresql":
                    drop_pg(args.pg, url)
            reads.append(read_s)
            totals.append(total_s)
        print(
            f"{backend:10s} read+validate {statistics.median(reads):6.2f} s   "
            f"write {statistics.median(totals) - statistics.median(reads):6.2f} s   "
            f"total {statistics.median(totals):6.2f} s   (median of {args.repeat})"
        )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
