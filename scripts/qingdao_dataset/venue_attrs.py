"""Generated venue attributes: address, postcode, hours, transport, parking, accessibility, kiosks.

All values here are demo data; the venue record lists them in ``demo_fields``. Addresses use the real
names of the communities (社区/村) of the venue's township.
"""

from __future__ import annotations

import datetime as dt
import random

from .common import WEEKDAYS, Json
from .sites import Site
from .sources import Community

Hours = dict[str, list[list[str]]]
COMMUNITY_SUFFIXES = ("社区居民委员会", "村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "委员会", "社区")
DISTRICT_POSTCODES = {
    "370202": "2660", "370203": "2660", "370211": "2665", "370212": "2661", "370213": "2661",
    "370214": "2661", "370215": "2662", "370281": "2663", "370283": "2667", "370285": "2666",
}  # fmt: skip
METRO_DISTRICTS = {
    "370202": (2, 3), "370203": (1, 2, 3, 4), "370211": (1, 6, 13), "370212": (2, 4, 11),
    "370213": (1, 2, 3), "370214": (1, 8), "370215": (11,), "370281": (8,),
}  # fmt: skip


def community_base(name: str) -> str:
    """云霄路社区 → 云霄路; 田家窑村村委会 → 田家窑村; 柳花泊二社区居民委员会 → 柳花泊二."""
    for suffix in COMMUNITY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def pick_community(communities: list[Community], rng: random.Random, *, village: bool = False) -> str:
    """A community of the township, preferring ones named after a road (or a village, when asked)."""
    bases = sorted({community_base(c.name) for c in communities})
    preferred = (
        [b for b in bases if b.endswith("村")] if village else [b for b in bases if b.endswith(("路", "街", "大道"))]
    )
    pool = preferred or bases
    return rng.choice(pool) if pool else ""


def address(site: Site, base: str, rng: random.Random) -> str:
    place = f"山东省青岛市{site.district.name}"
    number = rng.randrange(1, 300) if site.level == "street" else rng.randrange(1, 120) * 2
    if base.endswith(("路", "街", "大道")):
        return f"{place}{base}{number}号"
    if base.endswith("村"):
        return f"{place}{site.township.name}{base}{number}号"
    return f"{place}{site.township.name}{base}社区{number}号" if base else f"{place}{site.township.name}"


def postcode(site: Site, rng: random.Random) -> str:
    return DISTRICT_POSTCODES[site.district.code] + f"{rng.randrange(0, 100):02d}"


def _week(workday: list[list[str]], saturday: list[list[str]] | None = None, days: int = 5) -> Hours:
    hours: Hours = {day: [list(i) for i in workday] if n < days else [] for n, day in enumerate(WEEKDAYS)}
    if saturday:
        hours["sat"] = [list(i) for i in saturday]
    return hours


def hours(site: Site, rng: random.Random) -> tuple[Hours, str]:
    """Weekly hours and the hours note, by kind of venue (lunch breaks at street centres)."""
    holiday = "法定节假日休息，调休上班日正常办公。"
    if site.kind == "city":
        note = "工作日中午不间断服务；周六上午办理部分业务。"
        return _week([["09:00", "17:00"]], [["09:00", "12:00"]]), note + holiday
    if site.kind == "district":
        options = [
            (_week([["09:00", "12:00"], ["13:30", "17:00"]], [["09:00", "12:00"]]), "周六上午开放。"),
            (_week([["08:30", "17:30"]]), "工作日午间不间断服务。"),
            (_week([["09:00", "17:00"]], [["09:00", "12:00"]]), "工作日午间不休，周六上午开放。"),
            (_week([["08:30", "12:00"], ["13:00", "17:00"]]), ""),
        ]
        week, note = rng.choice(options)
        return week, note + holiday
    if site.kind == "reserve":
        open_days = ("mon", "wed", "fri")
        week = {day: [["09:00", "11:30"], ["14:00", "16:30"]] if day in open_days else [] for day in WEEKDAYS}
        return week, "每周一、三、五开放；受天气和船班影响可能临时闭馆。" + holiday
    if site.kind == "urban":
        workday = rng.choice([[["08:30", "12:00"], ["13:30", "17:30"]], [["09:00", "12:00"], ["13:30", "17:00"]]])
        saturday = [["09:00", "11:30"]] if rng.random() < 0.15 else None
        return _week(workday, saturday), ("周六上午提供社保、医保业务。" if saturday else "") + holiday
    workday = rng.choice([[["08:30", "11:30"], ["13:30", "17:00"]], [["08:00", "11:30"], ["14:00", "17:30"]]])
    return _week(workday), "夏季（5月1日至9月30日）下午上班时间以公告为准。" + holiday


def hours_exceptions(site: Site, week: Hours, rng: random.Random) -> list[Json]:
    """A few dated overrides: New Year's Eve afternoon, New Year's Day, an occasional closure."""
    exceptions: list[Json] = []
    thursday = week["thu"]
    if thursday and rng.random() < 0.45:
        exceptions.append({"date": "2026-12-31", "intervals": [list(thursday[0])],
                           "note": "年终业务系统结转，下午暂停办理"})  # fmt: skip
    exceptions.append({"date": "2027-01-01", "intervals": [], "note": "元旦休息"})
    if site.level == "street" and week["fri"] and rng.random() < 0.1:
        exceptions.append({"date": "2026-12-18", "intervals": [],
                           "note": "办公场所改造，暂停办理一天；急办事项请到区（市）政务服务中心"})  # fmt: skip
    if site.level == "district" and not week["sat"] and rng.random() < 0.5:
        exceptions.append({"date": "2026-12-26", "intervals": [["09:00", "12:00"]],
                           "note": "年底周六上午加开社保、医保窗口"})  # fmt: skip
    return sorted(exceptions, key=lambda e: str(e["date"]))


def transport(site: Site, stop: str, rng: random.Random) -> str:
    stop_name = stop or site.township.name
    buses = sorted(rng.sample(range(1, 400), 3 if site.level != "street" else 2))
    bus = f"公交{'路、'.join(str(b) for b in buses)}路{stop_name}站下车，步行约{rng.randrange(1, 6) * 100}米"
    if site.kind == "reserve":
        return "自积米崖港乘船前往灵山岛，上岛后步行约10分钟；船班受天气影响"
    lines = METRO_DISTRICTS.get(site.district.code)
    if lines and site.kind in ("city", "district", "urban"):
        line = rng.choice(lines)
        exit_letter = rng.choice("ABCD")
        metro = f"地铁{line}号线{stop_name}站{exit_letter}口出，步行约{rng.randrange(2, 9) * 100}米"
        return f"{metro}；{bus}"
    return bus


def parking(site: Site, rng: random.Random) -> Json:
    if site.kind == "city":
        return {"spaces": 600, "free": False, "note": "地下停车场，办事群众凭取号凭证2小时内免费"}
    if site.kind == "district":
        return {"spaces": rng.randrange(8, 31) * 10, "free": True, "note": "办事群众免费停放，高峰时段车位紧张"}
    if site.kind == "reserve":
        return {"spaces": 4, "free": True, "note": "岛上车辆很少，仅设少量车位"}
    spaces = rng.randrange(8, 30) if site.kind == "urban" else rng.randrange(15, 60)
    note = "门前路侧停车位，车位有限" if site.kind == "urban" else "院内停车场，免费"
    return {"spaces": spaces, "free": True, "note": note}


ACCESSIBILITY_EXTRAS = ("无障碍卫生间", "无障碍停车位", "轮椅借用", "爱心服务窗口", "母婴室", "老年人绿色通道",
                        "助听设备")  # fmt: skip


def accessibility(site: Site, rng: random.Random) -> list[str]:
    count = {"city": 7, "district": rng.randrange(4, 7)}.get(site.kind, rng.randrange(1, 4))
    return ["无障碍通道", *sorted(rng.sample(ACCESSIBILITY_EXTRAS, count))]


def kiosks(site: Site, rng: random.Random) -> list[Json]:
    if site.kind == "city":
        return [
            {"kind": "综合自助终端", "count": 20, "hours": "24小时"},
            {"kind": "社保医保自助终端", "count": 6, "hours": "24小时"},
            {"kind": "出入境自助签注机", "count": 4, "hours": "24小时"},
            {"kind": "公积金自助终端", "count": 4, "hours": "工作时间"},
        ]
    if site.kind == "district":
        return [
            {"kind": "综合自助终端", "count": rng.randrange(4, 11), "hours": "24小时"},
            {"kind": "社保医保自助终端", "count": rng.randrange(2, 5), "hours": "工作时间"},
        ]
    count = 1 if site.kind in ("rural", "reserve") else rng.randrange(1, 3)
    return [{"kind": "综合自助终端", "count": count, "hours": "工作时间"}]


def last_verified(rng: random.Random) -> str:
    day = dt.date(2026, 9, 1) + dt.timedelta(days=rng.randrange(0, 80))
    return day.isoformat()
