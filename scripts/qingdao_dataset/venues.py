"""Venue records (venues.jsonl): real division names, generated attributes marked in ``demo_fields``."""

from __future__ import annotations

import random

from . import venue_attrs as attrs
from .common import DEMO_SITE, Item, Json, VenueItem, phone, rng_for
from .departments import branch_code, city_code
from .photos import photo_refs
from .sites import Site
from .sources import Sources

WINDOW_NAMES = {
    "GA": "户籍业务受理窗口", "CRJ": "出入境证件窗口", "JJ": "车驾管业务窗口", "RS": "社会保险综合窗口",
    "YB": "医疗保障窗口", "GJJ": "住房公积金窗口", "MZ": "民政服务窗口", "WJ": "卫生健康服务窗口",
    "SP": "综合受理窗口", "SJ": "市场监管窗口", "SW": "税费服务窗口", "ZR": "不动产登记窗口",
    "ZJ": "住房保障窗口", "JY": "教育服务窗口", "CL": "残疾人服务窗口", "TY": "退役军人服务窗口",
    "JT": "交通运输窗口", "SF": "公共法律服务窗口", "GZ": "公证服务窗口", "XF": "消防审批窗口",
    "YC": "烟草专卖许可窗口", "NY": "农业农村服务窗口", "WL": "文化旅游窗口", "SL": "水务窗口",
    "LY": "园林林业窗口", "TI": "体育窗口", "HB": "生态环境窗口", "GX": "工业和信息化窗口", "TJ": "统计窗口",
    "CG": "城市管理窗口", "MW": "民族宗教窗口", "KJ": "科技窗口", "CZ": "财政窗口", "YJ": "应急管理窗口",
    "SWJ": "商务窗口", "ZF": "政府办公室综合窗口", "DW": "党委办公室综合窗口", "RF": "人防窗口",
    "FG": "发展改革窗口", "XC": "新闻出版窗口", "QX": "气象服务窗口",
}  # fmt: skip
# How many windows a busy department has at a city / district hall (1 where not listed).
WINDOW_COUNTS = {
    "city": {"SP": 6, "RS": 4, "SW": 4, "ZR": 4, "YB": 3, "GJJ": 3, "JJ": 3, "CRJ": 3, "GA": 2},
    "district": {"SP": 4, "RS": 3, "SW": 3, "ZR": 2, "YB": 2, "GJJ": 2, "JJ": 2},
    "street": {"RS": 2},
}
VENUE_DEMO_FIELDS = (
    "accessibility", "address", "appointment_url", "coordinates", "departments", "description", "hours",
    "hours_exceptions", "hours_note", "kiosks", "last_verified", "parking", "phones", "photos", "postcode",
    "status", "transport", "website", "windows",
)  # fmt: skip


def department_code(site: Site, suffix: str) -> str:
    return city_code(suffix) if site.level == "city" else branch_code(site.district.code, suffix)


def windows(site: Site, suffixes: list[str]) -> list[Json]:
    """Windows numbered 1…n, one department each; busy departments get several."""
    result: list[Json] = []
    for suffix in suffixes:
        base = WINDOW_NAMES[suffix]
        count = WINDOW_COUNTS[site.level].get(suffix, 1) if site.kind not in ("rural", "reserve") else 1
        for n in range(count):
            name = base if count == 1 else f"{base}（{n + 1}）"
            number = str(len(result) + 1)
            result.append({"number": number, "name": name, "department_code": department_code(site, suffix)})
    return result


def _description(site: Site, window_list: list[Json]) -> str:
    names = list(dict.fromkeys(str(w["name"]).split("（")[0].removesuffix("窗口") for w in window_list))
    shown = "、".join(names[:6]) + ("等" if len(names) > 6 else "")
    where = f"{site.district.name}{site.township.name}"
    return f"{site.name}位于{where}，设服务窗口{len(window_list)}个，提供{shown}业务的咨询与办理。"


def _website(site: Site) -> str:
    if site.level == "city":
        return f"{DEMO_SITE}/"
    return f"{DEMO_SITE}/{site.district.code}/" + ("" if site.level == "district" else f"{site.division.code}/")


def _phones(rng: random.Random) -> list[Json]:
    return [
        {"label": "咨询", "number": phone(rng)},
        {"label": "投诉", "number": phone(rng)},
        {"label": "政务服务便民热线", "number": "12345"},
    ]


def venue_record(site: Site, sources: Sources, suffixes: list[str]) -> Json:
    rng = rng_for("venue", site.id)
    communities = sources.communities_of(site.township.code)
    base = attrs.pick_community(communities, rng, village=site.kind == "reserve")
    week, note = attrs.hours(site, rng)
    window_list = windows(site, suffixes)
    kiosks = attrs.kiosks(site, rng)
    demo_fields = [*VENUE_DEMO_FIELDS, *(["name"] if site.level != "street" else [])]
    return {
        "id": site.id, "name": site.name, "level": site.level, "division_code": site.division.code,
        "address": attrs.address(site, base, rng), "postcode": attrs.postcode(site, rng),
        "lat": site.lat, "lng": site.lng, "source_crs": "wgs84", "source_lat": site.lat, "source_lng": site.lng,
        "photos": photo_refs(site.level, bool(kiosks)), "phones": _phones(rng),
        "hours": week, "hours_exceptions": attrs.hours_exceptions(site, week, rng), "hours_note": note,
        "windows": window_list, "departments": [department_code(site, s) for s in suffixes],
        "transport": attrs.transport(site, base, rng), "parking": attrs.parking(site, rng),
        "accessibility": attrs.accessibility(site, rng), "appointment_url": f"{DEMO_SITE}/yuyue/{site.id}",
        "kiosks": kiosks, "status": "open", "last_verified": attrs.last_verified(rng),
        "description": _description(site, window_list), "website": _website(site),
        "demo_fields": sorted(demo_fields),
    }  # fmt: skip


def venue_items(
    site: Site, pairs: list[tuple[str, str]], items: dict[str, Item], window_list: list[Json]
) -> list[VenueItem]:
    """The venue's handled implementations, each with the first window of the matching department."""
    first_window: dict[str, str] = {}
    for window in window_list:
        first_window.setdefault(str(window["department_code"]).split("-", 1)[1], str(window["number"]))
    return [
        VenueItem(site.id, code, level, first_window.get(items[code].department_code.split("-", 1)[1], ""))
        for code, level in pairs
    ]
