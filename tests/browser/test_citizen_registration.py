"""A citizen opens an account on a phone (360 px) with the code the outbox holds, then resets the password with a
new code after one wrong entry; the pages speak plain Chinese and never scroll sideways. (Matching an account to
a member through the ID number is tested in tests/auth/citizens/test_registration.py.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from cityservices.kit.messaging.models import OutboxMessage
from tests.browser.conftest import MOBILE, Server, watch_console
from tests.browser.test_citizen_pages import operator_text, visible_text
from tests.insurance.builders import certno

pytestmark = pytest.mark.browser
PHONE = "13955550123"
PASSWORD = "Fushan-bay-2026"
NEW_PASSWORD = "Zhanqiao-pier-88"
ID_NUMBER = certno(777, birth="19900315", region="110101")  # not a Qingdao demo member
NAME = "林晓"


def outbox_code(demo_env: dict[str, str]) -> str:
    """The code of the newest message to PHONE, read where a gateway would read it."""
    engine = create_engine(demo_env["CITYSERVICES_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            query = select(OutboxMessage.body).where(OutboxMessage.recipient == PHONE).order_by(OutboxMessage.id.desc())
            body = connection.scalars(query).first()
    finally:
        engine.dispose()
    assert body is not None
    found = re.search(r"验证码 ([0-9]{6})", body)
    assert found
    return found.group(1)


def check_page(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    assert operator_text(visible_text(page)) == []


def test_register_then_reset_on_a_phone(
    new_context: Any, server: Server, demo_env: dict[str, str], artifacts: Path
) -> None:
    id_number, name = ID_NUMBER, NAME
    page = new_context(MOBILE, geolocation=False).new_page()
    problems = watch_console(page)
    page.goto(server.url("/citizen/login"))
    page.click("text=开通居民账户")
    page.wait_for_url("**/citizen/register")
    form = page.locator("#register-form")
    form.locator("input[name=id_number]").fill(id_number)
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=phone]").fill(PHONE)
    form.locator("button[value=code]").click()
    page.wait_for_selector("text=验证码已发送至 139****0123")
    check_page(page)
    page.screenshot(path=str(artifacts / "citizen-register-mobile.png"), full_page=True)
    form.locator("input[name=code]").fill(outbox_code(demo_env))
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[value=register]").click()
    page.wait_for_url("**/citizen")
    assert f"{name[0]}*" in page.inner_text("main")
    page.click("text=退出登录")
    page.wait_for_url("**/citizen/login")
    page.click("text=忘记密码")
    page.wait_for_url("**/citizen/reset")
    form = page.locator("#reset-form")
    form.locator("input[name=id_number]").fill(id_number)
    form.locator("input[name=phone]").fill(PHONE)
    form.locator("button[value=code]").click()
    page.wait_for_selector("text=验证码已发送至 139****0123")
    check_page(page)
    form.locator("input[name=code]").fill("000000" if outbox_code(demo_env) != "000000" else "111111")
    form.locator("input[name=password]").fill(NEW_PASSWORD)
    form.locator("button[value=reset]").click()
    page.wait_for_selector("text=验证码不正确，还可再试 4 次")
    assert len(problems) == 1  # the refused form is answered 422, which the browser reports
    assert "422" in problems.pop()
    form.locator("input[name=code]").fill(outbox_code(demo_env))
    form.locator("input[name=password]").fill(NEW_PASSWORD)
    form.locator("button[value=reset]").click()
    page.wait_for_url("**/citizen")

    page.click("text=退出登录")
    page.wait_for_url("**/citizen/login")
    page.fill("input[name=id_number]", id_number)
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/citizen")
    assert problems == []
