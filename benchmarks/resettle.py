"""Full-year batch re-settlement of the demo data: every 2026 settlement still in force settled again from its
stored claim lines, under the stored rules and under a changed rule book (the in-service and retired employees'
inpatient ratios raised by 5 points), with the differences per member.

Usage: PYTHONPATH=src .venv/bin/python benchmarks/resettle.py [--members N] [--repeat N] [--pg URL]
Loads the insurance demo data (rules, enterprises, members, contributions, settlements) into a fresh SQLite file
(or a fresh PostgreSQL database), then times ``resettle_year`` N times. Prints the median wall and CPU time
(time.process_time: the machine may be shared, CPU time is the figure to compare) and settlements per second.
Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from cityservices.config import Settings
from cityservices.db import session_scope
from cityservices.insurance.flows import load_demo
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.schemas import PoolRatioRule
from cityservices.insurance.rules.service import rule_book
from cityservices.insurance.settlement.resettle import ResettleReport, resettle_year
from cityservices.kit.audit import SYSTEM
from cityservices.kit.money import Ratio
from cityservices.platform.migrate import upgrade_to_head
from cityservices.platform.runtime import make_runtime


def raised(book: RuleBook) -> RuleBook:
    rows = [
        row.model_copy(update={"ratio": Ratio(min(row.ratio.value + Ratio("0.05").value, 1))})
        if isinstance(row, PoolRatioRule) and row.insutype == "310" and row.med_kind == "inpatient"
        else row
        for row in book.all_rows()
    ]
    return RuleBook.of(rows, version=f"{book.version}+5pt")


def time_runs(url: str, book_of: str, repeat: int) -> tuple[float, float, ResettleReport]:
    rt = make_runtime(Settings(database_url=url))
    walls, cpus = [], []
    report = None
    for _ in range(repeat):
        with session_scope(rt.sessions) as session:
            book = rule_book(session)
            if book_of == "raised":
                book = raised(book)
            wall, cpu = time.perf_counter(), time.process_time()
            report = resettle_year(session, 2026, book=book, actor=SYSTEM)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            session.rollback()  # leave no audit rows behind between runs
    rt.engine.dispose()
    assert report is not None
    return statistics.median(walls), statistics.median(cpus), report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", help="admin URL of a PostgreSQL server (a fresh database is made and dropped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.pg:
            from benchmarks.load_demo import drop_pg, fresh_pg

            url = fresh_pg(args.pg)
        else:
            url = f"sqlite:///{Path(tmp) / 'resettle.db'}"
        try:
            rt = make_runtime(Settings(database_url=url))
            upgrade_to_head(rt.engine)
            rt.engine.dispose()
            began = time.perf_counter()
            load_demo(Settings(database_url=url), if_empty=False, members_count=args.members)
            print(f"demo loaded in {time.perf_counter() - began:.1f} s")
            print(
                f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}, {url.split(':')[0]}"
            )
            for which in ("stored", "raised"):
                wall, cpu, report = time_runs(url, which, args.repeat)
                n = report.resettled
                print(
                    f"{which:7s} rules: {report.settlements} settlements of {len(report.members)} members, "
                    f"{n} re-settled, {len(report.changed_members)} members with a difference "
                    f"(fund {report.fund_before} → {report.fund_after}); "
                    f"median of {args.repeat}: wall {wall:.2f} s ({n / wall:,.0f}/s), "
                    f"CPU {cpu:.2f} s ({n / cpu:,.0f}/CPU-s)"
                )
        finally:
            if args.pg:
                drop_pg(args.pg, url)


if __name__ == "__main__":
    main()
