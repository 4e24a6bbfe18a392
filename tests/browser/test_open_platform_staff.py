"""The open platform's staff pages in Chromium: a unit's representative registers (over HTTP), staff open the
account on the apps page; the representative requests an HMAC app; staff refuse without a reason (told why),
then approve it and set its rate limit; the representative is shown the secret once. The 生育津贴 queue and the
certificates page open. Screenshot: docs/screenshots/open-platform-staff.png."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import DESKTOP, ROOT, Server, create_admin, demo_unit_uscc, staff_sign_in, watch_console

pytestmark = pytest.mark.browser
SCREENSHOT = ROOT / "docs" / "screenshots" / "open-platform-staff.png"
PASSWORD = "open-clerk-2026"
FIRM_PASSWORD = "hr-system-2026!"


@pytest.fixture(scope="module")
def admin(demo_env: dict[str, str]) -> str:
    return create_admin(demo_env, "openclerk", PASSWORD)


def test_staff_open_an_account_and_approve_an_app(
    new_context: Any, server: Server, demo_env: dict[str, str], admin: str
) -> None:
    code = demo_unit_uscc(demo_env)
    firm = httpx.Client(base_url=server.url(""))
    registered = firm.post(
        "/api/v1/enterprise/registrations", json={"uscc": code, "contact_name": "王小明", "password": FIRM_PASSWORD}
    )
    assert registered.status_code == 201, registered.text

    page = new_context(DESKTOP).new_page()
    problems = watch_console(page)
    staff_sign_in(page, server, admin, PASSWORD)
    page.goto(server.url("/staff/insurance/open-platform/apps"))
    row = page.locator("tr", has_text=code)
    assert "王**" in row.inner_text()
    row.locator("button", has_text="开通").click()
    page.wait_for_selector("text=单位账户已开通。")

    signed_in = firm.post("/api/v1/enterprise/login", json={"uscc": code, "password": FIRM_PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    csrf = {"X-CSRF-Token": signed_in.json()["csrf_token"]}
    request = {"name": "浏览器测试人事系统", "operations": ["employee.enrol"], "profile": "HMAC-SM3"}
    assert firm.post("/api/v1/enterprise/apps", json=request, headers=csrf).status_code == 201

    page.goto(server.url("/staff/insurance/open-platform/apps?status=pending"))
    page.click("text=浏览器测试人事系统")
    page.locator("form[action$='/decision']", has_text="拒绝").locator("button").click()
    page.wait_for_selector("text=拒绝须写明理由")
    page.locator("form[action$='/decision']", has_text="批准").first.locator("button").click()
    page.wait_for_selector("text=已批准。")
    assert "已获批" in page.inner_text("#app-status")
    assert "密钥待单位查看" in page.inner_text("table.records")
    page.fill("input[name=per_minute]", "120")
    page.locator("form[action$='/rate-limit'] button").click()
    page.wait_for_selector("text=调用频率已修改。")
    assert page.inner_text("#rate-limit") == "120"
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    app = firm.get("/api/v1/enterprise/apps").json()["apps"][-1]
    assert app["rate_limit_per_minute"] == 120
    shown = firm.post(f"/api/v1/enterprise/apps/{app['app_id']}/keys/0001/secret", headers=csrf)
    assert shown.status_code == 200
    assert len(shown.json()["secret"]) >= 32
    assert firm.post(f"/api/v1/enterprise/apps/{app['app_id']}/keys/0001/secret", headers=csrf).status_code == 409
    firm.close()

    page.goto(server.url("/staff/insurance/maternity/queue"))
    page.wait_for_selector("h1:has-text('生育津贴审核')")
    page.goto(server.url("/staff/insurance/certificates/list"))
    page.wait_for_selector("h1:has-text('参保证明')")
    # the refused form answers 422 and the staff layout names no icon (404): only script errors count
    assert [p for p in problems if not p.startswith("Failed to load resource")] == []
