"""A dataset for the public read API tests: two districts, six venues at three levels, five items, guide
versions, two bundles. Times below fall in 2026, a year the built-in calendar knows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cityservices.service_map.interchange.dataset import Dataset, Origin
from cityservices.service_map.interchange.records import (
    BundleItemRef,
    BundleRecord,
    DepartmentRecord,
    DivisionRecord,
    GuideRecord,
    HoursException,
    ImplementationRecord,
    ItemRecord,
    VenueItemRecord,
    VenueRecord,
)
from tests.builders import make_dataset, make_venue

TUESDAY_10 = "2026-03-10T10:00:00"  # a regular working day
MONDAY_1230 = "2026-03-09T12:30:00"  # the lunch break of the venues with the builders' week
SATURDAY_10 = "2026-03-14T10:00:00"
SUNDAY_10 = "2026-03-15T10:00:00"
NATIONAL_DAY_10 = "2026-10-01T10:00:00"
UNKNOWN_YEAR = "2031-03-11T10:00:00"
WEEKDAYS_ONLY = {"mon": [("09:00", "17:00")], "tue": [("09:00", "17:00")], "wed": [("09:00", "17:00")],
                 "thu": [("09:00", "17:00")], "fri": [("09:00", "17:00")], "sat": [], "sun": []}  # fmt: skip

# Venue ids by what the tests expect of them.
ALL_VENUES = ["V3702", "V370202", "V370202001", "V370202002", "V370203", "V370203001"]
SHINAN_VENUES = ["V370202", "V370202001", "V370202002"]  # 市南区 and its streets


def _venues() -> list[VenueRecord]:
    def venue(venue_id: str, **overrides: Any) -> VenueRecord:
        return make_venue(venue_id, **{"hours_exceptions": [], **overrides})

    return [
        make_venue(),  # V370202001: street, 香港中路, Mon 09–12 13:30–17, Tue–Fri 09–17, Sat 09–12
        venue("V3702", name="青岛市民中心", level="city", division_code="3702", address="市南区东海西路 1 号",
              departments=["3702-RS", "3702-GA"], windows=[], demo_fields=[]),
        venue("V370202", name="市南区政务服务中心", level="district", division_code="370202",
              address="市南区宁夏路 286 号", hours=WEEKDAYS_ONLY, departments=["370202-RS"],
              hours_exceptions=[HoursException(date=dt.date(2026, 3, 10), intervals=[], note="系统升级")]),
        venue("V370202002", name="八大峡街道便民服务中心", division_code="370202002", address="市南区团岛路 5 号",
              hours=WEEKDAYS_ONLY, departments=[], lat=36.0620, lng=120.2900, source_crs="wgs84",
              source_lat=36.0620, source_lng=120.2900),
        venue("V370203", name="市北区政务服务中心", level="district", division_code="370203",
              address="市北区敦化路 100 号", departments=["370203-GA"], lat=36.0870, lng=120.3750,
              source_crs="bd09", source_lat=36.0930, source_lng=120.3870,
              hours_exceptions=[HoursException(date=dt.date(2026, 3, 15), intervals=[("09:00", "12:00")],
                                               note="周日加班")]),
        venue("V370203001", name="辽宁路街道便民服务中心", division_code="370203001", address="市北区辽宁路 9 号",
              status="temporarily_closed", departments=[]),
    ]  # fmt: skip


def _items() -> tuple[list[ItemRecord], list[ImplementationRecord]]:
    items = [
        ItemRecord(code="QD-GA-0001", name="居民身份证换领", item_type="行政确认", applicant_type="个人",
                   department_code="3702-GA", category="公安", aliases=["身份证到期换证"], is_core=True),
        ItemRecord(code="QD-SC-0001", name="营业执照_变更登记", item_type="行政许可", applicant_type="企业",
                   department_code="3702-SC", category="市场监管"),
        ItemRecord(code="QD-SC-0002", name="个体工商户登记", item_type="行政许可", applicant_type="个人;企业",
                   department_code="3702-SC", category="市场监管", aliases=["开小店 100%"]),
    ]  # fmt: skip
    implementations = [
        ImplementationRecord(item_code="QD-GA-0001", level="district", department_code="370203-GA"),
        ImplementationRecord(item_code="QD-GA-0001", level="city", department_code="3702-GA"),
        ImplementationRecord(item_code="QD-SC-0001", level="city", department_code="3702-SC"),
        ImplementationRecord(item_code="QD-SC-0002", level="district", department_code="3702-SC"),
    ]
    return items, implementations


def _venue_items() -> list[VenueItemRecord]:
    pairs = [
        ("V370202", "QD-SC-0002", "district"), ("V370203", "QD-GA-0001", "district"),
        ("V370203", "QD-SC-0002", "district"), ("V3702", "QD-GA-0001", "city"), ("V3702", "QD-SC-0001", "city"),
        ("V370202002", "QD-RS-0001", "street"), ("V370203001", "QD-RS-0001", "street"),
    ]  # fmt: skip
    return [VenueItemRecord(venue_id=v, item_code=i, level=lv, window_number="8") for v, i, lv in pairs]


def _guides() -> list[GuideRecord]:
    id_card = {"name": "居民身份证", "form": "原件", "copies": 1, "waivable": False}
    return [
        GuideRecord(item_code="QD-RS-0001", version=2, is_current=True, valid_from=dt.date(2026, 1, 1),
                    materials=[id_card, {"name": "近期免冠照片", "form": "原件", "copies": 1}],
                    steps=[{"name": "受理", "description": "窗口受理"}, {"name": "制卡", "description": "制卡发放"}],
                    promised_time_limit_days=5, time_limit_kind="承诺件", visits_to_site=1,
                    channels=[{"kind": "online", "name": "爱山东", "url": "https://example.org/sbk"}],
                    consult_phone="0532-12333", complaint_phone="0532-12345", legal_basis=["《社会保险法》"],
                    faqs=[{"q": "可以代办吗？", "a": "可以"}], result_certificate="社会保障卡"),
        GuideRecord(item_code="QD-GA-0001", version=1, materials=[id_card], legal_time_limit_days=60,
                    promised_time_limit_days=30, time_limit_kind="承诺件",
                    fees=[{"item": "工本费", "amount": 20, "basis": "发改价格〔2003〕2322号"}]),
        GuideRecord(item_code="QD-SC-0002", version=1, materials=[{"name": "《居民身份证》"}]),
    ]  # fmt: skip


def make_catalog_dataset() -> Dataset:
    dataset = make_dataset()
    dataset.divisions += [
        DivisionRecord(code="370202002", name="八大峡街道", level="street", parent_code="370202"),
        DivisionRecord(code="370203", name="市北区", level="district", parent_code="3702"),
        DivisionRecord(code="370203001", name="辽宁路街道", level="street", parent_code="370203"),
    ]
    dataset.departments += [
        DepartmentRecord(code="3702-GA", name="青岛市公安局", category="公安", division_code="3702"),
        DepartmentRecord(code="370203-GA", name="青岛市公安局市北分局", category="公安", division_code="370203"),
        DepartmentRecord(code="3702-SC", name="青岛市市场监督管理局", category="市场监管", division_code="3702",
                         demo_fields=["name"]),
    ]  # fmt: skip
    items, implementations = _items()
    dataset.items += items
    dataset.implementations += implementations
    dataset.venues = _venues()
    dataset.venue_items += _venue_items()
    old = dataset.guides[0].model_copy(update={"is_current": False, "materials": [{"name": "旧版材料"}]})
    dataset.guides = [old, *_guides(), dataset.guides[1]]
    dataset.bundles.append(
        BundleRecord(code="B-BIZ", name="开办个体户一件事", life_event="开店", lead_department_code="3702-SC",
                     items=[BundleItemRef(position=1, item_code="QD-SC-0002"),
                            BundleItemRef(position=2, item_code="QD-GA-0001", note="如身份证过期")],
                     shared_materials=[{"name": "居民身份证", "note": "一次提交"}])
    )  # fmt: skip
    for kind in dataset.counts():
        dataset.origins[kind] = [Origin(kind, i + 1) for i in range(len(dataset.records(kind)))]
    return dataset
