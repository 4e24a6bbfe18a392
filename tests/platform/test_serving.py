"""Serving: readiness, the JSON access log (masked), X-Request-ID and /metrics in-process; then a real
``cityservices serve --workers 2`` where a staff edit made in one worker shows in every worker's search."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.platform import metrics
from tests.builders import free_port, load_dataset
from tests.service_map.pages_data import make_pages_dataset
from tests.test_cli import run_cli_in_process

PHONE, ID_NUMBER = "13812345678", "370202199001011234"
ITEM, NEW_NAME = "QD-RS-0001", "社会保障卡申领（2027版）"
PASSWORD = "correct horse battery staple"
DEADLINE_S = 90  # generous bounds for correctness; no speed is asserted


def _load(url: str) -> str:
    return load_dataset(url, make_pages_dataset())


@pytest.fixture
def loaded_db(migrated_db_url: str) -> str:
    return _load(migrated_db_url)


def _settings(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"database_url": url, "secret_key": "serving-test-secret", **overrides}
    return Settings.model_validate(values)


def test_ready_only_once_the_worker_has_built_its_indexes(loaded_db: str) -> None:
    app = create_app(_settings(loaded_db))
    not_started = TestClient(app).get("/api/v1/ready")  # no lifespan: this worker never warmed up
    assert not_started.status_code == 503
    assert not_started.json()["error"] == "not_ready"
    assert not_started.json()["checks"]["search_index"] == "not_built"
    assert not_started.headers["cache-control"] == "no-store"
    with TestClient(app) as client:
        assert client.get("/api/v1/health").status_code == 200  # alive while the indexes are built
        assert app.state.readiness.wait(DEADLINE_S)  # built in the background at startup
        ready = client.get("/api/v1/ready")
        assert ready.status_code == 200, ready.text
        body = ready.json()
        assert body["status"] == "ready"
        relay = "file" if loaded_db.startswith("sqlite") else "postgresql"
        indexes = [index.name for index in app.state.domains.indexes]
        assert {"search_index", "venue_index", "hsds_ids"} <= set(indexes)
        expected = {"database": "ok", "schema": "ok", **dict.fromkeys(indexes, "ok")}
        expected["event_relay"] = relay
        assert body["checks"] == expected
        assert body["pid"] == os.getpid()
        assert client.get("/api/v1/health").json()["status"] == "ok"


def test_not_ready_while_the_schema_is_behind_then_ready(fresh_db_url: str) -> None:
    app = create_app(_settings(fresh_db_url))
    with TestClient(app) as client:  # an empty database: no tables, so the warm-up fails too
        assert not app.state.readiness.wait(DEADLINE_S)
        answer = client.get("/api/v1/ready")
        assert answer.status_code == 503
        assert answer.json()["checks"]["schema"] == "outdated"
        assert answer.json()["checks"]["search_index"] == "not_built"
        assert "init-db" in answer.json()["detail"]
        assert client.get("/api/v1/health").status_code == 200  # alive all the same
        _load(fresh_db_url)
        app.state.readiness.retry_s = 0  # the next check starts the warm-up again, in the background
        client.get("/api/v1/ready")
        assert app.state.readiness.wait(DEADLINE_S)
        assert client.get("/api/v1/ready").status_code == 200


def test_one_masked_json_access_line_per_request(loaded_db: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cityservices.access")
    with TestClient(create_app(_settings(loaded_db))) as client:
        caplog.clear()
        answer = client.get(f"/api/v1/search?q=社保卡&phone={PHONE}&id={ID_NUMBER}", headers={"X-Request-ID": "req-42"})
        assert answer.status_code == 200
        assert answer.headers["x-request-id"] == "req-42"
        generated = client.get("/api/v1/venues/V370202001", headers={"X-Request-ID": "bad id\twith tab"})
        minted = generated.headers["x-request-id"]
        assert minted != "bad id\twith tab"
        assert re.fullmatch(r"[A-Za-z0-9_-]{16}", minted)
    lines = [r.getMessage() for r in caplog.records if r.name == "cityservices.access"]
    assert len(lines) == 2
    assert PHONE not in "".join(lines)
    assert ID_NUMBER not in "".join(lines)
    first, second = (json.loads(line) for line in lines)
    assert first["query"].endswith("phone=138****5678&id=3****************4")
    assert {k: first[k] for k in ("method", "path", "route", "status", "request_id", "pid")} == {
        "method": "GET", "path": "/api/v1/search", "route": "/api/v1/search", "status": 200,
        "request_id": "req-42", "pid": os.getpid(),
    }  # fmt: skip
    assert first["bytes"] == len(answer.content)
    assert first["duration_ms"] >= 0
    assert first["client"] == "testclient"
    assert second["route"] == "/api/v1/venues/{venue_id}"
    assert second["request_id"] == minted


def test_metrics_count_requests_by_route_template(loaded_db: str) -> None:
    app = create_app(_settings(loaded_db))
    with TestClient(app, client=("127.0.0.1", 50000)) as client:  # a local scraper
        assert app.state.readiness.wait(DEADLINE_S)
        for venue in ("V370202001", "V-NONE-1", "V-NONE-2"):
            client.get(f"/api/v1/venues/{venue}")
        text = client.get("/metrics").text
        assert "/api/v1/ready" in client.get("/api/openapi.json").text
        assert "/metrics" not in client.get("/api/openapi.json").json()["paths"]
    assert 'cityservices_http_requests_total{method="GET",route="/api/v1/venues/{venue_id}",status="200"}' in text
    assert 'cityservices_http_requests_total{method="GET",route="/api/v1/venues/{venue_id}",status="404"}' in text
    assert "V-NONE" not in text
    assert 'cityservices_index_build_seconds_count{index="search"}' in text
    assert "cityservices_http_requests_in_flight" in text
    assert "cityservices_data_generation" in text
    assert 'cityservices_http_request_duration_seconds_bucket{le="0.005",method="GET"' in text


def test_metrics_can_be_turned_off(loaded_db: str) -> None:
    with TestClient(create_app(_settings(loaded_db, metrics_enabled=False))) as client:
        assert client.get("/metrics").status_code == 404


# --- a real server with two workers -------------------------------------------------------------------------


class TwoWorkers:
    """``cityservices serve --workers 2`` on a free port; its stdout (the access log) kept in a file."""

    def __init__(self, tmp_path: Path, database_url: str) -> None:
        self.base = f"http://127.0.0.1:{free_port()}"
        self.env = {
            **os.environ, "CITYSERVICES_DATABASE_URL": database_url, "CITYSERVICES_SECRET_KEY": "serving-secret",
            "CITYSERVICES_COOKIE_SECURE": "false", "CITYSERVICES_RATE_LIMIT_API_PER_MINUTE": "0",
            "CITYSERVICES_MEDIA_DIR": str(tmp_path / "media"),
        }  # fmt: skip
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.access_log, self.error_log = tmp_path / "access.log", tmp_path / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        port = self.base.rsplit(":", 1)[1]
        command = [sys.executable, "-m", "cityservices", "serve", "--port", port, "--workers", "2"]
        with self.access_log.open("wb") as out, self.error_log.open("wb") as err:
            self.process = subprocess.Popen(command, env=self.env, stdout=out, stderr=err)
        ready_pids: set[int] = set()
        deadline = time.monotonic() + DEADLINE_S
        while len(ready_pids) < 2:  # until both workers have answered "ready"
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server not ready: {self.error_log.read_text(errors='replace')[-3000:]}")
            try:
                answer = httpx.get(f"{self.base}/api/v1/ready", timeout=5)
                if answer.status_code == 200:
                    ready_pids.add(answer.json()["pid"])
            except httpx.HTTPError:
                time.sleep(0.2)

    def ready_pids(self) -> set[int]:
        """The workers that answer "ready" to a few readiness checks."""
        found: set[int] = set()
        for _ in range(10):
            try:
                answer = httpx.get(f"{self.base}/api/v1/ready", timeout=5)
            except httpx.HTTPError:
                continue
            if answer.status_code == 200:
                found.add(answer.json()["pid"])
        return found

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def logged(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.access_log.read_text().splitlines() if line.startswith("{")]


@pytest.fixture
def two_workers(loaded_db: str, tmp_path: Path) -> Iterator[TwoWorkers]:
    made = run_cli_in_process(loaded_db, "create-admin", "admin", "--password-stdin", input=f"{PASSWORD}\n")
    assert made.returncode == 0, made.stderr
    server = TwoWorkers(tmp_path, loaded_db)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _rename_item_through_the_staff_api(base: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as staff:
        token = staff.get("/api/staff/csrf").json()["csrf_token"]
        credentials = {"username": "admin", "password": PASSWORD}
        signed_in = staff.post("/api/staff/login", json=credentials, headers={"X-CSRF-Token": token})
        assert signed_in.status_code == 200, signed_in.text
        token = signed_in.json()["csrf_token"]
        current = staff.get(f"/api/staff/items/{ITEM}").json()
        record = {**current["record"], "name": NEW_NAME}
        saved = staff.put(f"/api/staff/items/{ITEM}", json={"record": record, "base_version": current["version"]},
                          headers={"X-CSRF-Token": token})  # fmt: skip
        assert saved.status_code == 200, saved.text


def _search(base: str, request_id: str) -> bool:
    """One search on a new connection (so that either worker may take it); True if it shows the new name."""
    answer = httpx.get(f"{base}/api/v1/search", params={"q": "社保卡"}, headers={"X-Request-ID": request_id},
                       timeout=30)  # fmt: skip
    assert answer.status_code == 200
    return NEW_NAME in json.dumps(answer.json(), ensure_ascii=False)


@pytest.mark.slow
def test_a_staff_edit_in_one_worker_reaches_every_worker(two_workers: TwoWorkers) -> None:
    base = two_workers.base
    assert not _search(base, "before-edit")
    _rename_item_through_the_staff_api(base)
    fresh: set[str] = set()  # request ids answered with the new name
    deadline = time.monotonic() + DEADLINE_S
    rounds = 0
    while True:
        rounds += 1
        answers = {f"poll-{rounds}-{i}": _search(base, f"poll-{rounds}-{i}") for i in range(20)}
        fresh |= {rid for rid, shows_new in answers.items() if shows_new}
        pids = {e["pid"] for e in two_workers.logged() if e["request_id"] in fresh}
        if all(answers.values()) and len(pids) == 2:
            break  # a whole round shows the new name, and both workers have shown it
        assert time.monotonic() < deadline, f"after {rounds} rounds: {answers}, workers {pids}"
        time.sleep(0.2)

    masked = httpx.get(f"{base}/api/v1/search", params={"q": "社保卡", "phone": PHONE}, timeout=30)
    text = httpx.get(f"{base}/metrics", timeout=30).text
    log = two_workers.logged()
    assert PHONE not in two_workers.access_log.read_text()
    line = next(e for e in log if e["request_id"] == masked.headers["x-request-id"])
    assert "138****5678" in line["query"]
    searches = [e for e in log if e["path"] == "/api/v1/search"]
    assert len({e["pid"] for e in searches}) == 2
    counted = re.search(r'cityservices_http_requests_total\{method="GET",route="/api/v1/search",status="200"\} (\S+)',
                        text)  # fmt: skip
    assert counted is not None
    assert float(counted.group(1)) == len(searches)  # the sum over both workers
    generations = re.search(r"^cityservices_data_generation (\S+)$", text, re.MULTILINE)
    assert generations is not None
    assert float(generations.group(1)) >= 1
    assert '"GET /api/v1/search' not in two_workers.error_log.read_text()  # uvicorn's own access log is off

    # A worker killed outright is replaced; what it counted still counts, and its replacement is up to date.
    killed = searches[-1]["pid"]
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + DEADLINE_S
    while not (two_workers.ready_pids() - {e["pid"] for e in searches}):
        assert time.monotonic() < deadline, two_workers.error_log.read_text(errors="replace")[-3000:]
        time.sleep(0.2)
    assert all(_search(base, f"after-restart-{i}") for i in range(10))
    text = httpx.get(f"{base}/metrics", timeout=30).text
    searches = [e for e in two_workers.logged() if e["path"] == "/api/v1/search"]
    counted = re.search(r'cityservices_http_requests_total\{method="GET",route="/api/v1/search",status="200"\} (\S+)',
                        text)  # fmt: skip
    assert counted is not None
    assert float(counted.group(1)) == len(searches)


def test_a_dead_workers_live_gauges_are_dropped(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    for pid in (gone.pid, os.getpid()):
        (tmp_path / f"gauge_livesum_{pid}.db").write_bytes(b"")
        (tmp_path / f"counter_{pid}.db").write_bytes(b"")
    metrics.mark_dead_workers(tmp_path)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([f"counter_{gone.pid}.db", f"counter_{os.getpid()}.db", f"gauge_livesum_{os.getpid()}.db"])


def test_serve_gives_several_workers_a_clean_metrics_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(metrics.MULTIPROC_ENV, raising=False)
    with metrics.multiprocess_directory(1):
        assert metrics.MULTIPROC_ENV not in os.environ  # one worker keeps its metrics in memory
    with metrics.multiprocess_directory(2):
        made = Path(os.environ[metrics.MULTIPROC_ENV])
        assert made.is_dir()
        assert list(made.iterdir()) == []
    assert not made.exists()
    assert metrics.MULTIPROC_ENV not in os.environ
    (tmp_path / "counter_1.db").write_bytes(b"old run")
    (tmp_path / "notes.txt").write_text("the operator's")
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))
    with metrics.multiprocess_directory(4):
        assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert tmp_path.is_dir()


def test_an_import_from_the_command_line_reaches_a_running_server(loaded_db: str, tmp_path: Path) -> None:
    """`cityservices import` in another process: the server drops its cached answers and shows the new data."""
    cli = str(Path(sys.executable).with_name("cityservices"))
    env = {**os.environ, "CITYSERVICES_DATABASE_URL": loaded_db, "CITYSERVICES_SECRET_KEY": "serving-test-secret"}
    exported = tmp_path / "venues.geojson"
    done = run_cli_in_process(loaded_db, "export", str(exported), "--format", "geojson")  # the importing one is real
    assert done.returncode == 0, done.stderr
    document = json.loads(exported.read_text("utf-8"))
    venue_id = document["features"][0]["id"]
    document["features"][0]["properties"]["name"] = "导入改名的便民服务中心"
    exported.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    app = create_app(_settings(loaded_db))
    app.state.answer_cache.clock = lambda: 1_800_000_030.0  # stopped: no answer expires at a minute's end
    with TestClient(app) as client:
        path = f"/api/v1/venues/{venue_id}"
        assert client.get(path).json()["name"] != "导入改名的便民服务中心"  # now also kept in the answer cache
        command = [cli, "import", str(exported), "--format", "geojson", "--mode", "upsert"]
        subprocess.run(command, env=env, check=True, capture_output=True)
        deadline = time.monotonic() + 10
        while client.get(path).json()["name"] != "导入改名的便民服务中心":
            assert time.monotonic() < deadline, "the import never reached the server"
            time.sleep(0.2)
