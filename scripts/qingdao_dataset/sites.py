"""The 152 venue sites: one city hall, ten district halls and one centre per township-level division.

Every site gets generated WGS-84 coordinates inside its own polygon: the township's (the district's for
the six development zones without an OSM polygon); district halls inside their district and seat
township; the city hall inside 崂山区.
"""

from __future__ import annotations

from dataclasses import dataclass

from .common import CITY_CODE, URBAN_DISTRICTS, Division, rng_for
from .geo import Areas, inner_point, place_inside
from .sources import Sources

CITY_HALL_NAME = "青岛市政务服务中心"
CITY_HALL_DISTRICT = "370212"  # 崂山区
CITY_HALL_TOWNSHIP = "370212001"  # 中韩街道
RESERVE_CODE = "370211401"  # 灵山岛省级自然保护区
# Township used for a district hall's address and position (the district's main urban street).
DISTRICT_SEATS = {
    "370202": "370202001",
    "370203": "370203013",
    "370211": "370211005",
    "370212": "370212005",
    "370213": "370213006",
    "370214": "370214001",
    "370215": "370215001",
    "370281": "370281001",
    "370283": "370283001",
    "370285": "370285001",
}
DISTRICT_HALL_NAMES = {"370211": "青岛西海岸新区政务服务中心"}
# Development zones have no OSM polygon: their centre is placed (inside the district polygon) near the
# township that hosts the zone.
ZONE_ANCHORS = {
    "370214400": "370214009",  # 青岛高新技术产业开发区 → 红岛街道
    "370215400": "370215003",  # 通济新经济区 → 通济街道
    "370215402": "370215100",  # 田横岛省级旅游度假区 → 田横镇
    "370281400": "370281006",  # 胶州经济技术开发区 → 九龙街道
    "370281401": "370281008",  # 大沽河省级生态旅游度假区 → 胶北街道
    "370283400": "370283003",  # 平度经济开发区 → 同和街道
}


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    level: str  # city | district | street
    kind: str  # city | district | urban | rural | zone | reserve
    division: Division
    district: Division
    township: Division  # the township whose communities give the address
    lng: float
    lat: float

    @property
    def rural(self) -> bool:
        return self.kind in ("rural", "reserve")


def build_sites(sources: Sources, areas: Areas) -> list[Site]:
    city = sources.division(CITY_CODE)
    districts = sources.children(CITY_CODE)
    sites = [_city_hall(sources, areas, city)]
    sites.extend(_district_hall(sources, areas, district) for district in districts)
    for district in districts:
        for township in sources.children(district.code):
            sites.append(_township_centre(sources, areas, district, township))
    return sites


def _start(sources: Sources, areas: Areas, code: str) -> tuple[float, float]:
    point = sources.inner_points.get(code)
    return point if point is not None else inner_point(areas.polygon(code))


def _city_hall(sources: Sources, areas: Areas, city: Division) -> Site:
    polygons = [areas.polygon(CITY_HALL_TOWNSHIP), areas.polygon(CITY_HALL_DISTRICT)]
    start = _start(sources, areas, CITY_HALL_TOWNSHIP)
    lng, lat = place_inside(polygons, start, rng_for("site", "city"))
    district = sources.division(CITY_HALL_DISTRICT)
    township = sources.division(CITY_HALL_TOWNSHIP)
    return Site("V" + CITY_CODE, CITY_HALL_NAME, "city", "city", city, district, township, lng, lat)


def _district_hall(sources: Sources, areas: Areas, district: Division) -> Site:
    seat = DISTRICT_SEATS[district.code]
    polygons = [areas.polygon(seat), areas.polygon(district.code)]
    lng, lat = place_inside(polygons, _start(sources, areas, seat), rng_for("site", district.code))
    name = DISTRICT_HALL_NAMES.get(district.code, f"{district.name}政务服务中心")
    township = sources.division(seat)
    return Site("V" + district.code, name, "district", "district", district, district, township, lng, lat)


def _township_kind(sources: Sources, district: Division, township: Division) -> str:
    if township.code == RESERVE_CODE:
        return "reserve"
    if township.level == "other":
        return "zone"
    villages = sum("村" in c.name for c in sources.communities_of(township.code))
    if township.level == "town" or (district.code not in URBAN_DISTRICTS and villages >= 3):
        return "rural"
    return "urban"


def _township_centre(sources: Sources, areas: Areas, district: Division, township: Division) -> Site:
    own = areas.polygon(township.code)
    polygons = [own] if own is not None else [areas.polygon(district.code)]
    anchor = township.code if own is not None else ZONE_ANCHORS[township.code]
    start = _start(sources, areas, anchor)
    lng, lat = place_inside(polygons, start, rng_for("site", township.code))
    name = f"{township.name}便民服务中心"
    kind = _township_kind(sources, district, township)
    return Site("V" + township.code, name, "street", kind, township, district, township, lng, lat)
