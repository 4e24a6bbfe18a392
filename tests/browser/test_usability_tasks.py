"""The usability script's tasks not walked elsewhere (docs/usability.md lists all twelve and where each is
walked): a typo, browsing by level and district, a staff edit undone by restoring a version, and printing a
guide."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, MOBILE, Server, watch_console

PASSWORD = "Walk-through-2026-tasks"


def test_a_typo_still_finds_the_item(new_context: Any, server: Server) -> None:
    page = new_context(MOBILE).new_page()
    problems = watch_console(page)
    page.goto(server.url("/search?q=" + "身份正丢了怎么办"))  # 正 for 证: a homophone typo
    first = page.locator(".hit h3 a").first
    assert first.inner_text() == "居民身份证丢失补领"
    assert problems == []


def test_browsing_venues_by_level_and_district(new_context: Any, server: Server) -> None:
    page = new_context(MOBILE).new_page()
    problems = watch_console(page)
    page.goto(server.url("/browse?level=district&district=370212"))
    names = page.locator(".venue-list a, .card a, li a").all_inner_texts()
    assert any("崂山区政务服务中心" in n for n in names)
    assert problems == []


def test_a_staff_edit_is_undone_by_restoring_the_earlier_version(
    new_context: Any, server: Server, demo_env: dict[str, str]
) -> None:
    subprocess.run(
        [sys.executable, "-m", "cityservices", "create-admin", "walker", "--password-stdin"],
        env=demo_env, input=PASSWORD + "\n", check=True, capture_output=True, text=True,
    )  # fmt: skip
    page = new_context(DESKTOP).new_page()
    page.goto(server.url("/staff/login"))
    page.fill("input[name=username]", "walker")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/staff/login'] button[type=submit]")
    page.wait_for_url(re.compile(r"/staff$"))
    page.goto(server.url("/staff/venues/V370203"))
    note = page.locator("textarea[name=hours_note]")
    before = note.input_value()
    note.fill("走查用的临时说明")
    page.locator("form:has(textarea[name=hours_note]) button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "走查用的临时说明" in page.locator("textarea[name=hours_note]").input_value(), page.inner_text("main")[:500]
    page.goto(server.url("/venues/V370203"))
    expect(page.locator("main")).to_contain_text("走查用的临时说明")
    page.goto(server.url("/staff/venues/V370203/versions"))
    rows = page.locator("tbody tr")
    assert rows.count() >= 2
    earlier = page.locator("tbody tr td a").nth(1)  # the newest version is listed first
    earlier.click()
    page.locator("form[action$='/restore'] button[type=submit]").click()
    page.goto(server.url("/venues/V370203"))
    expect(page.locator("main")).not_to_contain_text("走查用的临时说明")
    page.goto(server.url("/staff/venues/V370203"))
    assert page.locator("textarea[name=hours_note]").input_value() == before


def test_a_printed_guide_has_the_guide_and_no_page_furniture(new_context: Any, server: Server) -> None:
    page = new_context(MOBILE).new_page()
    page.goto(server.url("/items/QD-GA-0023"))
    page.emulate_media(media="print")
    assert page.get_by_role("heading", name=re.compile("申请材料")).is_visible()
    assert page.locator(".print-only").first.is_visible()
    assert not page.locator("[data-nearme]").is_visible()  # interactive parts are not printed
    assert not page.locator("[data-feedback]").is_visible()
