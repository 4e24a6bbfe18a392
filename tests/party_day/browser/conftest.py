"""Browser fixtures of the Party Day pages: the real server over a fresh SQLite file with the demo Party
organisation (``cityservices party load-demo``) and an administrator, driven by the system Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, Server, browser, new_context

PASSWORD = "party-browser-42"


@pytest.fixture(scope="session")
def party_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("party-browser-db")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITYSERVICES_")}
    env |= {
        "CITYSERVICES_DATABASE_URL": f"sqlite:///{folder / 'party.db'}",
        "CITYSERVICES_COOKIE_SECURE": "false",
        "CITYSERVICES_RATE_LIMIT_API_PER_MINUTE": "0",
    }
    run = [sys.executable, "-m", "cityservices"]
    subprocess.run([*run, "party", "load-demo"], env=env, check=True, capture_output=True, text=True)
    subprocess.run([*run, "create-admin", "secretary", "--password-stdin"], env=env, check=True, input=PASSWORD + "\n",
                   capture_output=True, text=True)  # fmt: skip
    return env


@pytest.fixture(scope="session")
def party_server(party_env: dict[str, str]) -> Iterator[Server]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    running = Server(party_env, Path(ARTIFACTS) / "server-party.log")
    yield running
    running.stop()


__all__ = ["browser", "new_context", "party_env", "party_server"]
