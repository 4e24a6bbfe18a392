"""Every citizen page type, in a real browser: the text speaks plain Chinese (no file names, repositories, CLI
hints or English sentences), generated contact details are neither dialable nor clickable, and nothing scrolls
sideways at 360 px."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import pytest

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
    paths += ["/items/QD-JJ-0002"]
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
