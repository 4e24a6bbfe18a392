"""A demo Party member signs in with the citizen sign-in and reads their own records on a 360 px phone, without
sideways scrolling. Screenshot: docs/screenshots/party-me-mobile.png."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from cityservices.party_day.members_portal.demo import DEMO_PASSWORD
from tests.browser.conftest import MOBILE, ROOT, Server, watch_console

SCREENSHOTS = ROOT / "docs" / "screenshots"
FIND = """
from cityservices.auth.citizens.service import CitizenKeys
from cityservices.config import get_settings
from cityservices.db import session_scope
from cityservices.party_day.members_portal.demo import link_demo_citizen
from cityservices.platform.runtime import make_runtime
from cityservices.platform.security import load_secret
settings = get_settings()
with session_scope(make_runtime(settings).sessions) as session:
    linked = link_demo_citizen(session, keys=CitizenKeys.from_secret(load_secret(settings)))
    print(linked.id_number if linked else "")
"""


@pytest.fixture(scope="module")
def demo_member_id(demo_env: dict[str, str], server: Server) -> str:
    done = subprocess.run([sys.executable, "-c", FIND], env=demo_env, check=True, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def test_member_reads_own_records(new_context: Any, server: Server, demo_member_id: str) -> None:
    page = new_context(MOBILE).new_page()
    problems = watch_console(page)
    page.goto(server.url("/party/me"))
    page.wait_for_url("**/citizen/login**")
    page.fill("input[name=id_number]", demo_member_id)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/party/me")
    page.wait_for_selector("text=我的党员信息")
    text = page.inner_text("main")
    assert "演示数据" in text
    assert "年度要求" in text
    assert "党费" in text
    assert demo_member_id not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.screenshot(path=str(SCREENSHOTS / "party-me-mobile.png"), full_page=True)
    assert problems == []
