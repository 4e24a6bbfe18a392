"""Where is the citizen, when the browser may not say: a typed address or a chosen district → a point.

This is the fallback of "near me" when geolocation is refused. It is not a geocoder: it recognises the names
the dataset knows — venues and nearby places (by name or address), streets and towns, districts — and
answers with the most precise one it finds, saying how precise that is. Points are WGS-84.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from cityservices.errors import NotFound
from cityservices.service_map.where import repository as repo
from cityservices.service_map.where.basemap import BaseMap, DivisionPlace

PlaceKind = Literal["venue", "poi", "street", "district"]
PRECISION_M: dict[str, int] = {"venue": 50, "poi": 50, "street": 2000, "district": 8000}
_PREFIXES = ("中国", "山东省", "山东", "青岛市", "青岛")
_DIVISION_SUFFIXES = ("街道办事处", "街道", "镇", "区", "市", "乡")
_NOISE = re.compile(r"[\s,，。.、;；:：()（）\"'“”]+")
MAX_QUERY_CHARS = 100


@dataclass(frozen=True)
class Located:
    lat: float
    lng: float
    kind: PlaceKind
    name: str
    district_code: str | None
    precision_m: int

    @property
    def label(self) -> str:
        if self.kind in ("venue", "poi"):
            return f"按“{self.name}”的位置"
        return f"按“{self.name}”的大致中心位置 (误差可达 {self.precision_m // 1000} 公里)"


def normalise_address(text: str) -> str:
    """Drop spaces and punctuation and the province / city prefix a citizen may type."""
    cleaned = _NOISE.sub("", text.strip())
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if cleaned.startswith(prefix) and len(cleaned) > len(prefix):
                cleaned, changed = cleaned[len(prefix) :], True
    return cleaned


def _stem(name: str) -> str:
    for suffix in _DIVISION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _division_match(text: str, places: Sequence[DivisionPlace], levels: tuple[str, ...]) -> DivisionPlace | None:
    """The division of ``levels`` whose name (or name without 街道 / 镇 / 区) is longest inside ``text``."""
    best: tuple[int, DivisionPlace] | None = None
    for s in places:
        if s.level not in levels:
            continue
        for name in (s.name, _stem(s.name)):
            if len(name) >= 2 and (name in text or (len(text) >= 2 and text == name)):
                if best is None or len(name) > best[0]:
                    best = (len(name), s)
                break
    return best[1] if best else None


def locate_place(session: Session, basemap: BaseMap, *, text: str = "", district: str | None = None) -> Located:
    """The most precise known place in ``text``, else the district ``district`` (code or name); NotFound if none."""
    query = normalise_address(text)[:MAX_QUERY_CHARS]
    places = basemap.places
    chosen = None
    if district:
        chosen = next((p for p in places if p.level == "district" and p.code == district), None)
        chosen = chosen or _division_match(normalise_address(district), places, ("district",))
        if chosen is None:
            raise NotFound(f"未知的区(市): {district}")
    if len(query) >= 2:
        found = _named_place(session, query, chosen.name if chosen else None)
        if found is not None:
            return found
        streets = [p for p in places if chosen is None or p.parent_code == chosen.code]
        street = _division_match(query, streets, _STREETS)
        if street is not None:
            return _division_place(street, "street")
        named = _division_match(query, places, ("district",))
        if named is not None and chosen is None:
            return _division_place(named, "district")
    if chosen is not None:
        return _division_place(chosen, "district")
    raise NotFound("没有找到这个地址，请输入街道(镇)、区(市)名称或附近的地标，或选择所在区(市)")


_STREETS = ("street", "town")


def _division_place(place: DivisionPlace, kind: Literal["street", "district"]) -> Located:
    district = place.code if kind == "district" else place.parent_code
    return Located(place.point[0], place.point[1], kind, place.name, district, PRECISION_M[kind])


def _named_place(session: Session, query: str, district_name: str | None) -> Located | None:
    """The venue, else the nearby place, best matching ``query``: its name equals the query, is inside it,
    contains it, or its address contains it (3+ characters); within the chosen district when one is given."""
    for kind, rows in (("venue", repo.list_venue_points(session)), ("poi", repo.list_poi_points(session))):
        best: tuple[tuple[int, int], repo.NamedPoint] | None = None
        for row in rows:
            score = _match_score(query, row)
            if score is None or (district_name and district_name not in row.address):
                continue
            if best is None or score < best[0]:
                best = (score, row)
        if best is not None:
            place_kind: PlaceKind = "venue" if kind == "venue" else "poi"
            row = best[1]
            return Located(row.lat, row.lng, place_kind, row.name, None, PRECISION_M[place_kind])
    return None


def _match_score(query: str, row: repo.NamedPoint) -> tuple[int, int] | None:
    """Lower is better: (kind of match, length difference); None when the row does not match."""
    if row.name == query:
        return 0, 0
    if len(row.name) >= 3 and row.name in query:
        return 1, len(query) - len(row.name)
    if len(query) >= 2 and query in row.name:
        return 2, len(row.name) - len(query)
    if len(query) >= 3 and query in normalise_address(row.address):
        return 3, len(row.address)
    return None
