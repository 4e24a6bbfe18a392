"""Constants, record types and small helpers shared by the dataset builder's modules."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

SEED = 20261129
CREATED = "2026-11-29"
VALID_FROM = "2026-01-01"
LAST_VERIFIED = "2026-11-01"
DATASET_NAME = "青岛市政务服务演示数据集"
CITY_CODE = "3702"
CITY_NAME = "青岛市"
OSM_SOURCE = "OpenStreetMap, © OpenStreetMap contributors, ODbL 1.0"
DEMO_SITE = "https://zwfw.qingdao.example"
HOTLINE = "0532-12345"
CORE_SOURCE = "core_items.csv（青岛高频政务服务事项目录）"
GENERATED_SOURCE = "演示数据：按业务类别生成，无公开办事指南来源"
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
LEVELS = ("city", "district", "street")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
COUNTY_CITIES = frozenset({"370281", "370283", "370285"})
URBAN_DISTRICTS = frozenset({"370202", "370203", "370213"})

Json = dict[str, Any]


def rng_for(*keys: object) -> random.Random:
    """A random generator seeded from the fixed seed and ``keys``: stable across runs and machines."""
    return random.Random(f"{SEED}:" + ":".join(str(key) for key in keys))


def short_name(division_name: str) -> str:
    """市南区 → 市南, 胶州市 → 胶州 (the form used inside branch names)."""
    return division_name[:-1] if division_name.endswith(("区", "市")) else division_name


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent_code: str


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    category: str
    division_code: str
    demo_fields: tuple[str, ...] = ()

    @property
    def suffix(self) -> str:
        return self.code.split("-", 1)[1]


@dataclass
class Item:
    code: str
    name: str
    item_type: str
    applicant_type: str
    department_code: str
    category: str
    basic_code: str
    aliases: tuple[str, ...]
    is_core: bool
    source: str
    demo_fields: tuple[str, ...]
    levels: tuple[str, ...] = ()
    implementation_codes: dict[str, str] = field(default_factory=dict)
    raw_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Implementation:
    item_code: str
    level: str
    department_code: str
    implementation_code: str
    demo_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class VenueItem:
    venue_id: str
    item_code: str
    level: str
    window_number: str


def demo(*fields: str) -> list[str]:
    """A sorted, de-duplicated ``demo_fields`` list."""
    return sorted(set(fields))


def phone(rng: random.Random) -> str:
    """A generated Qingdao landline (0532 + 8 digits, first digit 5–8 as local numbers are)."""
    return f"0532-{rng.choice('5678')}{rng.randrange(10**7):07d}"
