"""Where is the citizen, when the browser may not say: a typed address or a chosen district → a point.

This is the fallback of "near me" when geolocation is refused. It is not a geocoder: it recognises real named
places — venues and sourced nearby places (by name or address), residents' and villagers' committees
(社区 / 村, from the statistics bureau's division codes), streets and towns, districts — and answers with the
most precise one it finds, saying how precise that is and which other places the words could mean. A
generated nearby place (demo data) is never a start point. A district alone starts from its seat of government,
not from the middle of its area. Points are WGS-84; the reference lists are in ``data/`` with their provenance.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from cityservices.errors import NotFound
from cityservices.service_map.where import repository as repo
from cityservices.service_map.where.basemap import BaseMap, DivisionPlace

PlaceKind = Literal["venue", "poi", "community", "street", "district"]
PRECISION_M: dict[str, int] = {"venue": 50, "poi": 50, "community": 2000, "street": 2000, "district": 8000}
DATA = Path(__file__).resolve().parent / "data"
_COMMITTEE_SUFFIXES = (
    ("社区居民委员会", "社区"),
    ("居民委员会", "社区"),
    ("村民委员会", "村"),
    ("居委会", "社区"),
    ("村委会", "村"),
    ("村民委会", "村"),  # one source row spells it so
)
MAX_CANDIDATES = 8
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
    within: str | None = None  # the street a community is placed by
    seat: bool = False  # a district's seat of government rather than a point inside its area
    candidates: tuple[Located, ...] = field(default=(), compare=False)  # other places the words may mean

    @property
    def label(self) -> str:
        if self.kind in ("venue", "poi"):
            return f"按“{self.name}”的位置"
        if self.kind == "community":
            return f"按“{self.name}”所在的{self.within}的大致中心位置 (误差可达 {self.precision_m // 1000} 公里)"
        if self.seat:
            return f"按“{self.name}”政府驻地的位置 (您在区内的具体位置未知，路程仅供参考)"
        return f"按“{self.name}”的大致中心位置 (误差可达 {self.precision_m // 1000} 公里)"


@dataclass(frozen=True)
class Committee:
    """A residents' or villagers' committee (社区 / 村) and the street or town it belongs to."""

    code: str
    name: str  # 江西路社区, 东女姑山社区, 大石村
    stem: str  # 江西路, 东女姑山, 大石
    street_code: str


@lru_cache(maxsize=1)
def district_seats() -> dict[str, tuple[float, float]]:
    """The WGS-84 point of each district's seat of government, by district code."""
    with (DATA / "district_seats.csv").open(encoding="utf-8") as fh:
        return {row["code"]: (float(row["lat"]), float(row["lng"])) for row in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def committees() -> tuple[Committee, ...]:
    """Every residents' and villagers' committee with a short name a citizen would type."""
    found = []
    with (DATA / "communities.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = row["name"]
            for suffix, kind in _COMMITTEE_SUFFIXES:
                if name.endswith(suffix):
                    stem = name.removesuffix(suffix)
                    name = stem if stem.endswith(kind) else stem + kind
                    break
            stem = name.removesuffix("社区").removesuffix("村") if len(name) > 3 else name
            found.append(Committee(row["code"], name, stem, row["street_code"]))
    return tuple(found)


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
        community = _committee_place(query, places, chosen.code if chosen else None)
        if community is not None:
            return community
        named = _division_match(query, places, ("district",))
        if named is not None and chosen is None:
            return _division_place(named, "district")
    if chosen is not None:
        return _division_place(chosen, "district")
    raise NotFound("没有找到这个地址，请输入街道(镇)、区(市)名称或附近的地标，或选择所在区(市)")


_STREETS = ("street", "town")


def _division_place(place: DivisionPlace, kind: Literal["street", "district"]) -> Located:
    district = place.code if kind == "district" else place.parent_code
    seat = district_seats().get(place.code) if kind == "district" else None
    point = seat or place.point
    return Located(point[0], point[1], kind, place.name, district, PRECISION_M[kind], seat=seat is not None)


def _committee_place(query: str, places: Sequence[DivisionPlace], district: str | None) -> Located | None:
    """The committee whose name (or name without 社区 / 村) is longest in ``query``, placed by its street; the
    other committees of that name (in other streets) are its candidates."""
    streets = {p.code: p for p in places if p.level in _STREETS}
    best_len, matches = 0, []
    for committee in committees():
        street = streets.get(committee.street_code)
        if street is None or (district is not None and street.parent_code != district):
            continue
        size = next((len(n) for n in (committee.name, committee.stem) if len(n) >= 2 and n in query), 0)
        if size > best_len:
            best_len, matches = size, [(committee, street)]
        elif size and size == best_len:
            matches.append((committee, street))
    if not matches:
        return None
    located = [
        Located(s.point[0], s.point[1], "community", c.name, s.parent_code, PRECISION_M["community"], within=s.name)
        for c, s in matches[:MAX_CANDIDATES]
    ]
    return replace(located[0], candidates=tuple(located[1:]))


def _named_place(session: Session, query: str, district_name: str | None) -> Located | None:
    """The venue, else the nearby place, best matching ``query``: its name equals the query, is inside it,
    contains it, or its address contains it (3+ characters); within the chosen district when one is given."""
    for kind, rows in (("venue", repo.list_venue_points(session)), ("poi", repo.list_sourced_poi_points(session))):
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
