"""Helpers of the citizen pages: safe links, tel: links, demo labels, Chinese formats, shared materials."""

from __future__ import annotations

import datetime as dt

import pytest

from cityservices.service_map.catalogue.models import Guide
from cityservices.service_map.catalogue.page_format import (
    dial_href,
    distance,
    duration,
    is_demo,
    link_href,
    plain_source,
    safe_url,
    source_link,
    tel_href,
    visits,
    zh_moment,
)
from cityservices.service_map.catalogue.service import materials_in_common


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://zwfw.qingdao.example/a", "https://zwfw.qingdao.example/a"),
        ("http://x.example", "http://x.example"),
        ("/static/demo-photos/hall.svg", "/static/demo-photos/hall.svg"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/x", None),
        ("https:///nohost", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_only_web_and_site_links_are_kept(url: object, safe: str | None) -> None:
    assert safe_url(url) == safe


def test_tel_links_keep_digits_and_a_leading_plus() -> None:
    assert tel_href("0532-8000 0001") == "tel:053280000001"
    assert tel_href("+86 139 1234 5678") == "tel:+8613912345678"
    assert tel_href("无") is None


def test_demo_labels_follow_demo_fields() -> None:
    assert is_demo({"demo_fields": ["address"]}, "address")
    assert not is_demo({"demo_fields": ["address"]}, "name")
    assert is_demo({"demo_fields": ["*"]}, "name")
    assert not is_demo(object(), "name")


def test_chinese_formats() -> None:
    assert distance(463.7) == "460 米"
    assert distance(2170) == "2.2 公里"
    assert duration(482) == "8 分钟"
    assert duration(3 * 3600 + 6 * 60) == "3 小时 6 分钟"
    assert visits(0).startswith("不用跑")
    assert visits(1) == "最多跑一次"
    today = dt.date(2026, 11, 29)
    assert zh_moment(dt.datetime(2026, 11, 30, 8, 30), today=today) == "明天 08:30"
    assert zh_moment(dt.datetime(2026, 12, 2, 9, 0), today=today) == "周三 12月2日 09:00"


def _guide(*names: str) -> Guide:
    return Guide(materials=[{"name": n, "form": "原件"} for n in names])


def test_materials_several_items_ask_for_are_found_most_shared_first() -> None:
    guides = [
        (1, _guide("《出生医学证明》", "居民身份证")),
        (2, _guide("居民身份证", "户口簿")),
        (3, None),
        (4, _guide("出生医学证明", "居民身份证", "户口簿")),
    ]
    shared = materials_in_common(guides)
    assert [(m.name, m.positions) for m in shared] == [
        ("居民身份证", (1, 2, 4)),
        ("《出生医学证明》", (1, 4)),
        ("户口簿", (2, 4)),
    ]
    assert materials_in_common([(1, _guide("a")), (2, _guide("b"))]) == []


def test_generated_or_demo_host_links_are_not_followable() -> None:
    real, demo = {"demo_fields": []}, {"demo_fields": ["website"]}
    assert link_href("https://www.qingdao.gov.cn/", real, "website") == "https://www.qingdao.gov.cn/"
    assert link_href("https://www.qingdao.gov.cn/", demo, "website") is None
    assert link_href("https://zwfw.qingdao.example/banshi/1", real, "website") is None
    assert link_href("javascript:alert(1)", real, "website") is None


def test_generated_phones_are_not_dialable_but_the_hotline_is() -> None:
    real, demo = {"demo_fields": []}, {"demo_fields": ["phones"]}
    assert dial_href("0532-8000 0001", real, "phones") == "tel:053280000001"
    assert dial_href("0532-8000 0001", demo, "phones") is None
    assert dial_href("12345", demo, "phones") == "tel:12345"


def test_sources_are_said_in_plain_chinese() -> None:
    source = "service_guides.jsonl ← github:o/r a/b.jsp（山东省临沂市（推断））"
    assert plain_source(source) == "参考山东省临沂市公开的办事指南"
    assert plain_source("演示数据（生成）") == "生成的演示数据，并非官方信息"
    assert plain_source("x.json ← https://a.cn/1 (a mirror)", "方案") == "参考公开的方案"
    assert source_link("x.json ← https://a.cn/1 (a mirror)") == "https://a.cn/1"
    assert source_link(source) is None


def test_weekly_hours_joins_days_with_the_same_hours() -> None:
    import datetime as _dt
    from types import SimpleNamespace

    from cityservices.service_map.catalogue.page_format import weekly_hours

    def span(day: int, a: str, b: str) -> SimpleNamespace:
        return SimpleNamespace(weekday=day, opens=_dt.time.fromisoformat(a), closes=_dt.time.fromisoformat(b))

    week = [span(d, "13:30", "17:00") for d in range(5)] + [span(d, "09:00", "12:00") for d in range(5)]
    week.append(span(5, "09:00", "12:00"))
    assert weekly_hours(week) == "周一至周五 09:00–12:00、13:30–17:00；周六 09:00–12:00"
    assert weekly_hours([span(0, "09:00", "17:00"), span(2, "09:00", "17:00")]) == "周一 09:00–17:00；周三 09:00–17:00"
    assert weekly_hours([]) == ""
