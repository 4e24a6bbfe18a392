"""Item pages at 360 px: generated guide sections say they are templates, real ones do not; the printout lists
where to go (the venues that handle the item, with address and hours)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, MOBILE, QINGDAO_ORIGIN, Server

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _api(server: Server, path: str) -> Any:
    with urllib.request.urlopen(server.url(path), timeout=30) as answer:
        return json.load(answer)


def test_generated_guide_sections_are_marked_as_templates(new_context: Any, server: Server) -> None:
    page = new_context(MOBILE).new_page()
    # A guide whose conditions, process and FAQ are generated
    page.goto(server.url("/items/QD-CG-1001"))
    notes = page.locator("[data-templated]")
    assert notes.count() == 3
    assert "以下流程为通用模板，具体以窗口要求为准" in page.inner_text("#steps-h + [data-templated]")
    summary = page.inner_text("[data-templated-summary]")
    for part in ("受理条件", "办理流程", "常见问题", "通用模板"):
        assert part in summary
    # A guide whose process comes from a published guide: no template note on it
    page.goto(server.url("/items/QD-GA-0005"))
    assert page.locator("#steps-h + [data-templated]").count() == 0
    assert "申请人通过互联网提交申请材料" in page.inner_text("ol.steps")


def test_the_printout_lists_where_to_go_with_address_and_hours(new_context: Any, server: Server) -> None:
    venues = _api(server, "/api/v1/venues?item=QD-GA-0005&limit=100")["items"]
    assert venues
    page = new_context(MOBILE).new_page()
    page.goto(server.url("/items/QD-GA-0005?district=370212"))
    block = page.locator("[data-print-venues]")
    assert block.is_hidden()  # screen: the near-me panel does this job
    page.emulate_media(media="print")
    assert block.is_visible()
    assert page.locator("section.nearme").is_hidden()
    text = block.inner_text()
    assert "去哪里办" in text
    assert "崂山区" in text
    assert "地址：" in text
    assert "办公时间" in text
    assert "周一" in text
    names = {v["name"] for v in venues}
    listed = [n for n in names if n in text]
    assert listed  # the venues printed are ones that handle the item
    page.screenshot(path=str(ARTIFACTS / "item-print-where-to-go.png"), full_page=True)


def test_the_printout_orders_venues_by_the_chosen_start_point(new_context: Any, server: Server) -> None:
    origin = QINGDAO_ORIGIN["latitude"], QINGDAO_ORIGIN["longitude"]  # the mocked position, in 市南区
    nearest = _api(server, f"/api/v1/nearest?item=QD-GA-0005&lat={origin[0]}&lng={origin[1]}&limit=3")["results"]
    page = new_context(MOBILE).new_page()
    page.goto(server.url("/items/QD-GA-0005?district=370212"))  # 崂山区 was understood; the citizen is elsewhere
    page.uncheck("[data-only-district]")
    page.click("[data-nearme-go]")
    page.locator("[data-results] .venue-hit").first.wait_for()
    page.wait_for_selector("[data-print-venues] [data-print-order=from]", state="attached")
    page.emulate_media(media="print")
    entries = page.locator("[data-print-venues] ol > li")
    assert entries.count() >= 2
    texts = [entries.nth(i).inner_text() for i in range(entries.count())]
    names = [entries.nth(i).locator("strong").inner_text() for i in range(3)]
    assert names == [hit["venue"]["name"] for hit in nearest]
    assert "[市南区]" in texts[0]  # the district stays, as a label
    metres = []
    for text in texts:
        value, unit = text.split("距离约 ")[1].split(" ·")[0].split(" ")
        metres.append(float(value) * (1000 if unit == "公里" else 1))
    assert metres == sorted(metres)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("[data-print-venues]").screenshot(path=str(SCREENSHOTS / "guide-print-where-to-go.png"))

    page.emulate_media(media="screen")  # kept to the district: the printout follows near me
    page.check("[data-only-district]")
    page.wait_for_function(
        "() => !document.querySelector('[data-print-venues] ol > li').innerText.includes('[市南区]')"
    )
    page.emulate_media(media="print")
    kept = page.locator("[data-print-venues] ol > li")
    assert all("[崂山区]" in kept.nth(i).inner_text() for i in range(kept.count()))
