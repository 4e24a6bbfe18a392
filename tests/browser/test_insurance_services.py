"""The insurance member pages on a phone (360 px) with the real server and the demo data: the service map
(pins, nearest to the browser's position, a walking route, demo marks, no dialable generated phone) and the
filing page with its ratio preview. The map's screenshot is kept in docs/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import MOBILE, ROOT, Server, watch_console

SCREENSHOTS = ROOT / "docs" / "screenshots"


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], width


def test_the_insurance_map_on_a_phone(new_context: Any, server: Server, artifacts: Path) -> None:
    page = new_context(MOBILE).new_page()
    problems = watch_console(page)
    page.goto(server.url("/insurance/map?kind=hospital"))
    page.wait_for_selector("#ins-map .leaflet-marker-icon")
    _no_sideways_scroll(page)
    page.get_by_role("button", name="离我最近").click()
    page.wait_for_url("**lat=**")
    page.wait_for_selector("#ins-map .leaflet-marker-icon")
    assert "按离您的直线距离由近到远排列" in page.locator("#map-status").inner_text()
    first = page.locator("#places li").first
    assert "公里" in first.locator(".kind").inner_text()
    assert "演示数据" in first.inner_text()
    assert page.locator("#places a[href^='tel:']").count() == 0
    first.get_by_role("button", name="步行路线").click()
    result = first.locator(".route-result")
    result.wait_for(state="visible")
    assert "步行约" in result.inner_text()
    assert "估算" in result.inner_text()
    page.wait_for_selector("#ins-map path.route")
    _no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    top_of_list = {"x": 0, "y": 0, "width": MOBILE["width"], "height": 1500}  # the map and the nearest places
    page.screenshot(path=str(SCREENSHOTS / "insurance-map-mobile.png"), full_page=True, clip=top_of_list)
    page.screenshot(path=str(artifacts / "insurance-map-full-mobile.png"), full_page=True)
    assert problems == []


def test_the_filing_page_on_a_phone(new_context: Any, server: Server, artifacts: Path) -> None:
    page = new_context(MOBILE).new_page()
    problems = watch_console(page)
    page.goto(server.url("/insurance/filing"))
    page.get_by_label("我是").select_option("1101")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**psn_type=1101**")
    cards = page.locator("#preview li.ins-card")
    assert cards.count() == 5
    assert "降低" in cards.nth(3).inner_text()
    assert "不能直接结算" in cards.nth(4).inner_text()
    assert "示例参数，未经核实" in page.locator("main").inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "insurance-filing-mobile.png"), full_page=True)
    assert problems == []
