"""Generated nearby places (pois.csv) around each venue: parking, petrol, food, EV charging, pharmacy, ATM.

Every POI is demo data (``demo_fields = ["*"]``): plausible names built from the real community names
of the venue's township, 150–1500 m from the venue, on land (inside the union of township polygons).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from shapely.geometry import Point

from .common import Json, rng_for
from .geo import Areas, offset
from .sites import Site
from .sources import Sources
from .venue_attrs import community_base

SURNAMES = "王张刘李孙于姜赵高崔杨徐"
DISHES = (
    ("排骨米饭", "快餐", 25), ("鲅鱼水饺", "水饺", 35), ("海鲜大排档", "海鲜", 90), ("家常菜馆", "鲁菜", 60),
    ("手工馄饨", "小吃", 18), ("锅贴店", "小吃", 20), ("牛肉面馆", "面食", 22), ("包子铺", "早餐", 12),
    ("烧烤", "烧烤", 70), ("啤酒屋", "啤酒/海鲜", 80), ("麻辣烫", "小吃", 25), ("酱猪蹄", "熟食", 40),
)  # fmt: skip
BANKS = ("中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "青岛银行", "青岛农商银行", "中国邮政储蓄银行")
PHARMACIES = ("漱玉平民大药房", "立健药店", "国大药房")
EV_OPERATORS = ("特来电", "国家电网", "星星充电")


@dataclass(frozen=True)
class Poi:
    id: str
    category: str
    name: str
    lng: float
    lat: float
    address: str
    details: Json


def _place_names(site: Site, sources: Sources) -> list[str]:
    bases = sorted({community_base(c.name) for c in sources.communities_of(site.township.code)})
    return bases or [site.township.name.removesuffix("街道").removesuffix("镇")]


def _position(site: Site, areas: Areas, rng: random.Random) -> tuple[float, float]:
    for _ in range(60):
        lng, lat = offset(site.lng, site.lat, rng.uniform(0, 2 * math.pi), rng.uniform(150, 1500))
        if areas.land.contains(Point(lng, lat)):
            return lng, lat
    return offset(site.lng, site.lat, rng.uniform(0, 2 * math.pi), 150)


def _parking(place: str, rng: random.Random) -> tuple[str, Json]:
    name = f"{place}{rng.choice(['公共停车场', '地下停车场', '广场停车场', '路侧停车场'])}"
    fee = rng.choice(["免费", "首小时5元，之后每小时2元", "5元/小时", "2元/半小时"])
    return name, {"spaces": rng.randrange(3, 40) * 10, "fee": fee}


def _petrol(place: str, rng: random.Random) -> tuple[str, Json]:
    brand = rng.choice(["中国石化", "中国石油"])
    return f"{brand}{place}加油站", {"brand": brand, "fuels": ["92#", "95#", "0#柴油"], "hours": "24小时"}


def _food(place: str, rng: random.Random) -> tuple[str, Json]:
    dish, cuisine, price = rng.choice(DISHES)
    prefix = rng.choice([place, f"老{rng.choice(SURNAMES)}家", f"{rng.choice(SURNAMES)}记", "老青岛"])
    details = {"cuisine": cuisine, "avg_price_yuan": price + rng.randrange(-5, 6), "hours": "10:00-21:00"}
    return f"{prefix}{dish}", details


def _ev(place: str, rng: random.Random) -> tuple[str, Json]:
    operator = rng.choice(EV_OPERATORS)
    details = {"operator": operator, "fast_chargers": rng.randrange(2, 12), "slow_chargers": rng.randrange(0, 8)}
    return f"{operator}{place}充电站", details


def _pharmacy(place: str, rng: random.Random) -> tuple[str, Json]:
    return f"{rng.choice(PHARMACIES)}（{place}店）", {"hours": rng.choice(["08:00-22:00", "24小时"])}


def _atm(place: str, rng: random.Random) -> tuple[str, Json]:
    bank = rng.choice(BANKS)
    return f"{bank}自助银行（{place}）", {"bank": bank, "hours": "24小时"}


MAKERS = {"parking": _parking, "petrol": _petrol, "food": _food, "ev_charging": _ev,
          "pharmacy": _pharmacy, "atm": _atm}  # fmt: skip


def _plan(site: Site, rng: random.Random) -> list[str]:
    """Categories of the POIs around one venue, with counts (fewer on the island reserve)."""
    plan = ["parking"] * rng.randint(2, 4) + ["food"] * rng.randint(3, 5)
    petrol_chance = {"urban": 0.45, "reserve": 0.0}.get(site.kind, 0.8)
    if rng.random() < petrol_chance:
        plan += ["petrol"] * rng.randint(1, 2)
    for category in ("ev_charging", "pharmacy", "atm"):
        plan += [category] * rng.choice([0, 1, 1, 2] if site.kind != "reserve" else [0, 1])
    return plan


def pois_for(site: Site, sources: Sources, areas: Areas) -> list[Poi]:
    rng = rng_for("poi", site.id)
    places = _place_names(site, sources)
    result = []
    for n, category in enumerate(_plan(site, rng), start=1):
        place = rng.choice(places)
        name, details = MAKERS[category](place, rng)
        lng, lat = _position(site, areas, rng)
        address = f"山东省青岛市{site.district.name}{site.township.name}{place}附近"
        result.append(Poi(f"P{site.id[1:]}-{n:02d}", category, name, lng, lat, address, details))
    return result
