"""Kill the server with SIGKILL during a burst of staff edits: every acknowledged edit survives, none is
half-written, and versions and audit rows agree. A real ``cityservices serve`` on a SQLite file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from cityservices.db import make_engine, make_session_factory, session_scope
from cityservices.kit.audit import AuditEntry
from cityservices.platform.migrate import upgrade_to_head
from cityservices.service_map.catalogue.models import Venue
from cityservices.service_map.editing.models import RecordVersion
from tests.builders import free_port
from tests.service_map.editing.helpers import PASSWORD, SHINAN_VENUE, seed

EDITS = 400
KILL_AFTER = 15
STARTUP_LIMIT_S = 90


class Server:
    def __init__(self, tmp_path: Path, database_url: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ, "CITYSERVICES_DATABASE_URL": database_url, "CITYSERVICES_SECRET_KEY": "crash-test-secret",
            "CITYSERVICES_COOKIE_SECURE": "false", "CITYSERVICES_RATE_LIMIT_API_PER_MINUTE": "0",
            "CITYSERVICES_RATE_LIMIT_LOGIN_PER_MINUTE": "0", "CITYSERVICES_MEDIA_DIR": str(tmp_path / "media"),
            "CITYSERVICES_WORKERS": "1",
        }  # fmt: skip
        self.log = tmp_path / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "cityservices", "serve", "--port", str(self.port), "--workers", "1"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                # ready: the worker has built its indexes (in the background, after it starts answering)
                if httpx.get(f"{self.base}/api/v1/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        pytest.fail("server did not start")

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(make_session_factory(engine)) as session:
        seed(session)
    engine.dispose()
    running = Server(tmp_path, url)
    try:
        yield running
    finally:
        running.stop()


def _signed_in(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=30)
    token = client.get("/api/staff/csrf").json()["csrf_token"]
    response = client.post("/api/staff/login", json={"username": "editor", "password": PASSWORD},
                           headers={"X-CSRF-Token": token})  # fmt: skip
    assert response.status_code == 200, response.text
    return client, response.json()["csrf_token"]


def _burst(client: httpx.Client, token: str, acknowledged: list[tuple[int, int]]) -> None:
    """Edit the venue's description again and again; note each edit the server acknowledged."""
    path = f"/api/staff/venues/{SHINAN_VENUE}"
    try:
        current = client.get(path).json()
        record, version = current["record"], current["version"]
        for number in range(1, EDITS + 1):
            record = {**record, "description": f"edit-{number}", "transport": f"公交 {number} 路"}
            response = client.put(path, json={"record": record, "base_version": version},
                                  headers={"X-CSRF-Token": token})  # fmt: skip
            if response.status_code != 200:
                return
            version = response.json()["version"]
            acknowledged.append((number, version))
    except httpx.HTTPError:
        return  # the server was killed


def test_acknowledged_edits_survive_sigkill(server: Server, tmp_path: Path) -> None:
    server.start()
    client, token = _signed_in(server.base)
    acknowledged: list[tuple[int, int]] = []
    writer = threading.Thread(target=_burst, args=(client, token, acknowledged), daemon=True)
    writer.start()
    while len(acknowledged) < KILL_AFTER and writer.is_alive():
        time.sleep(0.02)
    server.kill()
    writer.join(timeout=60)
    client.close()
    assert len(acknowledged) >= KILL_AFTER
    assert len(acknowledged) < EDITS, "the burst finished before the kill"

    server.start()  # the restarted server answers with every acknowledged edit
    client, _ = _signed_in(server.base)
    versions = client.get(f"/api/staff/venues/{SHINAN_VENUE}/versions").json()
    current = client.get(f"/api/staff/venues/{SHINAN_VENUE}").json()
    client.close()
    numbers = sorted(v["version"] for v in versions)
    assert numbers == list(range(1, len(numbers) + 1))  # no gap, no half-written version
    last_acknowledged = acknowledged[-1][1]
    assert last_acknowledged <= numbers[-1] <= last_acknowledged + 1  # at most the one edit in flight
    assert current["version"] == numbers[-1]
    server.stop()

    engine = make_engine(server.env["CITYSERVICES_DATABASE_URL"])
    with session_scope(make_session_factory(engine)) as session:
        snapshots = dict(session.execute(
            select(RecordVersion.version, RecordVersion.snapshot).where(RecordVersion.entity_key == SHINAN_VENUE)
        ).all())  # fmt: skip
        for number, version in acknowledged:
            assert snapshots[version]["description"] == f"edit-{number}"
            assert snapshots[version]["transport"] == f"公交 {number} 路"
        venue = session.get(Venue, SHINAN_VENUE)
        assert venue is not None
        latest = snapshots[numbers[-1]]
        assert (venue.description, venue.transport) == (latest["description"], latest["transport"])
        audited = session.scalar(select(func.count()).where(AuditEntry.action == "venue.update"))
        assert audited == numbers[-1] - 1  # one audit row per version after the baseline
    engine.dispose()
