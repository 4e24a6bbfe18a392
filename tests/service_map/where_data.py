"""A small dataset for "where to go" tests: venues of every level around 市南区, one closed, items at
different levels, a bundle, POIs of several categories."""

from __future__ import annotations

import datetime as dt

from cityservices.service_map.interchange.dataset import Dataset, Origin
from cityservices.service_map.interchange.records import (
    BundleItemRef,
    BundleRecord,
    HoursException,
    ImplementationRecord,
    ItemRecord,
    PoiRecord,
    VenueItemRecord,
    VenueRecord,
)
from tests.builders import make_dataset, make_venue

ORIGIN = (36.0671, 120.3826)  # WGS-84, near 香港中路
SUNDAY = "2026-12-06T10:00:00+08:00"
TUESDAY = "2026-12-01T10:00:00+08:00"


def _venue(venue_id: str, name: str, level: str, division: str, lat: float, lng: float, **extra: object) -> VenueRecord:
    return make_venue(
        venue_id, name=name, level=level, division_code=division, lat=lat, lng=lng,
        source_crs="wgs84", source_lat=lat, source_lng=lng, **extra,
    )  # fmt: skip


def make_where_dataset() -> Dataset:
    d = make_dataset()
    d.items.append(
        ItemRecord(code="QD-RS-0003", name="就业登记", item_type="公共服务", applicant_type="个人",
                   department_code="3702-RS", category="人社")
    )  # fmt: skip
    d.implementations += [
        ImplementationRecord(item_code="QD-RS-0001", level="district", department_code="3702-RS"),
        ImplementationRecord(item_code="QD-RS-0001", level="city", department_code="3702-RS"),
        ImplementationRecord(item_code="QD-RS-0003", level="district", department_code="3702-RS"),
    ]
    d.venues += [
        _venue("V370202002", "湛山街道便民服务中心", "street", "370202001", 36.0600, 120.4000,
               parking={}, accessibility=[]),
        _venue("V370202", "市南区政务服务中心", "district", "370202", 36.0700, 120.3800),
        _venue("V3702", "青岛市政务服务中心", "city", "3702", 36.1357, 120.4379),
        _venue("V370202009", "临时关闭的便民服务中心", "street", "370202001", 36.0672, 120.3828,
               status="temporarily_closed"),
    ]  # fmt: skip
    d.venue_items += [
        VenueItemRecord(venue_id="V370202002", item_code="QD-RS-0001", level="street"),
        VenueItemRecord(venue_id="V370202", item_code="QD-RS-0001", level="district"),
        VenueItemRecord(venue_id="V370202", item_code="QD-RS-0003", level="district"),
        VenueItemRecord(venue_id="V3702", item_code="QD-RS-0001", level="city"),
        VenueItemRecord(venue_id="V370202009", item_code="QD-RS-0001", level="street"),
    ]
    d.pois += [
        PoiRecord(id="P2", category="food", name="香港中路餐厅", lat=36.0690, lng=120.3860, source_crs="wgs84",
                  source_lat=36.0690, source_lng=120.3860),
        PoiRecord(id="P3", category="petrol", name="远处加油站", lat=36.0900, lng=120.4200, source_crs="wgs84",
                  source_lat=36.0900, source_lng=120.4200),
        PoiRecord(id="P4", category="parking", name="稍远停车场", lat=36.0700, lng=120.3900, source_crs="wgs84",
                  source_lat=36.0700, source_lng=120.3900),
    ]  # fmt: skip
    for kind in d.counts():
        d.origins[kind] = [Origin(kind, i + 1) for i in range(len(d.records(kind)))]
    return d


def plan_dataset(*, first_closed_on_tuesday: bool = False) -> Dataset:
    """The where dataset with two bundles that are plans: a choice between 0002 (handled only at the nearest
    street centre) and 0003 (only at the district centre), and a step needed only on a condition."""
    d = make_where_dataset()
    if first_closed_on_tuesday:
        d.venues[0] = make_venue(
            hours_exceptions=[HoursException(date=dt.date(2026, 12, 1), intervals=[], note="内部整修")]
        )
    d.bundles += [
        BundleRecord(code="B-CHOICE", name="选择其一的一件事", items=[
            BundleItemRef(position=1, item_code="QD-RS-0001"),
            BundleItemRef(position=2, item_code="QD-RS-0002", kind="choice", choice_group="按本人情形"),
            BundleItemRef(position=3, item_code="QD-RS-0003", kind="choice", choice_group="按本人情形"),
        ]),
        BundleRecord(code="B-IF", name="有条件的一件事", items=[
            BundleItemRef(position=1, item_code="QD-RS-0001"),
            BundleItemRef(position=2, item_code="QD-RS-0003", kind="if", condition="需要就业登记的"),
        ]),
    ]  # fmt: skip
    d.origins["bundles"] = [Origin("bundles", i + 1) for i in range(len(d.bundles))]
    return d
