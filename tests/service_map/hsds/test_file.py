"""HSDS 3.x in our profile: lossless round trip through the database, the document's shape, plain HSDS
import, and rejection of malformed input by JSON Pointer and field."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cityservices.service_map.hsds.export import export_document, write_hsds
from cityservices.service_map.hsds.mapping import EXT, PROFILE_URI, generated_code, hsds_id
from cityservices.service_map.hsds.reader import read_hsds
from cityservices.service_map.interchange.dataset import Dataset, ImportFailed
from cityservices.service_map.interchange.dump import dump_dataset
from cityservices.service_map.interchange.formats import get_format
from cityservices.service_map.interchange.repository import count_rows
from cityservices.service_map.interchange.store import import_dataset
from tests.builders import make_dataset

Json = dict[str, Any]


def _same(a: Dataset, b: Dataset) -> None:
    """Equal records (JSON objects compared as JSON does: member order is not significant)."""
    for kind in a.counts():
        key = lambda r: json.dumps(r.model_dump(mode="json"), sort_keys=True)  # noqa: E731
        assert sorted(map(key, a.records(kind))) == sorted(map(key, b.records(kind))), kind


def _richer_dataset() -> Dataset:
    """make_dataset with what the profile must also carry: fees, old guide versions, odd free-form keys."""
    d = make_dataset()
    d.guides[0].fees = [
        {"name": "工本费", "amount": "20元", "basis": "鲁价费发〔2019〕1号"},
        {"name": "邮寄费", "amount": 12},
    ]
    d.guides[0].materials.append({"name": "近期照片", "form": "原件", "copies": 2, "note": "白底", "waivable": True})
    old = d.guides[0].model_copy(update={"version": 0 + 2, "is_current": False, "materials": [{"name": "户口簿"}]})
    d.guides.append(old)
    d.venues[0].phones.append({"number": "0532-12345", "label": "投诉", "hours": "24小时"})
    d.venues[0].hours_exceptions[0].intervals = []
    return d


def test_dataset_round_trips_through_hsds_and_database(session: Session, tmp_path: Path) -> None:
    original = _richer_dataset()
    import_dataset(session, original, mode="replace")
    write_hsds(dump_dataset(session), tmp_path / "first.json")

    reread, issues = read_hsds(tmp_path / "first.json")
    assert issues == []
    import_dataset(session, reread, mode="replace")
    again = dump_dataset(session)

    _same(again, original)
    write_hsds(again, tmp_path / "second.json")
    assert (tmp_path / "second.json").read_bytes() == (tmp_path / "first.json").read_bytes()


def test_round_trip_in_memory_keeps_every_record_exactly(tmp_path: Path) -> None:
    original = _richer_dataset()
    get_format("hsds").write(original, tmp_path / "d.json")
    reread, issues = get_format("hsds").read(tmp_path / "d.json")
    assert issues == []
    _same(reread, original)
    assert reread.guides[0].fees == original.guides[0].fees
    assert reread.venues[0].phones == original.venues[0].phones


def _ids(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str):
                yield item
            elif key not in (EXT, "taxonomy_term"):  # a term is shared by many services: a reference
                yield from _ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _ids(item)


# HSDS 3.x fields of each object (a subset of the schema: the ones this profile may write).
HSDS_FIELDS = {
    "organizations": {"id", "name", "description", EXT},
    "services": {"id", "organization_id", "name", "status", "required_documents", "cost_options",
                 "fees_description", "eligibility_description", "application_process", "phones", "attributes",
                 EXT},
    "locations": {"id", "location_type", "name", "description", "transportation", "latitude", "longitude",
                  "external_identifier", "external_identifier_type", "addresses", "phones", "schedules",
                  "accessibility", EXT},
    "service_at_locations": {"id", "service_id", "location_id", EXT},
    "schedules": {"id", "location_id", "freq", "wkst", "byday", "opens_at", "closes_at", "valid_from", "valid_to",
                  "dtstart", "notes", "description"},
    "addresses": {"id", "location_id", "address_1", "city", "region", "state_province", "postal_code", "country",
                  "address_type"},
}  # fmt: skip


def test_document_uses_hsds_3_objects_and_fields() -> None:
    document = export_document(_richer_dataset())

    assert (document["profile"], document["hsds_version"]) == (PROFILE_URI, "3.1")
    ids = list(_ids(document))
    assert len(ids) == len(set(ids))
    assert all(uuid.UUID(i).version == 5 for i in ids)
    for kind in ("organizations", "services", "locations", "service_at_locations"):
        for obj in document[kind]:
            assert set(obj) <= HSDS_FIELDS[kind], (kind, set(obj) - HSDS_FIELDS[kind])
    (location,) = document["locations"]
    assert all(set(s) <= HSDS_FIELDS["schedules"] for s in location["schedules"])
    assert set(location["addresses"][0]) == HSDS_FIELDS["addresses"]
    monday = [s for s in location["schedules"] if s.get("byday") == "MO" and "valid_from" not in s]
    assert [(s["freq"], s["opens_at"], s["closes_at"]) for s in monday] == [
        ("WEEKLY", "09:00+08:00", "12:00+08:00"), ("WEEKLY", "13:30+08:00", "17:00+08:00"),
    ]  # fmt: skip
    (new_year,) = [s for s in location["schedules"] if "valid_from" in s]
    assert (new_year["valid_from"], new_year["valid_to"], new_year["byday"]) == ("2027-01-01", "2027-01-01", "FR")
    assert "opens_at" not in new_year
    service = document["services"][0]
    assert [d["document"] for d in service["required_documents"]] == ["居民身份证", "近期照片"]
    assert [(c["option"], c.get("amount_description")) for c in service["cost_options"]] == [
        ("工本费", "20元"), ("邮寄费", None),
    ]  # fmt: skip
    assert {o["id"] for o in document["organizations"]} >= {s["organization_id"] for s in document["services"]}
    assert [(p["description"], p["number"]) for p in service["phones"]] == [("咨询电话", "0532-12345")]
    assert service["application_process"] == "1. 受理：窗口受理"
    terms = [a["taxonomy_term"] for a in service["attributes"]]
    assert [(t["name"], t["taxonomy_id"]) for t in terms] == [
        ("公共服务", hsds_id("taxonomy", "item_type")), ("人社", hsds_id("taxonomy", "category")),
    ]  # fmt: skip
    assert [a["taxonomy_term_id"] for a in service["attributes"]] == [t["id"] for t in terms]


PLAIN: Json = {
    "hsds_version": "3.0",
    EXT: {"default_division_code": "370202001"},
    "organizations": [{"id": "org-1", "name": "香港中路街道办事处", "description": "街道办事处"}],
    "services": [{
        "id": "svc-1", "organization_id": "org-1", "name": "老年人优待证办理", "status": "active",
        "alternate_name": "老年证", "eligibility_description": "年满 60 周岁的本市常住老年人",
        "required_documents": [{"id": "d1", "document": "居民身份证"}],
        "cost_options": [{"id": "c1", "option": "工本费", "amount": 10, "currency": "CNY"}],
    }],
    "locations": [{
        "id": "loc-1", "location_type": "physical", "name": "湛山社区服务站", "latitude": 36.07, "longitude": 120.38,
        "addresses": [{"id": "a1", "address_1": "香港中路 2 号", "address_2": "一楼", "city": "青岛市",
                       "state_province": "山东省", "postal_code": "266071", "country": "CN",
                       "address_type": "physical"}],
        "phones": [{"id": "p1", "number": "0532-80000002", "description": "咨询"}],
        "schedules": [
            {"id": "s1", "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00:00"},
            {"id": "s2", "valid_from": "2027-01-01", "valid_to": "2027-01-01", "description": "元旦休息"},
        ],
        "accessibility": [{"id": "x1", "description": "无障碍坡道"}],
    }],
    "service_at_locations": [{"id": "sal-1", "service_id": "svc-1", "location_id": "loc-1"}],
}  # fmt: skip


def _write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_plain_hsds_imports_with_generated_codes(session: Session, tmp_path: Path) -> None:
    import_dataset(session, make_dataset(), mode="replace")
    dataset, issues = read_hsds(_write(tmp_path / "plain.json", PLAIN))
    assert issues == []

    import_dataset(session, dataset, mode="insert")

    after = dump_dataset(session)
    code = generated_code("SVC", "svc-1")
    (item,) = [i for i in after.items if i.code == code]
    assert (item.name, item.aliases, item.item_type, item.department_code) == (
        "老年人优待证办理", ["老年证"], "公共服务", generated_code("ORG", "org-1")
    )  # fmt: skip
    assert set(item.demo_fields) == {"item_type", "applicant_type", "category"}
    (guide,) = [g for g in after.guides if g.item_code == code]
    assert guide.materials == [{"name": "居民身份证"}]
    assert guide.fees == [{"name": "工本费", "amount": "10 CNY", "currency": "CNY"}]  # currency: kept verbatim
    (venue,) = [v for v in after.venues if v.id == generated_code("LOC", "loc-1")]
    assert (venue.level, venue.division_code, venue.address, venue.postcode) == (
        "street", "370202001", "香港中路 2 号 一楼", "266071"
    )  # fmt: skip
    assert venue.hours["mon"] == [("09:00", "17:00")]
    assert venue.hours["sat"] == []
    assert [(e.date.isoformat(), e.intervals) for e in venue.hours_exceptions] == [("2027-01-01", [])]
    assert venue.phones == [{"label": "咨询", "number": "0532-80000002"}]
    assert [(r.venue_id, r.item_code, r.level) for r in after.venue_items if r.item_code == code] == [
        (venue.id, code, "street")
    ]
    assert any(r.item_code == code and r.level == "street" for r in after.implementations)


def test_plain_hsds_names_what_is_missing(tmp_path: Path) -> None:
    document = copy.deepcopy(PLAIN)
    del document[EXT]
    del document["locations"][0]["latitude"]
    document["service_at_locations"].append({"id": "sal-2", "service_id": "svc-9", "location_id": "loc-1"})

    _, issues = read_hsds(_write(tmp_path / "plain.json", document))

    found = {(i.file, i.field) for i in issues}
    assert found == {
        ("plain.json#/organizations/0", f"{EXT}.division_code"),
        ("plain.json#/locations/0", f"{EXT}.division_code"),
        ("plain.json#/locations/0", "latitude"),
        ("plain.json#/service_at_locations/1", "service_id"),
    }, issues
    assert all(i.message for i in issues)


def _location(change: Callable[[Json], None]) -> Callable[[Json], Any]:
    return lambda d: change(d["locations"][0])


def _schedule(index: int, **values: Any) -> Callable[[Json], Any]:
    return _location(lambda loc: loc["schedules"][index].update(values))


def _extension(kind: str, **values: Any) -> Callable[[Json], Any]:
    return lambda d: d[kind][0][EXT].update(values)


LOC, SVC = "hsds.json#/locations/0", "hsds.json#/services/0"
# An edit changes the exported document in place, or is the whole text of the file.
CASES: dict[str, tuple[Callable[[Json], Any] | str, str, str]] = {
    "not JSON": ('{"profile": ', "hsds.json", ""),
    "top level is an array": ("[]", "hsds.json", ""),
    "HSDS version 2": (lambda d: d.update(hsds_version="2.0.1"), "hsds.json", "hsds_version"),
    "extension version": (lambda d: d[EXT].update(version=9), "hsds.json", f"{EXT}.version"),
    "organizations not an array": (lambda d: d.update(organizations={}), "hsds.json", "organizations"),
    "location without latitude": (_location(lambda loc: loc.pop("latitude")), LOC, "latitude"),
    "location outside China": (_location(lambda loc: loc.update(latitude=48.85, longitude=2.35)), LOC, ""),
    "latitude not a number": (_location(lambda loc: loc.update(latitude="北纬36度")), LOC, "latitude"),
    "location without venue id": (_location(lambda loc: loc.pop("external_identifier")), LOC, "external_identifier"),
    "time not HH:MM": (_schedule(0, opens_at="9:00"), LOC, "schedules[0].opens_at"),
    "time in UTC": (_schedule(0, opens_at="01:00Z"), LOC, "schedules[0].opens_at"),
    "hours overlapping": (_schedule(1, opens_at="11:00"), LOC, "schedules"),
    "hours reversed": (_schedule(0, closes_at="08:00"), LOC, "schedules"),
    "monthly schedule": (_schedule(0, freq="MONTHLY"), LOC, "schedules[0].freq"),
    "unknown day": (_schedule(0, byday="XX"), LOC, "schedules[0].byday"),
    "date range": (_schedule(7, valid_to="2027-01-03"), LOC, "schedules[7].valid_to"),
    "bad date": (_schedule(7, valid_from="2027-13-01", valid_to="2027-13-01"), LOC, "schedules[7].valid_from"),
    "venue level": (_extension("locations", level="province"), LOC, f"{EXT}.level"),
    "unknown extension member": (_extension("locations", colour="red"), LOC, f"{EXT}.colour"),
    "unknown source crs": (_extension("locations", source_crs="utm51n"), LOC, f"{EXT}.source_crs"),
    "unresolvable organization": (lambda d: d["services"][0].update(organization_id="nope"), SVC, "organization_id"),
    "document without name": (
        lambda d: d["services"][0]["required_documents"][0].pop("document"), SVC, "required_documents"),
    "guide time limit": (
        lambda d: d["services"][0][EXT]["guides"][0].update(legal_time_limit_days=-1), SVC,
        f"{EXT}.guides[0].legal_time_limit_days"),
    "item type": (_extension("services", item_type="随便"), SVC, f"{EXT}.item_type"),
    "unresolvable location": (
        lambda d: d["service_at_locations"][0].update(location_id="nope"), "hsds.json#/service_at_locations/0",
        "location_id"),
    "division level": (
        lambda d: d[EXT]["divisions"][0].update(level="county"), "hsds.json#/x_cityservices/divisions/0", "level"),
    "unresolvable division": (
        _extension("organizations", division_code="370299"), "hsds.json#/organizations/0", "division_code"),
    "duplicate item code": (
        lambda d: d["services"][1][EXT].update(code="QD-RS-0001"), "hsds.json#/services/1", "code"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_hsds_is_rejected_and_nothing_written(session: Session, tmp_path: Path, case: str) -> None:
    edit, file_name, field = CASES[case]
    document = export_document(make_dataset())
    if not isinstance(edit, str):
        edit(document)
    path = tmp_path / "hsds.json"
    path.write_text(edit if isinstance(edit, str) else json.dumps(document, ensure_ascii=False), encoding="utf-8")
    import_dataset(session, _other_dataset(), mode="replace")
    before = count_rows(session)

    with pytest.raises(ImportFailed) as failure:
        _import_file(session, path)

    issues = failure.value.issues
    assert any(i.file == file_name and i.row == 0 and i.field == field for i in issues), issues
    assert all(i.message for i in issues)
    assert count_rows(session) == before


def _other_dataset() -> Dataset:
    d = make_dataset()
    d.pois = []
    return d


def _import_file(session: Session, path: Path) -> None:
    dataset, issues = read_hsds(path)
    if issues:
        raise ImportFailed(issues)
    import_dataset(session, dataset, mode="replace")
