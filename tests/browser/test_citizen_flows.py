"""What a citizen does on a phone, in a real browser: search → guide → near me → venue → route, a life-event
bundle, no match, the geolocation-denied fallback, feedback, the keyboard path; GCJ-02 tiles; first-load size."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from cityservices.kit.geo import haversine_m, wgs84_to_gcj02
from cityservices.service_map.catalogue.models import Feedback, Venue
from tests.browser.conftest import DESKTOP, MOBILE, Server, watch_console

pytestmark = pytest.mark.browser
TRANSFER_BUDGET_BYTES = 300 * 1024
# The page's own measurement of what it fetched: every resource and the document itself.
TRANSFER_JS = """() => {
  const entries = performance.getEntriesByType("resource").map(e => ({
    name: e.name, type: e.initiatorType, transfer: e.transferSize, body: e.encodedBodySize,
    decoded: e.decodedBodySize}));
  const nav = performance.getEntriesByType("navigation")[0];
  return {entries, document: {transfer: nav.transferSize, body: nav.encodedBodySize, decoded: nav.decodedBodySize}};
}"""


def shot(page: Any, artifacts: Path, name: str, *, full: bool = True) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=full)


def settle_map(page: Any, box: str) -> None:
    """Before a screenshot: the base layer drawn and no zoom animation running."""
    page.locator(f"{box} path.b").first.wait_for(state="attached")
    page.locator(f"{box}.leaflet-zoom-anim").wait_for(state="detached")
    page.wait_for_timeout(400)


def search_from_home(page: Any, server: Server, text: str) -> None:
    page.goto(server.url("/"))
    page.fill("#q", text)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))


def test_search_guide_near_me_venue_route(new_context: Any, server: Server, artifacts: Path) -> None:
    page = new_context(MOBILE).new_page()
    problems = watch_console(page)
    page.goto(server.url("/"))
    page.locator("#q").press_sequentially("驾照到期", delay=40)
    suggestions = page.locator("#q-suggest [role=option]")
    suggestions.first.wait_for()
    assert page.get_attribute("#q", "aria-expanded") == "true"
    assert "机动车驾驶证期满换证" in page.inner_text("#q-suggest")
    shot(page, artifacts, "01-suggestions-mobile", full=False)

    page.press("#q", "Enter")  # no suggestion chosen: the form is submitted
    page.wait_for_url(re.compile(r"/search\?q="))
    assert "我们理解为" in page.inner_text("[data-understood]")
    first = page.locator(".hit h3 a").first
    assert first.inner_text() == "机动车驾驶证期满换证"
    shot(page, artifacts, "02-search-mobile")

    first.click()
    page.wait_for_url(re.compile(r"/items/QD-JJ-0002"))
    for heading in ("申请材料", "办理流程", "办理渠道"):
        assert page.get_by_role("heading", name=re.compile(heading)).count() == 1
    assert page.locator(".facts-grid").is_visible()
    shot(page, artifacts, "03-guide-mobile")

    page.select_option("[data-day]", "wed")  # a working-day morning: which halls are open depends on the hour
    page.fill("[data-clock]", "10:00")
    page.click("[data-nearme-go]")
    hits = page.locator("[data-results] .venue-hit")
    hits.first.wait_for()
    assert "周三 10:00" in page.inner_text("[data-nearme] [data-status]")
    assert hits.count() >= 3
    texts = [hits.nth(i).inner_text() for i in range(hits.count())]
    assert all("分钟" in t and ("开放" in t) for t in texts)
    assert [int(hits.nth(i).locator(".rank").inner_text()) for i in range(hits.count())] == list(
        range(1, hits.count() + 1)
    )
    assert "市南区政务服务中心" in texts[0]  # the nearest hall from the mocked position
    page.locator("#nearme-map .leaflet-marker-icon").first.wait_for()
    page.locator("#nearme-map path.b-district").first.wait_for(state="attached")  # the offline base layer
    assert "OpenStreetMap contributors" in page.inner_text("#nearme-map .leaflet-control-attribution")
    settle_map(page, "#nearme-map")
    page.locator("[data-nearme]").screenshot(path=str(artifacts / "04-near-me-mobile.png"))

    hits.first.locator("a.hit-name").click()
    page.wait_for_url(re.compile(r"/venues/V370202\?from="))
    assert page.locator("h1").inner_text().startswith("市南区政务服务中心")
    assert page.locator("a.tel").count() >= 1
    assert page.locator("a.tel").first.get_attribute("href").startswith("tel:")
    assert page.locator(".hours tr.today").count() == 1
    page.locator("#venue-map .pin-main").wait_for()
    shot(page, artifacts, "05-venue-mobile")

    page.check("[data-nearby-toggle][value=parking]")
    page.locator("[data-nearby-list] .poi-parking").first.wait_for()
    assert page.locator("#venue-map path.poi-parking").count() >= 1

    page.click("[data-route-go]")
    page.locator("[data-route-summary] .route-summary").wait_for()
    assert "步行约" in page.inner_text("[data-route-summary]")
    assert "直线估算" in page.inner_text("[data-route-summary]")  # the demo data has no road graph
    page.locator("#venue-map path.route-estimate").wait_for()
    settle_map(page, "#venue-map")
    page.locator("[data-venue-map]").screenshot(path=str(artifacts / "06-route-mobile.png"))
    assert problems == []


def test_life_event_bundle(new_context: Any, server: Server, artifacts: Path) -> None:
    page = new_context(DESKTOP).new_page()
    problems = watch_console(page)
    search_from_home(page, server, "生孩子了要办什么")
    box = page.locator("[data-bundle-hit]")
    assert "新生儿出生一件事" in box.inner_text()
    shot(page, artifacts, "07-bundle-search-desktop")
    box.locator("h2 a").click()
    page.wait_for_url(re.compile(r"/bundles/B-BIRTH"))
    names = page.locator(".bundle-items h3").all_inner_texts()
    assert names[:3] == ["《出生医学证明》首次签发", "《预防接种证》办理", "出生登记"]
    assert len(names) == 6
    assert "居民身份证" in page.inner_text("[data-in-common]")
    shot(page, artifacts, "08-bundle-desktop")
    assert problems == []


def test_no_match(new_context: Any, server: Server, artifacts: Path) -> None:
    page = new_context(MOBILE).new_page()
    search_from_home(page, server, "明天天气预报怎么样")
    assert page.locator("[data-no-match]").is_visible()
    assert page.locator(".chips .chip").count() >= 3
    assert page.locator(".hit").count() == 0
    shot(page, artifacts, "09-no-match-mobile")


def test_geolocation_denied_falls_back_to_a_typed_place(new_context: Any, server: Server, artifacts: Path) -> None:
    page = new_context(MOBILE, geolocation=False).new_page()
    problems = watch_console(page)
    page.goto(server.url("/items/QD-GA-0023"))  # 居民身份证到期换领
    page.click("[data-nearme-go]")
    status = page.locator("[data-nearme] [data-status]")
    expect(page.locator("[data-nearme] details[data-fallback]")).to_have_attribute("open", "")
    assert "请在下面输入地址" in status.inner_text()
    assert page.evaluate("document.activeElement.id") == "nearme-addr"
    page.fill("#nearme-addr", "台东")
    page.select_option("#nearme-district", "370203")
    page.click("[data-fallback-form] button[type=submit]")
    page.locator("[data-results] .venue-hit").first.wait_for()
    assert "台东" in status.inner_text()
    settle_map(page, "#nearme-map")
    page.locator("[data-nearme]").screenshot(path=str(artifacts / "10-denied-fallback-mobile.png"))

    page.fill("#nearme-addr", "")
    page.select_option("#nearme-district", "370211")  # only a district: its centre
    page.click("[data-fallback-form] button[type=submit]")
    expect(status).to_contain_text("黄岛区")
    assert problems == []


def test_the_place_and_time_of_a_search_carry_to_near_me(new_context: Any, server: Server, artifacts: Path) -> None:
    page = new_context(MOBILE, geolocation=False).new_page()
    problems = watch_console(page)
    search_from_home(page, server, "身份证丢了 崂山区 周六上午")
    page.locator(".hit h3 a").first.click()
    page.wait_for_url(re.compile(r"/items/QD-GA-0024\?.*district=370212.*when=sat-morning"))
    assert page.locator("[data-day]").input_value() == "sat"
    assert page.locator("[data-clock]").input_value() == "10:00"
    assert page.locator("[data-only-district]").is_checked()
    page.click("[data-nearme-go]")  # no position shared: only the district is known
    page.click("[data-fallback-form] button[type=submit]")
    hits = page.locator("[data-results] .venue-hit")
    hits.first.wait_for()
    status = page.inner_text("[data-nearme] [data-status]")
    assert "政府驻地" in status
    assert "周六 10:00" in status
    first = hits.first.inner_text()
    assert "崂山区政务服务中心" in first  # the one hall open on Saturday morning comes first
    assert "开放" in first
    assert "未开放" not in first
    texts = [hits.nth(i).inner_text() for i in range(hits.count())]
    assert all("崂山区" in t for t in texts)  # only the district the citizen named
    assert "小时" not in first  # not a walk of hours
    shot(page, artifacts, "14-near-me-saturday-mobile")
    assert problems == []


def test_a_committee_name_is_a_start_point_and_same_names_are_offered(new_context: Any, server: Server) -> None:
    page = new_context(MOBILE, geolocation=False).new_page()
    problems = watch_console(page)
    page.goto(server.url("/items/QD-GA-0023"))
    page.click("[data-nearme-go]")
    page.fill("#nearme-addr", "五四广场")
    page.click("[data-fallback-form] button[type=submit]")
    page.locator("[data-results] .venue-hit").first.wait_for()
    status = page.inner_text("[data-nearme] [data-status]")
    assert "五四广场社区" in status
    assert "香港中路街道" in status
    page.fill("#nearme-addr", "岭西村")
    page.click("[data-fallback-form] button[type=submit]")
    choices = page.locator("[data-place-choices] button")
    choices.first.wait_for()
    assert choices.count() == 2
    choices.nth(1).click()
    expect(page.locator("[data-nearme] [data-status]")).to_contain_text("夏格庄镇")
    assert problems == []


def test_feedback_is_submitted_and_stored(
    new_context: Any, server: Server, demo_env: dict[str, str], artifacts: Path
) -> None:
    page = new_context(DESKTOP).new_page()
    problems = watch_console(page)
    page.goto(server.url("/venues/V370203"))
    form = page.locator("[data-feedback]")
    form.locator("input[name=reports_error]").check()
    form.locator("button[type=submit]").click()
    assert "请写明哪里有误" in form.locator("[data-status]").inner_text()
    form.locator("input[name=rating][value='2']").check()
    form.locator("textarea").fill("电话打不通 <b>请核实</b>")
    form.locator("input[name=contact_phone]").fill("0532-8888 8888")
    form.locator("button[type=submit]").click()
    expect(form).to_have_attribute("data-state", "sent")
    assert "感谢您指出问题" in form.locator("[data-status]").inner_text()
    shot(page, artifacts, "11-feedback-desktop", full=False)

    form.locator("input[name=rating][value='5']").check()
    form.locator("input[name=contact_phone]").fill("12345")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-status]")).to_contain_text("联系电话")
    assert problems == [] or all("422" in p for p in problems)

    engine = create_engine(demo_env["CITYSERVICES_DATABASE_URL"])
    with Session(engine) as session:
        row = session.scalars(select(Feedback).where(Feedback.venue_id == "V370203")).one()
        assert (row.rating, row.reports_error, row.district_code) == (2, True, "370203")
        assert row.comment == "电话打不通 <b>请核实</b>"
        assert row.contact_phone == "0532-88888888"
    engine.dispose()


def test_keyboard_path_from_skip_link_to_a_suggested_guide(new_context: Any, server: Server) -> None:
    page = new_context(DESKTOP).new_page()
    page.goto(server.url("/"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.focus("#q")
    page.keyboard.type("社保卡丢了", delay=30)
    page.locator("#q-suggest [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    active = page.get_attribute("#q", "aria-activedescendant")
    assert active == "q-suggest-0"
    assert page.get_attribute(f"#{active}", "aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/(items|bundles)/"))
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
             .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)"""
    )
    assert unlabeled == []
    outline = page.evaluate(
        "() => { const b = document.querySelector('.combo button'); b.focus(); "
        "return getComputedStyle(b).outlineStyle; }"
    )
    assert outline != "none"


