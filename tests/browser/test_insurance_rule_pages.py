"""The staff rule-editing pages in Chromium: the tables with the 示例参数 marking, a row's note changed through the
structured form, the versions page showing the changed field, a second tab still at the old version refused with
a clear message; the pages fit a 360 px phone.

Only the row's note is changed, so that no figure another test computes moves."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, MOBILE, Server, create_admin, staff_sign_in, watch_console

PASSWORD = "rule-clerk-2026"
ROW = "pool-310-inp-ret-l3"


@pytest.fixture(scope="module")
def rule_clerk(demo_env: dict[str, str]) -> str:
    return create_admin(demo_env, "ruleclerk", PASSWORD)


def sign_in(page: Any, server: Server, username: str) -> None:
    staff_sign_in(page, server, username, PASSWORD)


def test_a_rule_row_edited_and_a_stale_tab_refused(new_context: Any, server: Server, rule_clerk: str) -> None:
    context = new_context(DESKTOP)
    page = context.new_page()
    errors = watch_console(page)
    sign_in(page, server, rule_clerk)
    page.click("nav >> text=医保规则")
    page.click(".rule-tables >> text=统筹基金支付比例")
    row = page.locator(f"tr[data-rule='{ROW}']")
    assert "示例参数，未经核实" in row.inner_text()
    row.locator("a").click()
    page.wait_for_url(re.compile(rf"/staff/insurance/rules/row/{ROW}$"))
    assert page.locator("select[name=psn_group]").input_value() == "retired"
    assert page.locator("input[name=valid_from]").get_attribute("type") == "date"
    other = context.new_page()  # a second tab opened at the same version
    other.goto(page.url)

    note = page.locator("textarea[name=note]")
    note.fill("浏览器测试：补充说明")
    page.click(".rule-form button[type=submit]")
    page.wait_for_url(re.compile(r"\?saved=\d+$"))
    saved = int(page.url.rsplit("=", 1)[1])
    assert f"已保存（版本 {saved}）" in page.inner_text("[role=status]")

    other.locator("textarea[name=note]").fill("另一个窗口的修改")
    other.click(".rule-form button[type=submit]")
    alert = other.locator("[data-stale]").inner_text()
    assert f"已被他人修改（您依据的是版本 {saved - 1}，现在是版本 {saved}）" in alert
    assert "重新打开本页" in alert

    page.click("text=历史版本")
    latest = page.locator(f"section[data-version='{saved}']")
    assert "工作人员修改" in latest.inner_text()
    assert latest.locator("table.diff tbody td").first.inner_text() == "说明"
    assert latest.locator("td.after").inner_text() == "浏览器测试：补充说明"
    assert "北京时间" in page.inner_text("main")
    # the staff layout names no icon, so the browser's own /favicon.ico request is not found: only script errors count
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []


def test_the_rule_pages_fit_a_phone(new_context: Any, server: Server, rule_clerk: str) -> None:
    page = new_context(MOBILE).new_page()
    sign_in(page, server, rule_clerk)
    for path in ("/staff/insurance/rules/tables?table=pool_ratio", f"/staff/insurance/rules/row/{ROW}",
                 f"/staff/insurance/rules/row/{ROW}/versions"):  # fmt: skip
        page.goto(server.url(path))
        assert page.locator("h1").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"], path


def test_the_estimator_offers_maternity_on_a_phone(new_context: Any, server: Server) -> None:
    page = new_context(MOBILE).new_page()
    page.goto(server.url("/insurance/estimate"))
    page.select_option("select[name=psn_type]", "1101")
    page.select_option("select[name=med_type]", "52")
    page.fill("input[name=class_a]", "3000")
    page.fill("input[name=class_b]", "1000")
    page.click(".estimate-form button[type=submit]")
    result = page.locator(".estimate-result")
    assert "其中生育基金" in result.inner_text()
    assert page.locator("select[name=med_type]").input_value() == "52"
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
