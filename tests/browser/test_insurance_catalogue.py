"""The drug lookup page on a phone (360 px) with the real server and the demo data (the national catalogue is
loaded by ``load-demo``): a colloquial name, a brand, a negotiated drug with its example ratio and period."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import MOBILE, Server, watch_console


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], width


def test_drug_lookup_on_a_phone(new_context: Any, server: Server, artifacts: Path) -> None:
    page = new_context(MOBILE).new_page()
    problems = watch_console(page)
    page.goto(server.url("/insurance/catalogue"))
    _no_sideways_scroll(page)
    page.get_by_label("查一查药品能不能用医保").fill("降压药")
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("[data-drug-results]")
    assert "降压药" in page.locator("[data-understood]").first.inner_text()
    assert page.locator("[data-drug-results] .hit").count() >= 10
    assert page.locator("[data-drug-results] .hit .tag").first.inner_text() == "甲类"
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "insurance-01-colloquial-mobile.png"), full_page=True)

    page.get_by_label("查一查药品能不能用医保").fill("拜新同")
    page.get_by_label("您是").select_option("1201")
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("[data-drug-results]")
    assert "硝苯地平" in page.locator("[data-understood]").first.inner_text()

    page.goto(server.url("/insurance/catalogue?q=" + "注射用艾普拉唑钠"))
    hit = page.locator("[data-drug-results] .hit").first
    assert "示例参数，未经核实" in hit.locator("[data-preselfpay]").inner_text()
    assert "协议期" in hit.locator("[data-agreement]").inner_text()
    assert "限定支付范围" in hit.locator("[data-restriction]").inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "insurance-02-negotiated-mobile.png"), full_page=True)

    page.goto(server.url("/insurance/catalogue?q=" + "二甲双胍"))  # one card per generic name, its forms under it
    card = page.locator('[data-drug-results] .hit[data-group="二甲双胍"]')
    assert card.locator(".form").count() == 2
    assert card.locator("[data-form]").all_inner_texts() == ["口服常释剂型", "缓释控释剂型"]
    _no_sideways_scroll(page)
    page.screenshot(path=str(artifacts / "insurance-03-forms-mobile.png"), full_page=True)
    assert problems == []