def test_gcj02_tiles_shift_markers_by_the_expected_offset(
    new_context: Any, gcj02_server: Server, demo_env: dict[str, str], artifacts: Path
) -> None:
    context = new_context(DESKTOP)
    tiles: list[str] = []

    def answer_tile(route: Any) -> None:
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=_blank_png())

    context.route("https://tiles.test.invalid/**", answer_tile)
    page = context.new_page()
    problems = watch_console(page)
    page.goto(gcj02_server.url("/venues/V370202"))
    page.locator("#venue-map .pin-main").wait_for()
    page.locator("#venue-map path.b").first.wait_for(state="attached")
    marker = page.evaluate(
        "(() => { const m = CS.maps[0].layers.main.getLayers()[0].getLatLng(); return [m.lat, m.lng]; })()"
    )
    engine = create_engine(demo_env["CITYSERVICES_DATABASE_URL"])
    with Session(engine) as session:
        venue = session.get(Venue, "V370202")
        assert venue is not None
        wgs = (venue.lat, venue.lng)
    engine.dispose()
    assert marker == pytest.approx(wgs84_to_gcj02(*wgs), abs=1e-7)
    assert 300 < haversine_m(*wgs, *marker) < 700
    for lat, lng in ((36.0671, 120.3826), (35.9, 120.0), (36.8, 120.9), (40.0, 116.4)):
        ported = page.evaluate(f"CS.crs.wgs84ToGcj02({lat}, {lng})")
        assert ported == pytest.approx(list(wgs84_to_gcj02(lat, lng)), abs=1e-9)
    assert tiles  # the tile layer is drawn from the configured URL
    assert "测试瓦片" in page.inner_text(".leaflet-control-attribution")
    page.locator("#venue-map").screenshot(path=str(artifacts / "12-gcj02-tiles-desktop.png"))
    assert problems == []


