"""The staff record form in Chromium: table rows added and removed with the buttons, a time typed wrongly is
refused with what to type, a confirmed demo value loses its mark, and the form fits a 360 px phone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from cityservices.service_map.catalogue.models import Venue
from tests.browser.conftest import DESKTOP, MOBILE, Server, create_admin, staff_sign_in, watch_console

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "form-clerk-2026"


@pytest.fixture(scope="module")
def clerk(demo_env: dict[str, str]) -> str:
    return create_admin(demo_env, "formclerk", PASSWORD)


def a_demo_venue(demo_env: dict[str, str]) -> Venue:
    engine = create_engine(demo_env["CITYSERVICES_DATABASE_URL"])
    with Session(engine) as session:
        venue = session.scalars(select(Venue).where(Venue.level == "district").order_by(Venue.id)).first()
        assert venue is not None
        session.expunge(venue)
    engine.dispose()
    return venue


def sign_in(page: Any, server: Server, username: str) -> None:
    staff_sign_in(page, server, username, PASSWORD)


def test_rows_added_and_removed_and_a_demo_value_confirmed(
    new_context: Any, server: Server, demo_env: dict[str, str], clerk: str
) -> None:
    venue = a_demo_venue(demo_env)
    page = new_context(DESKTOP).new_page()
    errors = watch_console(page)
    sign_in(page, server, clerk)
    page.goto(server.url(f"/staff/venues/{venue.id}"))
    assert page.locator("textarea:visible").count() <= 8  # long texts only: no JSON boxes
    phones = page.locator("[data-rows=phones] [data-row]")
    count = phones.count()
    first_number = page.input_value("[data-rows=phones] [data-row] >> nth=0 >> input[name$='.number']")
    # add a row with the button, fill it; remove the first phone
    page.click("[data-rows=phones] [data-add-row]")
    assert phones.count() == count + 1
    new_row = phones.nth(count)
    new_row.locator("input[name$='.label']").fill("预约")
    new_row.locator("input[name$='.number']").fill("0532-80009999")
    phones.nth(0).locator("[data-remove-row]").click()
    assert phones.count() == count
    names = page.eval_on_selector_all("[data-rows=phones] input", "els => els.map(e => e.name)")
    assert names[:2] == ["phones.0.label", "phones.0.number"]  # renumbered from 0
    # a time in the wrong form is refused with what to type, and nothing is saved
    page.fill("input[name='hours.mon']", "早上9点-12点")
    page.check("input[name='verified.phones']")
    page.click(".record-form > button[type=submit]")
    expect_text = page.locator("[role=alert]").inner_text()
    assert "请按 09:00-12:00 格式填写" in expect_text
    page.goto(server.url(f"/staff/venues/{venue.id}"))  # start again from the stored record
    page.click("[data-rows=phones] [data-add-row]")
    row = page.locator("[data-rows=phones] [data-row]").last
    row.locator("input[name$='.label']").fill("预约")
    row.locator("input[name$='.number']").fill("0532-80009999")
    page.locator("[data-rows=phones] [data-row]").nth(0).locator("[data-remove-row]").click()
    page.check("input[name='verified.phones']")
    page.click(".record-form > button[type=submit]")
    page.wait_for_url(re.compile(r"\?saved=2$"))
    assert "最近核实：电话" in page.inner_text("[data-verified]")
    assert page.locator("input[name='verified.phones']").count() == 0
    numbers = page.eval_on_selector_all(
        "[data-rows=phones] input[name$='.number']", "els => els.map(e => e.value).filter(Boolean)"
    )
    assert first_number not in numbers
    assert "0532-80009999" in numbers
    page.locator("[data-rows=phones]").screenshot(path=str(SCREENSHOTS / "staff-form-rows.png"))
    page.goto(server.url(f"/staff/venues/{venue.id}/versions/2"))
    labels = page.eval_on_selector_all("table.diff tbody td:first-child", "els => els.map(e => e.textContent)")
    assert "电话 · 号码 0532-80009999" in labels
    assert "北京时间" in page.inner_text("main")
    # the refused form answers 422 and the demo venue's sample photos are absent: only script errors count
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []


def test_the_form_fits_a_phone(new_context: Any, server: Server, demo_env: dict[str, str], clerk: str) -> None:
    venue = a_demo_venue(demo_env)
    page = new_context(MOBILE).new_page()
    sign_in(page, server, clerk)
    page.goto(server.url(f"/staff/venues/{venue.id}"))
    page.locator("[data-rows=windows] [data-add-row]").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.locator("[data-rows=kiosks]").screenshot(path=str(SCREENSHOTS / "staff-form-kiosks-mobile.png"))


def test_guide_and_bundle_lists_are_rows_with_per_row_errors(
    new_context: Any, server: Server, demo_env: dict[str, str], clerk: str
) -> None:
    page = new_context(DESKTOP).new_page()
    errors = watch_console(page)
    sign_in(page, server, clerk)
    page.goto(server.url("/staff/guides/QD-GA-0005"))
    assert page.locator("textarea[name=materials], textarea[name=steps], textarea[name=channels]").count() == 0
    assert "（JSON）" not in page.inner_text("main")
    steps = page.locator("[data-rows=steps] [data-row]")
    count = steps.count()
    assert count >= 3  # the stored steps and one empty row
    second = steps.nth(1).locator("input[name$='.name']").input_value()
    steps.nth(1).locator("[data-move-up]").click()  # reordered with the button, renumbered from 0
    assert steps.nth(0).locator("input[name$='.name']").input_value() == second
    assert steps.nth(0).locator("input[name$='.name']").get_attribute("name") == "steps.0.name"
    materials = page.locator("[data-rows=materials] [data-row]")
    before = materials.count()
    page.click("[data-rows=materials] [data-add-row]")
    assert materials.count() == before + 1
    added = materials.last
    added.locator("select[name$='.form']").select_option("复印件")
    added.locator("input[name$='.copies']").fill("两份")  # and no name: two problems in one row
    page.click(".record-form > button[type=submit]")
    alert = page.locator("[role=alert]").first.inner_text()
    assert "申请材料：第" in alert
    assert "请填写材料名称" in alert
    bad = page.locator("[data-rows=materials] .row-card.has-error")
    assert bad.count() == 1
    assert bad.locator("input[name$='.copies']").input_value() == "两份"  # kept as typed
    bad.locator("input[name$='.name']").fill("近期免冠照片")
    bad.locator("input[name$='.copies']").fill("2")
    page.click(".record-form > button[type=submit]")
    page.wait_for_url(re.compile(r"\?saved=\d+$"))
    assert page.locator("[data-rows=steps] [data-row] >> nth=0 >> input[name$='.name']").input_value() == second
    names = page.eval_on_selector_all("[data-rows=materials] input[name$='.name']", "els => els.map(e => e.value)")
    assert "近期免冠照片" in names
    page.locator("[data-rows=materials]").screenshot(path=str(SCREENSHOTS / "staff-form-guide-rows.png"))

    page.goto(server.url("/staff/bundles/B-REMOTE-CARE"))
    kinds = page.eval_on_selector_all("[data-rows=items] select[name$='.kind']", "els => els.map(e => e.value)")
    assert kinds[:5] == ["choice", "choice", "choice", "choice", "if"]
    row = page.locator("[data-rows=items] [data-row]").nth(4)
    row.locator("select[name$='.kind']").select_option("choice")  # a choice without its group: refused
    page.click(".record-form > button[type=submit]")
    assert "第 5 行：“选择其一”的事项请填写选项组" in page.locator("[role=alert]").first.inner_text()
    assert page.locator("[data-rows=items] .row-card.has-error").count() == 1
    assert [e for e in errors if not e.startswith("Failed to load resource")] == []


def test_bundle_and_exception_rows_fit_a_phone(
    new_context: Any, server: Server, demo_env: dict[str, str], clerk: str
) -> None:
    page = new_context(MOBILE).new_page()
    sign_in(page, server, clerk)
    page.goto(server.url("/staff/bundles/B-CATERING"))
    page.locator("[data-rows=items] [data-add-row]").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    page.locator("[data-rows=items] [data-row]").first.screenshot(
        path=str(SCREENSHOTS / "staff-form-bundle-step-mobile.png")
    )
    venue = a_demo_venue(demo_env)
    page.goto(server.url(f"/staff/venues/{venue.id}"))
    page.click("[data-rows=hours_exceptions] [data-add-row]")
    row = page.locator("[data-rows=hours_exceptions] [data-row]").last
    row.locator("input[type=date]").fill("2027-02-16")
    row.locator("input[type=checkbox]").check()
    row.locator("input[name$='.hours']").fill("09:00-12:00")  # closed and open: refused, with what to do
    page.click(".record-form > button[type=submit]")
    assert "请清空时段" in page.locator("[role=alert]").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    bad = page.locator("[data-rows=hours_exceptions] .row-card.has-error")
    bad.locator("input[name$='.hours']").fill("")
    page.click(".record-form > button[type=submit]")
    page.wait_for_url(re.compile(r"\?saved=\d+$"))
    dates = page.eval_on_selector_all("[data-rows=hours_exceptions] input[type=date]", "els => els.map(e => e.value)")
    assert "2027-02-16" in dates
    page.locator("[data-rows=hours_exceptions]").screenshot(path=str(SCREENSHOTS / "staff-form-exceptions-mobile.png"))
