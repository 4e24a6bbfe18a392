"""Worker start-up: the indexes are built in the background (alive at once, ready once built), the supervisor's
health-check timeout is a setting, and workers that keep dying are reported clearly in the log."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.platform.domains import IndexSpec
from cityservices.platform.lifecycle import Readiness
from cityservices.platform.serving import WorkerDeaths
from tests.builders import free_port, load_dataset
from tests.service_map.pages_data import make_pages_dataset

DEADLINE_S = 90  # generous bounds for correctness; no speed is asserted


def test_a_worker_is_alive_at_once_and_ready_once_its_indexes_are_built(migrated_db_url: str) -> None:
    load_dataset(migrated_db_url, make_pages_dataset())
    app = create_app(Settings.model_validate({"database_url": migrated_db_url, "secret_key": "workers-test"}))
    release, entered = threading.Event(), threading.Event()

    def slow_index(_app: FastAPI) -> None:  # stands for an index that takes long to build on a busy machine
        entered.set()
        assert release.wait(DEADLINE_S)

    app.state.readiness = Readiness((*app.state.readiness.indexes, IndexSpec("slow_index", slow_index)))
    with TestClient(app) as client:  # the lifespan returns while the build goes on
        assert entered.wait(DEADLINE_S)
        assert client.get("/api/v1/health").status_code == 200
        answer = client.get("/api/v1/ready")
        assert answer.status_code == 503
        assert answer.json()["checks"]["slow_index"] == "building"
        assert "正在建立" in answer.json()["detail"]
        assert client.get("/api/v1/search", params={"q": "社保卡"}).status_code == 200  # served meanwhile
        release.set()
        assert app.state.readiness.wait(DEADLINE_S)
        ready = client.get("/api/v1/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["slow_index"] == "ok"


def test_workers_that_keep_dying_are_reported_once_per_window(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cityservices.serving")
    deaths = WorkerDeaths(7, window_s=100, limit=3)
    deaths.died(101, -9, now=0.0)
    deaths.died(102, 1, now=50.0)
    deaths.died(103, -15, now=120.0)  # the first is out of the window: two within it
    assert [r.levelname for r in caplog.records] == ["WARNING"] * 3
    assert "killed by SIGKILL, as when it does not answer the health ping within 7 s" in caplog.records[0].getMessage()
    assert "exit code 1" in caplog.records[1].getMessage()
    assert "signal 15" in caplog.records[2].getMessage()
    deaths.died(104, -9, now=130.0)  # three within 100 s
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert "workers keep dying: 3 replaced in the last 100 s" in errors[0]
    assert "CITYSERVICES_WORKER_HEALTHCHECK_TIMEOUT_S" in errors[0]
    deaths.died(105, -9, now=140.0)  # still dying: not repeated within the window
    assert len([r for r in caplog.records if r.levelname == "ERROR"]) == 1
    for moment in (240.0, 245.0, 250.0):
        deaths.died(106, -9, now=moment)
    assert len([r for r in caplog.records if r.levelname == "ERROR"]) == 2


def _ready_pids(base: str) -> set[int]:
    found: set[int] = set()
    for _ in range(10):
        try:
            answer = httpx.get(f"{base}/api/v1/ready", timeout=5)
        except httpx.HTTPError:
            time.sleep(0.2)
            continue
        if answer.status_code == 200:
            found.add(answer.json()["pid"])
    return found


@pytest.mark.slow
def test_serve_logs_its_health_check_timeout_and_workers_that_keep_dying(migrated_db_url: str, tmp_path: Path) -> None:
    load_dataset(migrated_db_url, make_pages_dataset())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CITYSERVICES_DATABASE_URL": migrated_db_url, "CITYSERVICES_SECRET_KEY": "workers-secret",
           "CITYSERVICES_MEDIA_DIR": str(tmp_path / "media"),
           "CITYSERVICES_WORKER_HEALTHCHECK_TIMEOUT_S": "7"}  # fmt: skip
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log_file = tmp_path / "server.log"
    command = [sys.executable, "-m", "cityservices", "serve", "--port", str(port), "--workers", "2"]
    with log_file.open("wb") as err:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        killed: set[int] = set()
        deadline = time.monotonic() + DEADLINE_S * 3
        while len(killed) < 3:  # kill a ready worker three times over; each time the supervisor replaces it
            assert server.poll() is None, log_file.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, log_file.read_text(errors="replace")[-3000:]
            alive = _ready_pids(base) - killed
            if alive:
                pid = min(alive)
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            time.sleep(0.2)
        while "workers keep dying" not in log_file.read_text(errors="replace"):
            assert time.monotonic() < deadline, log_file.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
        log = log_file.read_text(errors="replace")
        assert "each must answer the health ping within 7 s" in log
        assert "workers keep dying: 3 replaced in the last 300 s" in log
        assert all(f"worker {pid} stopped (killed by SIGKILL" in log for pid in killed)
        while not _ready_pids(base):  # and the service answers again once the supervisor's replacements are ready
            assert server.poll() is None, log_file.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, log_file.read_text(errors="replace")[-3000:]
            time.sleep(0.5)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