def test_a_road_route_is_drawn_with_its_steps(new_context: Any, road_server: Server, artifacts: Path) -> None:
    page = new_context(MOBILE).new_page()
    problems = watch_console(page)
    page.goto(road_server.url("/venues/V370202?from=36.0605,120.3805"))
    page.select_option("#route-mode", "drive")
    page.click("[data-route-go]")
    steps = page.locator("[data-route-steps] li")
    steps.first.wait_for()
    assert steps.count() >= 2
    assert "驾车约" in page.inner_text("[data-route-summary]")
    assert page.locator("[data-estimate]").count() == 0
    page.locator("#venue-map path.route").wait_for(state="attached")
    assert page.locator("#venue-map path.route-estimate").count() == 0
    settle_map(page, "#venue-map")
    page.locator("[data-venue-map]").screenshot(path=str(artifacts / "13-road-route-mobile.png"))
    assert problems == []


def test_a_far_trip_is_planned_by_car_or_transit_not_on_foot(new_context: Any, server: Server) -> None:
    page = new_context(MOBILE).new_page()
    problems = watch_console(page)
    page.goto(server.url("/venues/V370202?from=36.7800,119.9500"))  # from Pingdu, about 80 km away
    page.click("[data-route-go]")
    page.locator("[data-route-summary] .route-summary").wait_for()
    summary = page.inner_text("[data-route-summary]")
    assert "建议驾车约" in summary
    assert "步行" not in summary  # neither the plan nor an alternative is a walk of many hours
    assert "也可公交/地铁约" in summary
    page.select_option("#route-mode", "walk")
    page.locator("[data-route-summary] .warn").wait_for()
    assert "不建议步行" in page.inner_text("[data-route-summary]")
    assert problems == []


