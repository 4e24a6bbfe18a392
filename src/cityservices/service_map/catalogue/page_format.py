"""Template helpers of the citizen pages: demo labels, safe links, Chinese dates, distances and durations."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment

from cityservices.config import Settings
from cityservices.service_map.catalogue.models import LEVEL_NAMES

WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
CHANNEL_ZH = {
    "window": "窗口",
    "online": "网上办理",
    "app": "手机 App",
    "kiosk": "自助终端",
    "mail": "邮寄",
    "phone": "电话",
}
STATUS_ZH = {"open": "正常服务", "temporarily_closed": "暂停服务", "closed": "已关闭"}
POI_ZH = {
    "parking": "停车场",
    "petrol": "加油站",
    "food": "餐饮",
    "ev_charging": "充电桩",
    "atm": "取款机",
    "pharmacy": "药店",
    "toilet": "公厕",
    "metro": "地铁站",
    "bus": "公交站",
}
_TEL = re.compile(r"[^0-9+]")


def is_demo(record: Any, field: str) -> bool:
    """True when ``field`` of ``record`` is generated demo data (listed in ``demo_fields``, or ``*``)."""
    fields: Iterable[str] = getattr(record, "demo_fields", None) or (
        record.get("demo_fields", []) if isinstance(record, dict) else []
    )
    fields = list(fields)
    return "*" in fields or field in fields


def safe_url(value: object) -> str | None:
    """The URL if it is http(s) or a site-relative path, else None (no ``javascript:`` or ``data:`` links)."""
    if not isinstance(value, str) or not value.strip():
        return None
    url = value.strip()
    if url.startswith("/") and not url.startswith("//"):
        return url
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


DEMO_HOSTS = (".example", ".invalid", ".test", ".localhost", "example.com", "example.org", "example.net")
REAL_HOTLINES = frozenset({"12345"})  # 政务服务便民热线: the same real number everywhere in China


def link_href(value: object, record: Any = None, field: str = "") -> str | None:
    """The URL a citizen may follow: a safe one that is neither generated (``field`` of ``record`` is demo)
    nor on a reserved demo host (``*.example``); None otherwise, and the page shows it as plain demo text."""
    url = safe_url(value)
    if url is None or (record is not None and is_demo(record, field)):
        return None
    host = (urlsplit(url).hostname or "").lower()
    return None if host.endswith(DEMO_HOSTS) else url


def dial_href(number: object, record: Any = None, field: str = "") -> str | None:
    """A ``tel:`` link for a real number; None for a generated one (a stranger could answer it)."""
    href = tel_href(number)
    if href is None or href.removeprefix("tel:") in REAL_HOTLINES:
        return href
    return None if record is not None and is_demo(record, field) else href


def tel_href(number: object) -> str | None:
    """A ``tel:`` link for a phone number (digits and a leading +), None if it has no digits."""
    digits = _TEL.sub("", str(number or ""))
    return f"tel:{digits}" if any(c.isdigit() for c in digits) else None


_REGION = re.compile(r"（([^（）]*(?:（[^（）]*）)?)）\s*$")
_SOURCE_URL = re.compile(r"https?://[^\s（）()]+")


def plain_source(source: object, what: str = "办事指南") -> str:
    """Where a record's content comes from, in plain Chinese for citizens: no file names, repositories or
    English notes (those stay in the API and on the staff pages)."""
    text = str(source or "").strip()
    if not text:
        return ""
    if text.startswith("演示数据"):
        return "生成的演示数据，并非官方信息"
    found = _REGION.search(text)
    region = found.group(1).replace("（推断）", "") if found else ""
    return f"参考{region}公开的{what}" if region else f"参考公开的{what}"


def source_link(source: object) -> str | None:
    """The public web page a source names, if it names one (not a code repository)."""
    found = _SOURCE_URL.search(str(source or ""))
    return safe_url(found.group(0)) if found else None


def zh_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def zh_weekday(value: dt.date) -> str:
    return WEEKDAY_ZH[value.weekday()]


def zh_moment(value: dt.datetime | None, *, today: dt.date | None = None) -> str:
    """``今天 08:30`` / ``明天 08:30`` / ``周一 12月1日 08:30``."""
    if value is None:
        return ""
    clock = value.strftime("%H:%M")
    if today is not None and value.date() == today:
        return f"今天 {clock}"
    if today is not None and value.date() == today + dt.timedelta(days=1):
        return f"明天 {clock}"
    return f"{zh_weekday(value.date())} {value.month}月{value.day}日 {clock}"


def distance(metres: float | None) -> str:
    if metres is None:
        return ""
    return f"{round(metres / 10) * 10:.0f} 米" if metres < 1000 else f"{metres / 1000:.1f} 公里"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes = max(1, round(seconds / 60))
    return f"{minutes} 分钟" if minutes < 60 else f"{minutes // 60} 小时 {minutes % 60} 分钟"


def visits(value: int | None) -> str:
    if value is None:
        return "未注明"
    return {0: "不用跑 (全程网办)", 1: "最多跑一次"}.get(value, f"跑 {value} 次")


def weekly_hours(intervals: Iterable[Any]) -> str:
    """Weekly opening intervals (``weekday`` 0 = Monday, ``opens``, ``closes``) as one line of Chinese, days with
    the same hours joined: "周一至周五 09:00–12:00、13:30–17:00；周六 09:00–12:00". Empty when none."""
    by_day: dict[int, list[str]] = {}
    for i in sorted(intervals, key=lambda i: (i.weekday, i.opens)):
        by_day.setdefault(i.weekday, []).append(f"{i.opens:%H:%M}–{i.closes:%H:%M}")
    parts: list[str] = []
    day = 0
    while day < 7:
        if day not in by_day:
            day += 1
            continue
        end = day
        while end + 1 in by_day and by_day[end + 1] == by_day[day]:
            end += 1
        days = WEEKDAY_ZH[day] if end == day else f"{WEEKDAY_ZH[day]}至{WEEKDAY_ZH[end]}"
        parts.append(f"{days} {'、'.join(by_day[day])}")
        day = end + 1
    return "；".join(parts)


def map_config(settings: Settings) -> dict[str, str]:
    """The map's settings as ``data-*`` attributes (the tile layer is optional)."""
    return {
        "tile-url": settings.map_tile_url,
        "tile-crs": settings.map_tile_crs,
        "tile-attribution": settings.map_tile_attribution,
    }


def install(env: Environment) -> None:
    """Register the helpers on the shared Jinja2 environment."""
    env.globals.update(
        is_demo=is_demo,
        link_href=link_href,
        dial_href=dial_href,
        LEVEL_NAMES=LEVEL_NAMES,
        CHANNEL_ZH=CHANNEL_ZH,
        STATUS_ZH=STATUS_ZH,
        POI_ZH=POI_ZH,
        WEEKDAY_ZH=WEEKDAY_ZH,
    )
    env.filters.update(
        safe_url=safe_url,
        plain_source=plain_source,
        weekly_hours=weekly_hours,
        source_link=source_link,
        tel_href=tel_href,
        zh_date=zh_date,
        zh_weekday=zh_weekday,
        zh_moment=zh_moment,
        distance=distance,
        duration=duration,
        visits=visits,
    )
