"""The citizen pages over a small dataset: content, demo labels, escaping, safe links, no inline script or style."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cityservices.app import create_app
from cityservices.config import Settings
from tests.service_map.pages_data import IMG, SCRIPT

PAGES = (
    "/",
    "/search?q=社保卡",
    "/search?q=xyzzy火星宇航",
    "/items/QD-RS-0001",
    "/venues/V370202001",
    "/bundles",
    "/bundles/B-TEST",
    "/browse",
)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


@pytest.fixture(scope="module")
def client(pages_db_readonly: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=pages_db_readonly, cookie_secure=False))) as test_client:
        yield test_client


def page(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    text: str = response.text
    return text


@pytest.mark.parametrize("path", PAGES)
def test_pages_escape_stored_text_and_need_no_inline_script_or_style(client: TestClient, path: str) -> None:
    text = page(client, path)
    assert SCRIPT not in text
    assert IMG not in text
    assert "javascript:" not in text
    assert not INLINE_SCRIPT.search(text)
    assert not INLINE_HANDLER.search(text), INLINE_HANDLER.search(text)
    assert not STYLE_ATTRIBUTE.search(text)
    assert 'lang="zh-CN"' in text
    assert 'href="#main"' in text  # skip link


def test_home_offers_search_with_suggestions_bundles_and_browsing(client: TestClient) -> None:
    text = page(client, "/")
    assert 'role="combobox"' in text
    assert 'aria-controls="q-suggest"' in text
    assert '<label for="q"' in text
    assert "/bundles/B-TEST" in text
    assert "/browse?district=370202" in text


def test_search_shows_items_with_guide_summaries(client: TestClient) -> None:
    text = page(client, "/search?q=社保卡")
    assert "我们理解为" in text
    assert 'href="/items/QD-RS-0001?q=' in text
    assert "即办件" in text
    assert "最多跑一次" in text
    hits = text[text.index('class="hits"') : text.index("</ol>", text.index('class="hits"'))]
    assert 'class="demo"' not in hits  # the guide's demo fields (steps) are not in the summary


def test_search_summaries_of_demo_guides_are_labelled(client: TestClient) -> None:
    text = page(client, "/search?q=失业保险金")
    hits = {h.split("</a>")[0].split(">")[-1]: h for h in text.split('<li class="hit">')[1:]}
    assert 'class="demo"' in hits["失业保险金申领"]  # its guide's materials are demo data


def test_search_without_a_match_says_so_and_suggests(client: TestClient) -> None:
    text = page(client, "/search?q=xyzzy火星宇航")
    assert "data-no-match" in text
    assert "没有找到" in text
    assert "12345" in text


def test_search_refuses_unreadable_input_on_the_page(client: TestClient) -> None:
    response = client.get("/search", params={"q": "\x00\x01"})
    assert response.status_code == 422
    assert "请换个说法" in response.text
    assert client.get("/search", params={"q": "办" * 201}).status_code == 422


def test_guide_page_shows_every_element_and_marks_demo_values(client: TestClient) -> None:
    text = page(client, "/items/QD-RS-0001?q=社保卡")
    for part in ("申请材料", "居民身份证", "办理流程", "窗口受理", "即办件", "最多跑一次", "不收费", "办理渠道"):
        assert part in text, part
    steps = text[text.index('id="steps-h"') : text.index("</h2>", text.index('id="steps-h"'))]
    assert "演示数据" in steps  # the guide's demo_fields lists "steps"
    materials = text[text.index('id="materials-h"') : text.index("</h2>", text.index('id="materials-h"'))]
    assert "演示数据" not in materials
    assert 'href="tel:053212345"' in text
    assert "&lt;img src=x" in text
    assert 'data-target-code="QD-RS-0001"' in text
    assert 'name="csrf_token"' in text
    assert "data-print" in text


def test_guide_page_lists_the_situations_marked_as_the_platform_s_own_reading(client: TestClient) -> None:
    text = page(client, "/items/QD-RS-0001")
    section = text[text.index("data-situations") : text.index("</section>", text.index("data-situations"))]
    assert "什么情况下办" in section
    assert "本平台整理，仅供参考" in section
    assert "<li>社保卡丢了要补办</li>" in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;上班了要办卡" in section  # stored text is escaped
    assert "什么情况下办" not in page(client, "/items/QD-RS-0002")  # a guide with no situations shows no list


def test_venue_page_shows_attributes_hours_items_and_map_hooks(client: TestClient) -> None:
    text = page(client, "/venues/V370202001?from=36.06,120.38&item=QD-RS-0001")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;香港中路" in text
    address = text[text.index("<dt>地址</dt>") : text.index("</dd>", text.index("<dt>地址</dt>"))]
    assert "演示数据" in address  # demo_fields: address, phones
    assert 'href="tel:053280000001"' not in text  # a generated phone is not dialable
    assert "演示号码，请勿拨打" in text
    assert 'aria-current="date"' in text
    assert "社会保障卡申领" in text
    assert "失业保险金申领" in text
    assert 'data-origin="36.06,120.38"' in text
    assert "data-nearby-toggle" in text
    assert 'src="/static/demo-photos/hall.svg"' in text
    assert "网上预约取号" not in text  # its javascript: URL was dropped
    assert 'data-tile-crs="wgs84"' in text


def test_venue_items_can_be_searched(client: TestClient) -> None:
    text = page(client, "/venues/V370202001?iq=失业")
    listed = text[text.index('class="venue-items"') :]
    assert "失业保险金申领" in listed
    assert "社会保障卡申领" not in listed


def test_bundle_page_lists_items_in_order(client: TestClient) -> None:
    text = page(client, "/bundles/B-TEST")
    assert text.index("社会保障卡申领") < text.index("失业保险金申领")
    assert "如失业" in text
    assert "演示数据" in text  # the whole bundle is demo data
    assert 'data-target-kind="bundle"' in text


def test_browse_filters_by_level_and_district(client: TestClient) -> None:
    assert "香港中路街道便民服务中心" in page(client, "/browse?level=street&district=370202")
    assert "香港中路街道便民服务中心" not in page(client, "/browse?level=district")
    text = page(client, "/browse?district=370202")
    assert "演示数据" in text
    assert 'data-lat="36.0676"' in text


@pytest.mark.parametrize(
    "path", ["/items/NOPE", "/venues/NOPE", "/bundles/NOPE", "/browse?level=province", "/venues/V370202001?page=0"]
)
def test_unknown_or_bad_requests_get_an_html_error_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (404, 422)
    assert response.headers["content-type"].startswith("text/html")
    assert "出错了" in response.text


def test_pages_are_served_with_a_csp_without_unsafe_inline(client: TestClient) -> None:
    csp = client.get("/items/QD-RS-0001").headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_gcj02_tiles_are_announced_to_the_map(pages_db_readonly: str) -> None:
    settings = Settings(
        database_url=pages_db_readonly,
        map_tile_url="https://tiles.example/{z}/{x}/{y}.png",
        map_tile_crs="gcj02",
        map_tile_attribution="© 示例 <b>地图</b>",
    )
    with TestClient(create_app(settings)) as client:
        text = page(client, "/venues/V370202001")
    assert 'data-tile-crs="gcj02"' in text
    assert 'data-tile-url="https://tiles.example/{z}/{x}/{y}.png"' in text
    assert "&lt;b&gt;地图&lt;/b&gt;" in text
