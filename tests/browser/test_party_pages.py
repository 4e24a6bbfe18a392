"""A branch secretary runs a Party Day on a 360 px phone: plan → sign-in (QR page and roster) → minutes →
self-check, with no sideways scroll and Beijing times. The real server runs over a fresh SQLite file with the demo
Party organisation (``cityservices party load-demo``) and an administrator. Screenshots:
test-artifacts/browser/party-*.png."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, MOBILE, Server, watch_console

pytestmark = pytest.mark.browser

PASSWORD = "party-browser-42"


@pytest.fixture(scope="session")
def party_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("party-browser-db")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITYSERVICES_")}
    env |= {
        "CITYSERVICES_DATABASE_URL": f"sqlite:///{folder / 'party.db'}",
        "CITYSERVICES_COOKIE_SECURE": "false",
        "CITYSERVICES_RATE_LIMIT_API_PER_MINUTE": "0",
        "CITYSERVICES_RATE_LIMIT_LOGIN_PER_MINUTE": "0",  # as for the demo server (tests/browser/conftest.py)
    }
    run = [sys.executable, "-m", "cityservices"]
    subprocess.run([*run, "party", "load-demo"], env=env, check=True, capture_output=True, text=True)
    subprocess.run([*run, "create-admin", "secretary", "--password-stdin"], env=env, check=True, input=PASSWORD + "\n",
                   capture_output=True, text=True)  # fmt: skip
    return env


@pytest.fixture(scope="session")
def party_server(party_env: dict[str, str]) -> Iterator[Server]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    running = Server(party_env, Path(ARTIFACTS) / "server-party.log")
    yield running
    running.stop()


BEIJING = dt.timezone(dt.timedelta(hours=8))
BRANCH = "DEMO-370202.C1.B3"  # a demo retired staff branch (离退休)


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= MOBILE["width"]


def test_secretary_flow_on_a_phone(party_server: Any, new_context: Any) -> None:
    page = new_context(MOBILE, geolocation=False).new_page()
    problems = watch_console(page)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto(party_server.url("/staff/login"))
    page.fill("input[name=username]", "secretary")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    before = len(problems)  # the staff start page after signing in belongs to another domain
    page.goto(party_server.url("/party/manage/plan"))
    start = dt.datetime.now(BEIJING) - dt.timedelta(minutes=5)
    page.select_option("#branch", BRANCH)
    page.fill("#theme", "学习党章 重温入党誓词")
    page.fill("#day", start.strftime("%Y-%m-%d"))
    page.fill("#start", start.strftime("%H:%M"))
    page.fill("#place", "老干部活动中心")
    page.check("input[name=contents][value=理论学习]")
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "party-plan-mobile.png"), full_page=True)
    page.uncheck("input[name=steps][value=oath_review]")
    page.click("button[type=submit]")
    assert "缺少离退休干部职工党支部必备的程序环节：重温入党誓词" in page.locator("[role=alert]").inner_text()
    page.check("input[name=steps][value=oath_review]")
    page.click("button[type=submit]")
    page.wait_for_url("**/party/manage/activities/*")
    assert page.locator(".qr svg").count() == 1
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "party-sign-in-mobile.png"), full_page=True)
    ticks = page.locator("text=点名签到")
    expected = ticks.count()
    assert expected >= 5
    for _ in range(expected - 1):  # everyone but the last member is ticked present
        page.locator("text=点名签到").first.click()
        page.wait_for_load_state()
    page.fill("input[name=reasons]", "因病请假")
    page.fill("#content", "集中学习党章，重温入党誓词。")
    page.click("text=保存记录")
    assert f"实到 {expected - 1} 人，缺席 1 人" in page.content()
    page.select_option("#s1", "4")
    page.click("text=提交自评")
    assert "自评总分 24 分" in page.content()
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "party-review-mobile.png"), full_page=True)
    assert missing == []
    # the refused plan is answered 422 on purpose; nothing else may fail (CSP, scripts, resources)
    assert [p for p in problems[before:] if "422" not in p] == []


def _sign_in(page: Any, server: Any) -> None:
    page.goto(server.url("/staff/login"))
    page.fill("input[name=username]", "secretary")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _shot(page: Any, name: str) -> None:
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_committee_dashboard_and_records_on_a_phone(party_server: Any, new_context: Any, tmp_path: Path) -> None:
    """The city's dashboard (SVG charts drawn on the server), the branch's reminders, a held day's photos and its
    printable record, the library and the study pages, all at 360 px."""

    from PIL import Image

    from tests.builders import pdf_text

    page = new_context(MOBILE, geolocation=False).new_page()
    problems = watch_console(page)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    _sign_in(page, party_server)
    before = len(problems)
    page.goto(party_server.url("/party/manage/dashboard"))
    assert "组织生活看板" in page.inner_text("h1")
    charts = page.locator("svg.chart")
    assert charts.count() >= 9  # requirements, then four per grouping (districts, branch kinds)
    for i in range(charts.count()):
        assert charts.nth(i).bounding_box()["width"] <= MOBILE["width"]
    assert "市南区" in page.content()
    assert "离退休干部职工党支部" in page.content()
    _shot(page, "party-dashboard-mobile.png")
    page.click('ul.rows a:has-text("市南区")')  # a district's own dashboard, one level down
    page.wait_for_load_state()
    assert "市南区" in page.inner_text("h1")
    page.goto(party_server.url(f"/party/manage?branch={BRANCH}"))
    assert page.locator(".notices li").count() >= 1
    _shot(page, "party-reminders-mobile.png")
    held = page.request.get(party_server.url(f"/api/v1/party/activities?branch={BRANCH}&limit=50")).json()
    day = next(a for a in held["items"] if a["status"] in ("held", "reviewed"))
    page.goto(party_server.url(f"/party/manage/activities/{day['id']}"))
    photo = tmp_path / "现场.jpg"
    Image.new("RGB", (1200, 900), (190, 30, 30)).save(photo, "JPEG")
    page.set_input_files("#photo", str(photo))
    with page.expect_navigation():  # the upload's answer page, not the form it left
        page.click("form[enctype] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".photos img").count() > 0, page.inner_text("main")[:600]
    image = page.locator(".photos img").first
    image.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    _shot(page, "party-minutes-photos-mobile.png")
    record = page.request.get(party_server.url(f"/api/v1/party/activities/{day['id']}/record.pdf"))
    assert record.headers["content-type"] == "application/pdf"
    text = pdf_text(record.body())
    assert day["theme"] in text
    assert "演示数据" in text
    assert "活动照片" in text
    (ARTIFACTS / "party-record.pdf").write_bytes(record.body())
    page.goto(party_server.url("/party/manage/library"))
    page.fill("#q", "lianjie")  # pinyin of 廉洁
    page.click("button:has-text('检索')")
    page.wait_for_url("**/party/manage/library?q=lianjie*")
    titles = page.locator("ul.rows li a").all_inner_texts()
    assert titles
    assert all("廉洁" in t for t in titles)
    _shot(page, "party-library-mobile.png")
    page.goto(party_server.url(f"/party/manage/branches/{BRANCH}/study"))
    assert "党员学时统计" in page.inner_text("h1")
    _shot(page, "party-study-overview-mobile.png")
    page.locator("ul.rows li a").first.click()
    page.wait_for_load_state()
    page.fill("#minutes", "90")
    page.fill("#note", "自学党章第一章")
    page.click("button:has-text('保存')")
    page.wait_for_load_state()
    assert "自学党章第一章" in page.content()
    _shot(page, "party-study-mobile.png")
    assert missing == []
    assert problems[before:] == []
