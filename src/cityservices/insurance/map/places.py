"""The places of the insurance map: 35 real hospitals (names, addresses, approximate positions) with generated
insurance attributes, and generated offices and pharmacies — every generated value listed in ``demo_fields``.

Generation is deterministic (a fixed seed over the files in a fixed order), so ids and values are stable
between processes. See ``data/qingdao/insurance/map/PROVENANCE.md``."""

from __future__ import annotations

import csv
import hashlib
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal

DATA_DIR: Final = Path(__file__).resolve().parents[4] / "data" / "qingdao" / "insurance" / "map"
PlaceKind = Literal["office", "hospital", "pharmacy"]
KIND_ZH: Final[dict[str, str]] = {"office": "医保经办机构", "hospital": "定点医院", "pharmacy": "定点药店"}
LEVEL_ZH: Final[dict[str, str]] = {"3": "三级", "2": "二级", "1": "一级"}
DISTRICTS: Final[dict[str, str]] = {
    "370202": "市南区",
    "370203": "市北区",
    "370211": "黄岛区",
    "370212": "崂山区",
    "370213": "李沧区",
    "370214": "城阳区",
    "370215": "即墨区",
    "370281": "胶州市",
    "370283": "平度市",
    "370285": "莱西市",
}
DISTRICT_ALIASES: Final = {"西海岸新区": "370211"} | {name: code for code, name in DISTRICTS.items()}
SEED: Final = 2026
Weekly = tuple[tuple[tuple[str, str], ...], ...]  # seven days, Monday first, ("HH:MM", "HH:MM") spans
WORKDAY: Final = (("08:30", "12:00"), ("13:30", "17:00"))
OFFICE_WEEK: Final[Weekly] = (WORKDAY,) * 5 + ((), ())
WINDOW_WEEK: Final[Weekly] = (WORKDAY,) * 5 + ((("08:30", "12:00"),), ())
PHARMACY_DAY: Final[Weekly] = ((("08:00", "21:00"),),) * 7
PHARMACY_ALLDAY: Final[Weekly] = ((("00:00", "23:59"),),) * 7


@dataclass(frozen=True)
class Place:
    id: str
    kind: PlaceKind
    name: str
    district_code: str | None
    address: str | None
    lat: float
    lng: float
    position: Literal["approximate", "demo"]  # approximate: a real hospital's geocoded address
    level: str | None  # hospitals: 3 / 2 / 1
    designated: bool
    cross_province: bool  # 跨省异地就医直接结算
    chronic: bool  # 门诊慢特病结算
    phone: str
    weekly: Weekly
    demo_fields: tuple[str, ...]

    @property
    def district_name(self) -> str | None:
        return DISTRICTS.get(self.district_code or "")


def _id(kind: str, name: str) -> str:
    return f"{kind[0]}{hashlib.sha256(name.encode()).hexdigest()[:11]}"


def _phone(rng: random.Random) -> str:
    return f"0532-0{rng.randrange(100, 1000)}{rng.randrange(1000, 10000)}"  # no Qingdao number starts with 0


def _hospital(row: dict[str, str], rng: random.Random) -> Place:
    level = rng.choices(("3", "2", "1"), weights=(6, 3, 1))[0]
    designated = rng.random() < 0.95
    return Place(
        id=_id("hospital", row["name"]),
        kind="hospital",
        name=row["name"],
        district_code=DISTRICT_ALIASES.get(row["district"]),
        address=row["address"] or None,
        lat=float(row["lat_wgs84_approx"]),
        lng=float(row["lng_wgs84_approx"]),
        position="approximate",
        level=level,
        designated=designated,
        cross_province=designated and (level == "3" or rng.random() < 0.5),
        chronic=designated and rng.random() < 0.8,
        phone=_phone(rng),
        weekly=WINDOW_WEEK,
        demo_fields=("level", "designated", "cross_province", "chronic", "phone", "hours"),
    )


def _generated(kind: PlaceKind, name: str, street: dict[str, str], rng: random.Random, offset: float) -> Place:
    office = kind == "office"
    return Place(
        id=_id(kind, name),
        kind=kind,
        name=name,
        district_code=street["district_code"],
        address=None,
        lat=round(float(street["lat"]) + offset, 6),
        lng=round(float(street["lng"]) - offset, 6),
        position="demo",
        level=None,
        designated=True,
        cross_province=office or rng.random() < 0.4,
        chronic=office or rng.random() < 0.6,
        phone=_phone(rng),
        weekly=OFFICE_WEEK if office else (PHARMACY_ALLDAY if rng.random() < 0.2 else PHARMACY_DAY),
        demo_fields=("name", "position", "designated", "cross_province", "chronic", "phone", "hours"),
    )


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def all_places() -> tuple[Place, ...]:
    """Every place of the map, hospitals first, in a stable order."""
    rng = random.Random(SEED)
    places = [_hospital(row, rng) for row in _read("hospitals.csv")]
    streets: dict[str, list[dict[str, str]]] = {}
    for street in _read("streets.csv"):
        streets.setdefault(street["district_code"], []).append(street)
    for code, district in DISTRICTS.items():
        rows = streets[code]
        places.append(_generated("office", f"{district}医疗保障服务中心（演示）", rows[0], rng, 0.0))
        for n in (1, 2):
            street = rows[(n * 3) % len(rows)]
            places.append(_generated("pharmacy", f"{street['name']}演示药房{n}号", street, rng, 0.0015 * n))
    return tuple(places)


def place_by_id(place_id: str) -> Place | None:
    return next((p for p in all_places() if p.id == place_id), None)
