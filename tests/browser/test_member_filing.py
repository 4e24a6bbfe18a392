"""A demo citizen on a phone (360 px) signs in, files for treatment elsewhere on the filing page and sees the
filing in their archive. Screenshot: docs/screenshots/member-filing-mobile.png."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from tests.browser.conftest import MOBILE, ROOT, Server, watch_console

pytestmark = pytest.mark.browser
SCREENSHOT = ROOT / "docs" / "screenshots" / "member-filing-mobile.png"
# The demo citizen accounts printed by load-demo; the first whose member has no filing in force.
PICK = """
from cityservices.config import get_settings
from cityservices.db import session_scope
from cityservices.insurance.archive import repository
from cityservices.insurance.archive.flows import DEMO_CITIZENS, demo_password
from cityservices.insurance.filings import service as filings
from cityservices.kit.audit import SYSTEM
from cityservices.platform.runtime import make_runtime
runtime = make_runtime(get_settings())
with session_scope(runtime.sessions) as session:
    for index, member in enumerate(repository.demo_members(session, DEMO_CITIZENS), start=1):
        mine = filings.member_filings(session, member.psn_no, actor=SYSTEM)
        if not any(f.status == "active" for f in mine):
            print(member.certno, demo_password(index))
            break
"""


@pytest.fixture(scope="module")
def demo_citizen(demo_env: dict[str, str], server: Server) -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-c", PICK], env=demo_env, check=True, capture_output=True, text=True)
    id_number, password = done.stdout.split()
    return id_number, password


def test_a_demo_citizen_files_and_sees_it_in_the_archive(
    new_context: Any, server: Server, demo_citizen: tuple[str, str]
) -> None:
    page = new_context(MOBILE, geolocation=False).new_page()
    problems = watch_console(page)
    page.goto(server.url("/insurance/filing"))
    page.click("text=登录后办理备案")
    page.wait_for_url("**/citizen/login**")
    page.fill("input[name=id_number]", demo_citizen[0])
    page.fill("input[name=password]", demo_citizen[1])
    page.click("button[type=submit]")
    page.wait_for_url("**/insurance/filing")
    form = page.locator("#own-filing")
    form.wait_for()
    form.locator("select[name=category]").select_option("temporary")
    form.locator("select[name=province]").select_option("11")
    form.locator("input[value=personal_commitment]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=已备案：临时外出就医，就医地 北京市")
    assert "北京市" in page.inner_text("#own-filings")
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.locator("#mine").scroll_into_view_if_needed()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    page.goto(server.url("/insurance/archive"))
    filed = page.locator("#archive-filings")
    assert "临时外出就医 · 北京市" in filed.inner_text()
    assert "有效" in filed.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    assert problems == []
