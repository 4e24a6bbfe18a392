"""Bundle pages show plans, in a real browser at 360 px: prerequisites (先办), alternatives (选择其一) and
conditional steps (如…则办) are grouped, and the API carries the same plan."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, DESKTOP, MOBILE, Server

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _api(server: Server, path: str) -> Any:
    with urllib.request.urlopen(server.url(path), timeout=30) as answer:
        return json.load(answer)


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_bundle_pages_group_alternatives_prerequisites_and_conditions(new_context: Any, server: Server) -> None:
    page = new_context(MOBILE).new_page()

    page.goto(server.url("/bundles/B-CATERING"))
    first = page.locator(".bundle-plan > li").first
    assert first.get_attribute("data-plan-kind") == "first"
    assert "先办" in first.inner_text()
    assert "公司设立登记" in first.inner_text()
    assert "营业执照" in first.inner_text()  # what the step issues
    assert page.locator(".bundle-plan > li[data-plan-kind=if]").count() >= 1
    assert "如店内销售卷烟，则办" in page.inner_text("main")
    assert _fits(page)

    page.goto(server.url("/bundles/B-REMOTE-CARE"))
    choice = page.locator(".bundle-plan > li[data-plan-kind=choice]")
    assert choice.count() == 1  # four filings are one stage, not steps 1–4
    assert "选择其一" in choice.inner_text()
    assert choice.locator(".plan-options > li").count() == 4
    assert page.locator(".bundle-plan > li").count() == 2  # then the conditional reimbursement
    assert _fits(page)
    page.screenshot(path=str(ARTIFACTS / "bundle-plan-remote-care-360.png"), full_page=True)

    page.goto(server.url("/bundles/B-RETIRE"))
    choice = page.locator(".bundle-plan > li[data-plan-kind=choice]")
    assert choice.count() == 1
    assert "正常退休" in choice.inner_text()
    assert "提前退休" in choice.inner_text()
    assert _fits(page)


def test_the_bundle_api_carries_the_plan(server: Server) -> None:
    members = _api(server, "/api/v1/bundles/B-RETIRE")["items"]
    kinds = {m["item"]["code"]: (m["kind"], m["choice_group"]) for m in members}
    assert kinds["QD-RS-0009"] == ("choice", "退休申请")
    assert kinds["QD-RS-0010"] == ("choice", "退休申请")
    catering = _api(server, "/api/v1/bundles/B-CATERING")["items"]
    assert catering[0]["kind"] == "first"
    assert catering[0]["produces"] == ["营业执照"]


def test_near_me_for_a_bundle_goes_by_the_citizens_plan(new_context: Any, server: Server) -> None:
    page = new_context(MOBILE).new_page()
    page.goto(server.url("/bundles/B-REMOTE-CARE"))
    answers = page.locator("[data-plan-answers]")
    assert answers.locator("[data-plan-pick] option").count() == 5  # "the nearest" and the four filings
    assert answers.locator("[data-plan-if]").count() == 1
    page.click("[data-nearme-go]")
    summary = page.locator("[data-plan-summary]")
    summary.locator("li").first.wait_for()
    chosen = summary.locator("[data-plan-status=chosen]")
    assert chosen.count() == 1  # one filing of the four, not all of them
    assert "离您最近的" in chosen.inner_text()  # 开放场所, or at night the nearest at all
    assert "如适用" in summary.locator("[data-plan-status=if_applicable]").inner_text()
    assert page.locator("[data-results] .venue-hit").count() >= 1

    picked = page.locator("[data-plan-pick] option").nth(3)
    name = picked.inner_text()
    page.select_option("[data-plan-pick]", picked.get_attribute("value"))
    page.select_option("[data-plan-if]", "skip")
    page.wait_for_function("() => document.querySelector('[data-plan-summary] [data-plan-status=skipped]') !== null")
    assert name in summary.locator("[data-plan-status=chosen]").inner_text()
    assert "离您最近" not in summary.inner_text()
    assert "不适用" in summary.locator("[data-plan-status=skipped]").inner_text()
    assert not page.locator("[data-results] .venue-hit").first.inner_text().startswith("这里办不了")
    assert _fits(page)
    page.locator("[data-nearme]").screenshot(path=str(SCREENSHOTS / "bundle-near-me-plan-mobile.png"))


def test_the_bundle_page_on_a_desktop(new_context: Any, server: Server) -> None:
    page = new_context(DESKTOP).new_page()
    page.goto(server.url("/bundles/B-REMOTE-CARE"))
    page.click("[data-nearme-go]")
    page.locator("[data-plan-summary] li").first.wait_for()
    page.locator("#nearme-map .leaflet-marker-icon").first.wait_for()
    page.wait_for_timeout(500)  # the map's fit animation, for the picture only
    assert "选择其一" in page.inner_text(".bundle-plan")
    assert "one_thing_bundles" not in page.inner_text("main")  # no operator text
    page.screenshot(path=str(SCREENSHOTS / "bundle-desktop.png"), full_page=True)