def test_first_page_load_transfers_under_the_budget(new_context: Any, server: Server, artifacts: Path) -> None:
    figures: dict[str, Any] = {}
    for name, path, viewport, action in (
        ("home (first load)", "/", MOBILE, None),
        ("guide", "/items/QD-JJ-0002", MOBILE, None),
        ("guide after near me (Leaflet loaded)", "/items/QD-JJ-0002", MOBILE, "[data-nearme-go]"),
        ("venue (map)", "/venues/V370202", MOBILE, None),
    ):
        page = new_context(viewport).new_page()
        page.goto(server.url(path))
        page.wait_for_load_state("networkidle")
        if action:
            page.click(action)
            page.locator(".leaflet-marker-icon").first.wait_for()
            page.wait_for_load_state("networkidle")
        measured = page.evaluate(TRANSFER_JS)
        js_css = [e for e in measured["entries"] if re.search(r"\.(js|css)(\?|$)", e["name"])]
        figures[name] = {
            "path": path,
            "js_css_transfer_bytes": sum(e["transfer"] for e in js_css),
            "js_css_decoded_bytes": sum(e["decoded"] for e in js_css),
            "all_transfer_bytes": sum(e["transfer"] for e in measured["entries"]) + measured["document"]["transfer"],
            "files": {e["name"].split("/static/")[-1]: e["transfer"] for e in js_css},
        }
    (artifacts / "transfer.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    for name, figure in figures.items():
        assert 0 < figure["js_css_transfer_bytes"] < TRANSFER_BUDGET_BYTES, (name, figure)


def _blank_png() -> bytes:
    """A 1×1 light-grey PNG (tiles are answered by the test: no internet)."""
    import base64

    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP4/x8AAwMB/6X2RZgAAAAASUVORK5CYII="
    )
