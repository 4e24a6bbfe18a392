"""Every citizen page type, in a real browser: the text speaks plain Chinese (no file names, repositories, CLI
hints or English sentences), generated contact details are neither dialable nor clickable, and nothing scrolls
sideways at 360 px."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from cityservices.service_map.catalogue import repository as repo
from cityservices.service_map.catalogue.models import Item, Venue
from cityservices.service_map.catalogue.page_format import REAL_HOTLINES, is_demo
from tests.browser.conftest import MOBILE, Server

pytestmark = pytest.mark.browser

# What only an operator should read: a data file name, the CLI, a code host, or three English words in a row.
OPERATOR_TEXT = {
    "file name": re.compile(r"[\w.-]+\.(?:jsonl?|csv|tsv|py|osm|pbf|geojson|ya?ml|md|jsp|js|xml)\b", re.I),
    "CLI": re.compile(r"cityservices "),
    "code host": re.compile(r"github|gitee", re.I),
    "English": re.compile(r"\b[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]+){2,}"),
}
SEARCHES = ("身份证丢了 崂山区 周六上午", "生孩子", "刚出生", "公积金租房提取", "明天天气预报怎么样")


def api(server: Server, path: str) -> Any:
    with urllib.request.urlopen(server.url(path), timeout=30) as answer:
        return json.load(answer)


def sample(rows: list[Any], count: int) -> list[Any]:
    """``count`` rows spread over the whole list (first and last included)."""
    step = max(1, len(rows) // count)
    return [*rows[::step], rows[-1]][: count + 1]


def all_codes(server: Server, path: str, key: str) -> list[str]:
    codes: list[str] = []
    while True:
        page = api(server, f"{path}{'&' if '?' in path else '?'}limit=100&offset={len(codes)}")
        codes += [row[key] for row in page["items"]]
        if len(page["items"]) < 100:
            return codes


def citizen_paths(server: Server) -> list[str]:
    """Home, searches, browse, the sources page, every bundle, a sample of item guides and of venues."""
    paths = ["/", "/bundles", "/browse", "/sources"]
    paths += ["/search?q=" + urllib.request.quote(q) for q in SEARCHES]
    paths += ["/bundles/" + code for code in all_codes(server, "/api/v1/bundles", "code")]
    paths += ["/items/" + code for code in sample(all_codes(server, "/api/v1/items", "code"), 20)]
    paths += ["/items/QD-JJ-0002", "/items/QD-GJJ-0011"]  # the latter: the longest 什么情况下办 list
    paths += ["/venues/" + vid for vid in sample(all_codes(server, "/api/v1/venues", "id"), 12)]
    return paths


def operator_text(text: str) -> list[str]:
    return [f"{name}: {m.group(0)!r}" for name, rx in OPERATOR_TEXT.items() for m in rx.finditer(text)]


def visible_text(page: Any) -> str:
    """What a citizen reads: the page's visible text (the map tiles' attribution aside)."""
    return str(
        page.evaluate(
            """() => { let text = document.body.innerText;
            document.querySelectorAll('.leaflet-control-attribution').forEach(e => {
              text = text.replace(e.innerText, ''); });
            return text + '\\n' + document.title.replace(/ · cityservices$/, ''); }"""
        )
    )


def test_operator_text_rule_catches_what_it_is_meant_to() -> None:
    assert operator_text("来源：one_thing_bundles.json ← github:owner/repo") != []
    assert operator_text("未载入道路数据 (cityservices import-osm FILE)") != []
    assert operator_text("reprint of a 眉山市 document") != []
    assert operator_text("内容参考山东省临沂市公开的办事指南 · 咨询电话 0532-1234 · 爱山东 App · 12345") == []


def test_citizen_pages_speak_plain_chinese(new_context: Any, server: Server) -> None:
    page = new_context(MOBILE).new_page()
    found: dict[str, list[str]] = {}
    for path in citizen_paths(server):
        page.goto(server.url(path))
        if problems := operator_text(visible_text(page)):
            found[path] = problems
    # near me and the route panel are drawn by scripts
    page.goto(server.url("/items/QD-JJ-0002"))
    page.click("[data-nearme-go]")
    page.locator("[data-results] .venue-hit").first.wait_for()
    if problems := operator_text(visible_text(page)):
        found["near me"] = problems
    page.locator("[data-results] .venue-hit a.hit-name").first.click()
    page.click("[data-route-go]")
    page.locator("[data-route-summary] .route-summary").wait_for()
    if problems := operator_text(visible_text(page)):
        found["route"] = problems
    assert found == {}


TEL_LINK = re.compile(r'href="tel:([0-9+]+)"')
HREF = re.compile(r'href="(https?://[^"]+)"')
DEMO_HOST = re.compile(r"^https?://[^/]*(?:\.example|\.invalid|\.test)(?:[:/]|$)")


def fetch_all(server: Server, paths: list[str]) -> dict[str, str]:
    def get(path: str) -> tuple[str, str]:
        with urllib.request.urlopen(server.url(urllib.request.quote(path)), timeout=60) as answer:
            return path, answer.read().decode("utf-8")

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(get, paths))


def undialable_and_dead_links(html: str, demo_numbers: set[str]) -> list[str]:
    """``tel:`` links to a generated number and links to a reserved demo host found in ``html``."""
    wrong = [f"tel:{n}" for n in TEL_LINK.findall(html) if n in demo_numbers]
    return wrong + [url for url in HREF.findall(html) if DEMO_HOST.match(url)]


def digits(number: str | None) -> str:
    return re.sub(r"[^0-9+]", "", number or "")


def test_generated_contact_details_are_neither_dialable_nor_clickable(server: Server, demo_env: dict[str, str]) -> None:
    """Every venue page and every item page: no ``tel:`` link to a generated number (12345, the real hotline,
    stays dialable), no link to a ``.example`` host; the generated ones are shown marked as demo."""
    engine = create_engine(demo_env["CITYSERVICES_DATABASE_URL"])
    with Session(engine) as session:
        venues = session.scalars(select(Venue)).all()
        demo_by_venue = {
            v.id: {digits(p["number"]) for p in v.phones or [] if is_demo(v, "phones")} - REAL_HOTLINES for v in venues
        }
        codes = {row.id: row.code for row in session.execute(select(Item.id, Item.code))}
        demo_by_item = {code: set[str]() for code in codes.values()}
        for item_id, guide in repo.current_guides(session, None).items():
            for field in ("consult_phone", "complaint_phone"):
                if getattr(guide, field) and is_demo(guide, field):
                    demo_by_item[codes[item_id]].add(digits(getattr(guide, field)))
    engine.dispose()
    assert sum(len(n) for n in demo_by_venue.values()) > 100
    assert sum(len(n) for n in demo_by_item.values()) > 100

    pages = fetch_all(server, [f"/venues/{vid}" for vid in demo_by_venue] + [f"/items/{c}" for c in demo_by_item])
    wrong: dict[str, list[str]] = {}
    for vid, numbers in demo_by_venue.items():
        if found := undialable_and_dead_links(pages[f"/venues/{vid}"], numbers):
            wrong[vid] = found
    for code, numbers in demo_by_item.items():
        if found := undialable_and_dead_links(pages[f"/items/{code}"], numbers):
            wrong[code] = found
    assert wrong == {}
    venue_page = pages["/venues/V370202"]
    assert "演示号码，请勿拨打" in venue_page
    assert 'href="tel:12345"' in venue_page
    assert "演示网址，不能打开" in pages["/items/QD-JJ-0002"]


def test_search_results_carry_no_match_jargon_and_the_api_keeps_the_reason(new_context: Any, server: Server) -> None:
    query = "刚出生"
    reasons = [hit["explanations"] for hit in api(server, "/api/v1/search?q=" + urllib.request.quote(query))["items"]]
    assert any(reasons)  # the API still says why each item matched
    page = new_context(MOBILE).new_page()
    page.goto(server.url("/search?q=" + urllib.request.quote(query)))
    assert page.locator(".hit").count() >= 1
    text = page.inner_text("main")
    for jargon in ("匹配：", "→", "字面匹配", "同义词"):
        assert jargon not in text


def test_escape_closes_the_suggestions_and_keeps_the_query(new_context: Any, server: Server) -> None:
    page = new_context(MOBILE).new_page()
    page.goto(server.url("/"))
    page.locator("#q").press_sequentially("社保卡丢了", delay=30)
    page.locator("#q-suggest [role=option]").first.wait_for()
    page.press("#q", "Escape")
    assert page.locator("#q-suggest").is_hidden()
    assert page.get_attribute("#q", "aria-expanded") == "false"
    assert page.input_value("#q") == "社保卡丢了"


STAFF_PASSWORD = "Layout-check-360-px"
STAFF_PATHS = [
    "/staff",
    "/staff/venues",
    "/staff/venues/V370202",
    "/staff/venues/V370202/versions",
    "/staff/items",
    "/staff/items/QD-JJ-0002",
    "/staff/guides",
    "/staff/guides/QD-JJ-0002",
    "/staff/bundles",
    "/staff/bundles/B-BIRTH",
    "/staff/feedback",
    "/staff/accounts",
    "/staff/audit",
]
# The document's width and, when it is wider than the viewport, the elements that stick out.
WIDTH_JS = """(limit) => {
  const width = document.documentElement.scrollWidth;
  const wide = width <= limit ? [] : [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > limit + 0.5 && e.getClientRects().length)
    .slice(-5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
      + ' ' + (e.textContent || '').trim().slice(0, 40));
  return {width, wide};
}"""


@pytest.fixture(scope="module")
def staff_account(demo_env: dict[str, str]) -> str:
    subprocess.run(
        [sys.executable, "-m", "cityservices", "create-admin", "layout360", "--password-stdin"],
        env=demo_env, input=STAFF_PASSWORD + "\n", check=True, capture_output=True, text=True,
    )  # fmt: skip
    return "layout360"


def too_wide(page: Any, where: str, found: dict[str, Any]) -> None:
    measured = page.evaluate(WIDTH_JS, MOBILE["width"])
    if measured["width"] > MOBILE["width"]:
        found[where] = measured


def test_no_page_scrolls_sideways_at_360_px(new_context: Any, server: Server, staff_account: str) -> None:
    page = new_context(MOBILE).new_page()
    found: dict[str, Any] = {}
    for path in citizen_paths(server):
        answer = page.goto(server.url(path))
        assert answer is not None
        assert answer.status < 400, path
        too_wide(page, path, found)
    page.goto(server.url("/items/QD-JJ-0002"))
    page.click("[data-nearme-go]")
    page.locator("[data-results] .venue-hit").first.wait_for()
    too_wide(page, "near me", found)
    page.locator("[data-results] .venue-hit a.hit-name").first.click()
    page.click("[data-route-go]")
    page.locator("[data-route-summary] .route-summary").wait_for()
    too_wide(page, "route", found)

    page.goto(server.url("/staff/login"))
    too_wide(page, "/staff/login", found)
    page.fill("input[name=username]", staff_account)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("form[action='/staff/login'] button[type=submit]")
    page.wait_for_url(re.compile(r"/staff$"))
    for path in STAFF_PATHS:
        answer = page.goto(server.url(path))
        assert answer is not None
        assert answer.status < 400, path
        too_wide(page, path, found)
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
