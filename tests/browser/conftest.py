"""Browser tests: the real server on a free port over a fresh SQLite file with the Qingdao demo data, driven
through Playwright with the system Chromium (``/usr/bin/chromium``; ``.ci/run`` installs it).

Screenshots go to ``test-artifacts/browser/`` (gitignored); the measured JS + CSS transfer of the first
page load is written to ``test-artifacts/browser/transfer.json``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from cityservices.insurance.enterprises.models import InsuranceEnterprise
from tests.builders import free_port, unavailable

playwright_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
LEAFLET = ROOT / "src" / "cityservices" / "static" / "vendor" / "leaflet" / "leaflet.js"
CHROMIUM = os.environ.get("CITYSERVICES_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QINGDAO_ORIGIN = {"latitude": 36.0670, "longitude": 120.3800}  # near 市南区政务服务中心 (WGS-84)
MOBILE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cityservices", *args], env=env, check=True, capture_output=True, text=True
    )


class Server:
    """A ``cityservices serve`` process; ``url(path)`` gives its address."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cityservices", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        # generous: a loaded two-core machine takes over a minute to build the indexes; an idle one a few seconds
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                # ready (200) once the worker has built its indexes in the background; 503 until then
                with urllib.request.urlopen(self.base + "/api/v1/ready", timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not start; see {log}")

    def url(self, path: str = "/") -> str:
        return self.base + path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _log_name(name: str) -> str:
    """``name.log``, or ``name-gw1.log`` under pytest-xdist, so that parallel workers never share a log file."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{name}-{worker}.log" if worker else f"{name}.log"


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment of a fresh SQLite database loaded with the demo data (``cityservices load-demo``)."""
    if not LEAFLET.exists():
        unavailable(f"Leaflet is not installed in {LEAFLET.parent} (run `make install`)")
    folder = tmp_path_factory.mktemp("browser-db")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITYSERVICES_")}
    env |= {
        "CITYSERVICES_DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
        "CITYSERVICES_COOKIE_SECURE": "false",
        "CITYSERVICES_RATE_LIMIT_API_PER_MINUTE": "0",
        # every browser test signs in from 127.0.0.1, dozens within a minute when one worker runs them all; the
        # sign-in limit itself is tested in tests/platform/test_security.py
        "CITYSERVICES_RATE_LIMIT_LOGIN_PER_MINUTE": "0",
    }
    _cli(env, "load-demo")
    return env


@pytest.fixture(scope="session")
def server(demo_env: dict[str, str], artifacts: Path) -> Iterator[Server]:
    running = Server(demo_env, artifacts / _log_name("server"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def gcj02_server(demo_env: dict[str, str], artifacts: Path) -> Iterator[Server]:
    """The same data served with a GCJ-02 tile layer configured (tiles are answered by the test, offline)."""
    env = demo_env | {
        "CITYSERVICES_MAP_TILE_URL": "https://tiles.test.invalid/{z}/{x}/{y}.png",
        "CITYSERVICES_MAP_TILE_CRS": "gcj02",
        "CITYSERVICES_MAP_TILE_ATTRIBUTION": "© 测试瓦片",
    }
    running = Server(env, artifacts / _log_name("server-gcj02"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def road_server(
    demo_env: dict[str, str], artifacts: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A copy of the demo database with the test town's roads imported (``cityservices import-osm``)."""
    source = Path(demo_env["CITYSERVICES_DATABASE_URL"].removeprefix("sqlite:///"))
    copy = tmp_path_factory.mktemp("browser-roads") / "roads.db"
    shutil.copyfile(source, copy)
    env = demo_env | {"CITYSERVICES_DATABASE_URL": f"sqlite:///{copy}"}
    _cli(env, "import-osm", str(ROOT / "tests" / "data" / "small_city.osm"))
    running = Server(env, artifacts / _log_name("server-roads"))
    yield running
    running.stop()


@pytest.fixture(scope="package")
def playwright() -> Iterator[Any]:
    """The one Playwright driver of a test process (a second one cannot start inside its event loop). Scoped to
    the browser tests and closed after them: its event loop counts as running in the thread while it is open, so a
    later test in the same worker could not use ``asyncio.run``."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    with playwright_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright: Any) -> Iterator[Any]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def new_context(browser: Any) -> Iterator[Any]:
    """Make a browser context: ``new_context(viewport, geolocation=True|False)``; closed after the test."""
    made: list[Any] = []

    def make(viewport: dict[str, int] = MOBILE, *, geolocation: bool = True) -> Any:
        options: dict[str, Any] = {
            "viewport": viewport,
            "locale": "zh-CN",
            "timezone_id": "Asia/Shanghai",
            "device_scale_factor": 1,
        }
        if viewport["width"] < 600:
            options |= {"is_mobile": True, "has_touch": True}
        if geolocation:
            options |= {"geolocation": QINGDAO_ORIGIN, "permissions": ["geolocation"]}
        context = browser.new_context(**options)
        context.set_default_timeout(45_000)  # a loaded two-core machine; a passing step waits no longer
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def create_admin(env: dict[str, str], username: str, password: str) -> str:
    """An administrator account made by the real command, as an operator would (``create-admin``)."""
    subprocess.run(
        [sys.executable, "-m", "cityservices", "create-admin", username, "--password-stdin"],
        env=env, input=password + "\n", check=True, capture_output=True, text=True,
    )  # fmt: skip
    return username


def demo_unit_uscc(env: dict[str, str], *, last: bool = False) -> str:
    """The unified social credit code of the first (or the last) demo insurance unit, by unit number."""
    number = InsuranceEnterprise.emp_no
    engine = create_engine(env["CITYSERVICES_DATABASE_URL"])
    with Session(engine) as session:
        code = session.scalars(select(InsuranceEnterprise.uscc).order_by(number.desc() if last else number)).first()
    engine.dispose()
    assert code is not None
    return code


def staff_sign_in(page: Any, server: Server, username: str, password: str) -> None:
    """Sign in on the staff login page and wait for the staff home page."""
    page.goto(server.url("/staff/login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action='/staff/login'] button[type=submit]")
    page.wait_for_url(re.compile(r"/staff$"))


def watch_console(page: Any) -> list[str]:
    """Errors the page logs (CSP violations included) and uncaught exceptions."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems
