"""The enterprise pages in Chromium at 360 px: a unit's representative registers on the page, staff open the
account on the open-platform staff page, the representative signs in and requests an HMAC app, staff approve it,
and the secret is shown once (a second look is not offered). No sideways scroll on any step.
Screenshot: docs/screenshots/enterprise-portal-mobile.png."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import (
    DESKTOP,
    MOBILE,
    ROOT,
    Server,
    create_admin,
    demo_unit_uscc,
    staff_sign_in,
    watch_console,
)

pytestmark = pytest.mark.browser
SCREENSHOT = ROOT / "docs" / "screenshots" / "enterprise-portal-mobile.png"
PASSWORD = "portal-clerk-2026"
FIRM_PASSWORD = "hr-portal-2026!"


@pytest.fixture(scope="module")
def admin(demo_env: dict[str, str]) -> str:
    return create_admin(demo_env, "portalclerk", PASSWORD)


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"{page.url} is {width}px wide"


def test_register_request_and_see_the_secret_once(
    new_context: Any, server: Server, demo_env: dict[str, str], admin: str
) -> None:
    code = demo_unit_uscc(demo_env, last=True)
    firm = new_context(MOBILE, geolocation=False).new_page()
    problems = watch_console(firm)
    firm.goto(server.url("/enterprise"))
    no_sideways_scroll(firm)
    firm.click("text=还没有单位账户？申请开通")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    firm.fill("input[name=uscc]", wrong)
    firm.fill("input[name=contact_name]", "李晓红")
    firm.fill("input[name=password]", FIRM_PASSWORD)
    firm.click("#register-form button[type=submit]")
    assert "统一社会信用代码" in firm.inner_text("p.error")
    firm.fill("input[name=uscc]", code)
    firm.fill("input[name=password]", FIRM_PASSWORD)
    firm.click("#register-form button[type=submit]")
    firm.wait_for_selector("text=申请已提交")
    no_sideways_scroll(firm)

    staff = new_context(DESKTOP, geolocation=False).new_page()
    staff_sign_in(staff, server, admin, PASSWORD)
    staff.click("nav >> text=开放平台")
    staff.locator("tr", has_text=code).locator("button", has_text="开通").click()
    staff.wait_for_selector("text=单位账户已开通。")

    firm.goto(server.url("/enterprise"))
    firm.fill("input[name=uscc]", code)
    firm.fill("input[name=password]", FIRM_PASSWORD)
    firm.click("form[action='/enterprise/login'] button[type=submit]")
    firm.wait_for_url(re.compile(r"/enterprise/apps$"))
    firm.click("text=申请接入应用")
    firm.fill("input[name=name]", "门户测试人事系统")
    firm.check("input[name=operations][value='employee.enrol']")
    firm.select_option("select[name=profile]", "HMAC-SM3")
    no_sideways_scroll(firm)
    firm.click("#app-form button[type=submit]")
    firm.wait_for_selector("text=申请已提交，等待工作人员审核。")
    assert "待审核" in firm.locator("article", has_text="门户测试人事系统").inner_text()

    staff.goto(server.url("/staff/insurance/open-platform/apps?status=pending"))
    staff.click("text=门户测试人事系统")
    staff.locator("form[action$='/decision']", has_text="批准").first.locator("button").click()
    staff.wait_for_selector("text=已批准。")

    firm.reload()
    card = firm.locator("article", has_text="门户测试人事系统")
    assert "已批准" in card.inner_text()
    no_sideways_scroll(firm)
    card.locator("button", has_text="查看密钥（只显示一次）").click()
    firm.wait_for_selector("#secret")
    assert "只显示一次" in firm.inner_text("p.error")
    assert len(firm.inner_text("#secret").strip()) >= 32
    no_sideways_scroll(firm)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    firm.screenshot(path=str(SCREENSHOT), full_page=True)

    firm.click("text=我已保存，返回本单位的接入应用")
    card = firm.locator("article", has_text="门户测试人事系统")
    assert card.locator("button", has_text="查看密钥").count() == 0
    # the refused registration answers 422 on purpose: only script errors count
    assert [p for p in problems if not p.startswith("Failed to load resource")] == []
