"""The bundled Qingdao dataset meets what the platform promises of it."""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache
from pathlib import Path

from shapely.geometry import Point, shape

from cityservices.config import Settings
from cityservices.service_map.interchange.dataset import Dataset
from cityservices.service_map.interchange.native import read_dataset
from cityservices.service_map.interchange.references import KnownKeys, check_dataset

DATA = Settings().demo_data_dir


@cache
def demo() -> Dataset:
    dataset, issues = read_dataset(DATA)
    assert issues == []
    return dataset


def test_dataset_is_valid_and_self_contained() -> None:
    assert check_dataset(demo(), KnownKeys()) == []


def test_every_core_item_name_is_present_verbatim() -> None:
    with (DATA / "sources" / "core_items.csv").open(encoding="utf-8") as handle:
        core = {row["name"] for row in csv.DictReader(handle)}
    items = {item.name: item for item in demo().items}
    assert len(core) == 260
    assert core <= set(items)
    assert {name for name, item in items.items() if item.is_core} == core


def test_three_levels_of_venues_one_per_street_and_town() -> None:
    venues = demo().venues
    levels = Counter(v.level for v in venues)
    assert levels["city"] == 1
    assert levels["district"] == 10
    townships = [d.code for d in demo().divisions if d.level in ("street", "town", "other")]
    assert sorted(v.division_code for v in venues if v.level == "street") == sorted(townships)
    assert len(venues) >= 150


def test_every_venue_lies_inside_its_own_division() -> None:
    polygons = {b.code: shape(b.geometry) for b in demo().boundaries}
    parents = {d.code: d.parent_code for d in demo().divisions}
    outside = []
    for venue in demo().venues:
        code = venue.division_code if venue.division_code in polygons else parents[venue.division_code]
        if venue.level == "city":
            continue  # the city polygon contains every district; checked below via its district
        if not polygons[code or ""].contains(Point(venue.lng, venue.lat)):
            outside.append(venue.id)
    assert outside == []
    city_hall = next(v for v in demo().venues if v.level == "city")
    assert polygons["370212"].contains(Point(city_hall.lng, city_hall.lat))  # 崂山区


def test_venue_item_entries_have_a_realistic_split() -> None:
    d = demo()
    assert len(d.venue_items) >= 22000
    per_venue = Counter(vi.venue_id for vi in d.venue_items)
    levels = {v.id: v.level for v in d.venues}
    city = max(n for vid, n in per_venue.items() if levels[vid] == "city")
    district = sorted(n for vid, n in per_venue.items() if levels[vid] == "district")
    street = sorted(n for vid, n in per_venue.items() if levels[vid] == "street")
    assert city > district[len(district) // 2] > street[len(street) // 2] > 0
    street_items = {vi.item_code for vi in d.venue_items if vi.level == "street"}
    categories = {i.category for i in d.items if i.code in street_items}
    assert {"人社", "医保", "民政", "残联", "公安"} <= categories
    assert {i.code for i in d.items} == {vi.item_code for vi in d.venue_items}


def test_every_item_has_one_current_guide() -> None:
    current = Counter(g.item_code for g in demo().guides if g.is_current)
    assert set(current) == {i.code for i in demo().items}
    assert set(current.values()) == {1}


def test_generated_values_are_marked_as_demo() -> None:
    d = demo()
    for venue in d.venues:
        assert {"phones", "photos", "coordinates"} <= set(venue.demo_fields), venue.id
        assert all("演示" in photo.get("caption", "") for photo in venue.photos)
    assert all(p.demo_fields == ["*"] for p in d.pois)
    sourced = [b for b in d.bundles if b.demo_fields != ["*"]]
    assert sourced
    assert all(b.source.startswith("http") or "one_thing_bundles" in b.source for b in sourced)


def test_bundles_cover_the_common_life_events() -> None:
    names = " ".join(b.name for b in demo().bundles)
    for event in ("出生", "结婚", "退休", "餐饮", "企业开办", "身后"):
        assert event in names, event


def test_dataset_ships_its_provenance_and_sources() -> None:
    provenance = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "OpenStreetMap contributors" in provenance
    assert "演示数据" in provenance or "demo" in provenance
    assert Path(DATA / "sources" / "RAW_PROVENANCE.md").exists()


def test_every_core_item_s_guide_says_in_plain_words_when_it_is_needed() -> None:
    from scripts.qingdao_dataset.situations import problems, read_situations

    with (DATA / "sources" / "core_items.csv").open(encoding="utf-8") as handle:
        core = [row["name"] for row in csv.DictReader(handle)]
    written = read_situations(DATA / "sources" / "core_item_situations.tsv")
    assert problems(written, core) == []  # names verbatim, 6-12 situations of 5-20 characters each
    assert sorted(written) == sorted(core)
    names = {item.code: item for item in demo().items}
    shown = {names[g.item_code].name: g.situations for g in demo().guides if g.is_current and g.situations}
    assert shown == written  # guides.jsonl carries exactly the source file's lists (build --situations)
    assert all(not names[g.item_code].is_core for g in demo().guides if g.is_current and not g.situations)


def test_the_situation_rules_reject_unknown_names_and_bad_lengths() -> None:
    from scripts.qingdao_dataset.situations import problems

    found = problems(
        {"出生登记": ["孩子刚出生要上户口"] * 2 + ["短"], "不存在的事项": ["孩子刚出生要上户口"] * 6}, ["出生登记"]
    )
    assert any("不是核心事项" in p for p in found)
    assert any("3 条" in p for p in found)
    assert any("重复" in p for p in found)
    assert any("“短”" in p for p in found)
