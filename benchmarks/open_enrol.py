"""Open-platform 增员 end to end: a batch of N rows (default 10,000) from upload to the signed webhook, a 减员
batch of the same rows (from next month) likewise, and single signed enrolments (p50 / p99), through the HTTP interface
in-process (the app, its middleware, signature checks, idempotency, audit) on a fresh SQLite file database built by
the migrations.

Usage: PYTHONPATH=src:clients/python/src .venv/bin/python benchmarks/open_enrol.py [--rows 10000] [--singles 200]
The machine is shared: CPU seconds of this process (time.process_time) are printed next to wall-clock time.
Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import os
import platform
import statistics
import tempfile
import threading
import time
from pathlib import Path

from cityservices_open import HmacCredentials, OpenClient
from cityservices_open.simulator import company
from fastapi.testclient import TestClient
from stdnum.cn import uscc

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.insurance.enterprises import service as enterprises
from cityservices.insurance.enterprises.schemas import EnterpriseCreate
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api import signing as sg
from cityservices.insurance.rules.service import BUNDLED_RULES, load_rules, read_rule_file
from cityservices.kit.audit import SYSTEM, utc_now
from cityservices.platform.migrate import upgrade_to_head
from cityservices.platform.security import load_secret

COLUMNS = ["certno", "psn_name", "insutype", "start_month", "base"]
REMOVE_COLUMNS = ["certno", "psn_name", "insutype", "end_month"]


def _receiver() -> tuple[http.server.ThreadingHTTPServer, list[float]]:
    arrivals: list[float] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            arrivals.append(time.perf_counter())
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, arrivals


def _credit_code() -> str:
    body = "91370200MA0000001"
    return body + uscc.calc_check_digit(body)


def _setup(directory: Path) -> tuple[Settings, HmacCredentials]:
    url = f"sqlite:///{directory / 'bench.db'}"
    settings = Settings.model_validate(
        {
            "database_url": url,
            "secret_key": "benchmark-secret-key-0123456789",
            "media_dir": directory / "media",
            "rate_limit_api_per_minute": 1_000_000,
            "rate_limit_shared": False,
        }
    )
    engine = make_engine(url)
    upgrade_to_head(engine)
    now = utc_now()
    with session_scope(make_session_factory(engine)) as session:
        load_rules(session, read_rule_file(BUNDLED_RULES), actor=SYSTEM)
        data = EnterpriseCreate(emp_no="B0001", emp_name="基准测试单位", uscc=_credit_code(), admdvs="370202")
        enterprises.register_enterprise(session, data, actor=SYSTEM)
        operations = ["employee.enrol", "employee.remove", "employee.status.read"]
        app = open_api.register_app(session, emp_no="B0001", name="人事系统", operations=operations, now=now)
        open_api.decide_app(session, app.app_id, approve=True, staff="bench", now=now)
        app.rate_limit_per_minute = 1_000_000
        key, secret = open_api.add_hmac_key(
            session, app.app_id, profile=sg.HMAC_SM3, platform_secret=load_secret(settings), now=now
        )
        credentials = HmacCredentials(app.app_id, key.serial, sg.HMAC_SM3, secret)
    engine.dispose()
    return settings, credentials


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--singles", type=int, default=200)
    args = parser.parse_args()
    server, arrivals = _receiver()
    with tempfile.TemporaryDirectory() as tmp:
        settings, credentials = _setup(Path(tmp))
        with TestClient(create_app(settings), base_url="https://testserver") as http_client:
            client = OpenClient(http_client, credentials)
            client.set_webhook(f"http://127.0.0.1:{server.server_address[1]}/hook")
            rows = company(args.rows, first_serial=100_000)
            wall, cpu = time.perf_counter(), time.process_time()
            job = client.submit_batch("enrol", COLUMNS, rows)
            done = client.wait_for_job("enrol", job["job_id"], interval=0.2)
            while not arrivals and time.perf_counter() - wall < 600:
                time.sleep(0.05)
            batch_wall = (arrivals[0] if arrivals else time.perf_counter()) - wall
            batch_cpu = time.process_time() - cpu
            next_month = f"{(dt.date.today().replace(day=1) + dt.timedelta(days=32)):%Y-%m}"
            removals = [[certno, name, insutype, next_month] for certno, name, insutype, _month, _base in rows]
            wall, cpu = time.perf_counter(), time.process_time()
            job = client.submit_batch("remove", REMOVE_COLUMNS, removals)
            removed = client.wait_for_job("remove", job["job_id"], interval=0.2)
            while len(arrivals) < 2 and time.perf_counter() - wall < 600:
                time.sleep(0.05)
            remove_wall = (arrivals[1] if len(arrivals) > 1 else time.perf_counter()) - wall
            remove_cpu = time.process_time() - cpu
            latencies = []
            cpu = time.process_time()
            for i, row in enumerate(company(args.singles, first_serial=200_000, seed=11)):
                start = time.perf_counter()
                client.enrol(dict(zip(COLUMNS, row, strict=True)))
                latencies.append((time.perf_counter() - start) * 1000)
                if i == 0:
                    cpu = time.process_time()  # the first call warms caches
            singles_cpu = time.process_time() - cpu
    server.shutdown()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}, {dt.date.today()}"
    )
    print(
        f"batch of {args.rows} rows: {done['succeeded']} enrolled, {done['failed']} failed; upload to webhook "
        f"{batch_wall:.1f} s wall ({args.rows / batch_wall:,.0f} rows/s), {batch_cpu:.1f} CPU s "
        f"({args.rows / batch_cpu:,.0f} rows per CPU-second); webhook received: {bool(arrivals)}"
    )
    print(
        f"减员 batch of the same {args.rows} rows from next month: {removed['succeeded']} removed, "
        f"{removed['failed']} failed; upload to webhook {remove_wall:.1f} s wall, {remove_cpu:.1f} CPU s"
    )
    print(
        f"single signed enrolments ({args.singles}): p50 {statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms "
        f"wall; {singles_cpu / max(1, args.singles - 1) * 1000:.1f} CPU ms per call"
    )


if __name__ == "__main__":
    main()
