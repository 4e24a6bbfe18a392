"""Which venue handles which item implementation (venue_items.csv) — generated, deterministic.

- The city hall handles every city-level implementation.
- Each district hall handles a large subset (≈ 86–99 %) of the district-level implementations; core items
  almost always. Rural business (农业农村, 林业, 农村…) is not handled in the fully urban districts.
- Each street/town centre handles the street-level implementations: urban streets nearly all of them,
  towns and development zones a little less, 灵山岛 only the everyday social-security items; 户籍
  reception (the 派出所 items) only where the centre has a police reception window.
- Afterwards every implementation that no venue handles is given to one eligible venue, so every item
  is handled somewhere.
"""

from __future__ import annotations

import random
from collections import defaultdict

from .common import URBAN_DISTRICTS, Implementation, Item, rng_for
from .departments import SPEC_BY_SUFFIX, SPECS, SUFFIX_BY_CATEGORY, has_branch
from .sites import Site

RURAL_CATEGORIES = frozenset({"农业农村", "林业"})
RESERVE_CATEGORIES = frozenset({"人社", "医保", "民政", "残联", "卫健", "退役军人"})
HUJI_RECEPTION = {"urban": 0.85, "rural": 0.6, "zone": 0.5, "reserve": 0.0}
STREET_KEEP = {"urban": 0.97, "rural": 0.93, "zone": 0.9, "reserve": 0.8}

Assignment = dict[str, list[tuple[str, str]]]  # venue id → [(item code, level)]


def is_rural_item(item: Item) -> bool:
    return item.category in RURAL_CATEGORIES or "农村" in item.name or "宅基地" in item.name


def eligible(site: Site, item: Item) -> bool:
    """Whether a site could handle the item at all (before the random subset is drawn)."""
    if site.level == "city":
        return True
    if not has_branch(SPEC_BY_SUFFIX[SUFFIX_BY_CATEGORY[item.category]], site.district.code):
        return False
    if site.kind == "reserve" and item.category not in RESERVE_CATEGORIES:
        return False
    if is_rural_item(item):
        return site.district.code not in URBAN_DISTRICTS and site.kind in ("district", "rural", "zone", "reserve")
    return True


def assign(sites: list[Site], items: list[Item], implementations: list[Implementation]) -> Assignment:
    by_code = {item.code: item for item in items}
    by_level: dict[str, list[Item]] = defaultdict(list)
    for impl in implementations:
        by_level[impl.level].append(by_code[impl.item_code])
    result: Assignment = {}
    for site in sites:
        rng = rng_for("assign", site.id)
        chosen = _choose(site, by_level[site.level], rng)
        result[site.id] = [(item.code, site.level) for item in chosen]
    _cover_all(sites, by_level, result)
    return {venue: sorted(pairs) for venue, pairs in result.items()}


def _choose(site: Site, candidates: list[Item], rng: random.Random) -> list[Item]:
    if site.level == "city":
        return list(candidates)
    if site.level == "district":
        keep = rng.uniform(0.86, 0.99)
        return [i for i in candidates if eligible(site, i) and rng.random() < (0.985 if i.is_core else keep)]
    has_huji = rng.random() < HUJI_RECEPTION[site.kind]
    chosen = []
    for item in candidates:
        if not eligible(site, item):
            continue
        if _is_huji_reception(item) and not has_huji:
            continue
        if rng.random() < STREET_KEEP[site.kind]:
            chosen.append(item)
    return chosen


def _is_huji_reception(item: Item) -> bool:
    """The 派出所 household-registration items of the raw catalogue (level 县级/派出所)."""
    return not item.is_core and item.category == "公安"


def _cover_all(sites: list[Site], by_level: dict[str, list[Item]], result: Assignment) -> None:
    handled = {(code, level) for pairs in result.values() for code, level in pairs}
    for level, items in sorted(by_level.items()):
        for item in sorted(items, key=lambda i: i.code):
            if (item.code, level) in handled:
                continue
            options = [s for s in sites if s.level == level and eligible(s, item)] or [
                s for s in sites if s.level == level
            ]
            site = rng_for("cover", item.code, level).choice(options)
            result[site.id].append((item.code, level))
            handled.add((item.code, level))


def window_suffixes(pairs: list[tuple[str, str]], items_by_code: dict[str, Item]) -> list[str]:
    """Department suffixes (GA, RS, …) of the items a venue handles, in the order of the department table."""
    suffixes = {SUFFIX_BY_CATEGORY[items_by_code[code].category] for code, _ in pairs}
    return [spec.suffix for spec in SPECS if spec.suffix in suffixes]
