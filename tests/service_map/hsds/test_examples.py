"""The Open Referral specification's own examples (tests/data/hsds/examples, CC BY-SA 4.0): each form is read,
each file imports or is refused with the errors named here, and what was imported survives export → import →
export unchanged."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cityservices.service_map.hsds.export import write_hsds
from cityservices.service_map.hsds.forms import SINGULAR
from cityservices.service_map.hsds.mapping import generated_code
from cityservices.service_map.hsds.package import write_hsds_package
from cityservices.service_map.hsds.reader import read_hsds, survey_hsds
from cityservices.service_map.interchange.dataset import Dataset
from cityservices.service_map.interchange.dump import dump_dataset
from cityservices.service_map.interchange.repository import count_rows
from cityservices.service_map.interchange.store import import_dataset
from tests.builders import load_dataset, make_dataset
from tests.test_cli import run_cli_in_process as run_cli

EXAMPLES = Path(__file__).parents[2] / "data" / "hsds" / "examples"
DIVISION = "370202001"  # in make_dataset: the plain examples name no division, the import gives them this one
QINGDAO = {"latitude": 36.07, "longitude": 120.38}

# Every example with a location gives it latitude 100: refused, naming the object and the field.
REFUSED = {
    "tabular.json": [("tabular.json#/locations.csv/0", 0, "latitude")],
    "csv": [("locations.csv", 2, "latitude")],
    "location.json": [("location.json#", 0, "latitude")],
    "organization_full.json": [("organization_full.json#/services/0/service_at_locations/0/location", 0, "latitude")],
    "service_full.json": [("service_full.json#/organization/locations/0", 0, "latitude")],
    "service_at_location_full.json": [("service_at_location_full.json#/location", 0, "latitude")],
    "service_at_location_list.json": [("service_at_location_list.json#/contents/0/location", 0, "latitude")],
}
# Nothing we can import: an error naming what was expected and what was found.
NOTHING = {
    "base.json": "成员 openapi_url, profile, version",
    "taxonomy.json": "成员 description, id, name, uri, version",
    "taxonomy_term.json": "成员 code, description, id, language, name, parent_id",
    "taxonomy_list.json": "成员 contents, empty, first_page",
    "taxonomy_term_list.json": "成员 contents, empty, first_page",
}
IMPORTED = {
    "organization_list.json": {"departments": 1, "hsds_extras": 1},
    "service_list.json": {"departments": 1, "items": 1, "guides": 1, "hsds_extras": 2},
}


def test_every_example_has_an_expected_outcome() -> None:
    names = {p.name for p in EXAMPLES.iterdir()} - {"LICENCE"}
    assert names == set(REFUSED) | set(NOTHING) | set(IMPORTED)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_example_with_latitude_100_is_refused_naming_object_and_field(name: str) -> None:
    _, issues = read_hsds(EXAMPLES / name, default_division=DIVISION)
    assert [(i.file, i.row, i.field) for i in issues] == REFUSED[name]
    assert "latitude 100" in issues[0].message
    assert "[-90, 90]" in issues[0].message


@pytest.mark.parametrize("name", sorted(NOTHING))
def test_example_without_organizations_services_or_locations_is_an_error(name: str) -> None:
    dataset, issues = read_hsds(EXAMPLES / name, default_division=DIVISION)
    (issue,) = issues
    assert (issue.file, issue.field) == (name, "")
    assert "应为 HSDS 3.x 数据" in issue.message
    assert "实际找到: 对象，" + NOTHING[name] in issue.message
    assert not any(dataset.counts().values())


@pytest.mark.parametrize("name", sorted(IMPORTED))
def test_example_list_page_imports(session: Session, name: str) -> None:
    import_dataset(session, make_dataset(), mode="replace")
    before = count_rows(session)
    dataset, issues = read_hsds(EXAMPLES / name, default_division=DIVISION)
    assert issues == []
    assert {k: v for k, v in dataset.counts().items() if v} == IMPORTED[name]

    import_dataset(session, dataset, mode="insert")

    (department,) = [d for d in dump_dataset(session).departments if d.code == dataset.departments[0].code]
    assert (department.name, department.division_code) == ("Example Organization Inc.", DIVISION)
    assert count_rows(session) == before + sum(IMPORTED[name].values())


def test_plain_hsds_without_a_division_says_how_to_give_one() -> None:
    _, issues = read_hsds(EXAMPLES / "organization_list.json")
    assert [(i.file, i.field) for i in issues] == [
        ("organization_list.json#/contents/0", "x_cityservices.division_code")
    ]


# --- the examples with their coordinates moved into Qingdao --------------------------------------


def _fixed_json(tmp_path: Path, name: str) -> Path:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    text = text.replace('"latitude": 100', f'"latitude": {QINGDAO["latitude"]}')
    text = text.replace('"longitude": 101', f'"longitude": {QINGDAO["longitude"]}')
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _fixed_csv(tmp_path: Path) -> Path:
    target = tmp_path / "csv"
    shutil.copytree(EXAMPLES / "csv", target)
    with (target / "locations.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row.update({k: str(v) for k, v in QINGDAO.items()})
    with (target / "locations.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return target


def _records(dataset: Dataset) -> dict[str, list[str]]:
    return {k: sorted(r.model_dump_json() for r in dataset.records(k)) for k in dataset.counts()}


def test_tabular_json_maps_standard_fields_onto_venue_item_and_guide(tmp_path: Path) -> None:
    dataset, issues = read_hsds(_fixed_json(tmp_path, "tabular.json"), default_division=DIVISION)
    assert issues == []
    counts = {k: v for k, v in dataset.counts().items() if v}
    assert counts == {"departments": 1, "items": 1, "implementations": 1, "venues": 1, "venue_items": 1, "guides": 1,
                      "hsds_extras": 4}  # fmt: skip
    (venue,) = dataset.venues
    assert venue.id == generated_code("LOC", "3a19ff88-4620-4d17-9830-ac1d859eb5d5")
    assert (venue.name, venue.address, venue.lat, venue.source_crs) == (
        "MyCity Civic Center", "1-30 Main Street MyVillage", 36.07, "wgs84"
    )  # fmt: skip
    assert venue.transport.startswith("MyCity Civic Center is serviced by the number 1 Bus")
    assert [(p["number"], p["type"], p["extension"]) for p in venue.phones] == [('"+44 1234 234567"', "voice", 100)]
    assert venue.website == "http://example.com"
    assert venue.accessibility[0].startswith("The building is equipped with induction loops")
    # valid_from = valid_to: a one-day schedule, read as that day's opening times
    assert [(e.date.isoformat(), e.intervals) for e in venue.hours_exceptions] == [("2005-01-01", [("10:00", "18:00")])]
    (item,) = dataset.items
    assert (item.name, item.aliases) == ("Community Counselling", ["MyCity Counselling Services"])
    (guide,) = dataset.guides
    assert guide.acceptance_conditions.startswith("This service is intended for all people aged 12")
    (material,) = guide.materials
    assert material["name"].startswith("Any official identification document (Passport, Driver's Licence")
    assert guide.steps[0]["description"].startswith("If you are an NHS patient")
    assert guide.channels == [{"kind": "online", "name": "网上办理", "url": "http://example.com/counselling"}]
    (fee,) = guide.fees
    assert fee == {"name": "Under 18s and Over 60s", "amount": "per 1 hour session", "currency": "gbp",
                   "amount_value": 35, "valid_from": "2020-01-01", "valid_to": "2022-12-31"}  # fmt: skip
    (link,) = dataset.venue_items
    assert (link.venue_id, link.item_code) == (venue.id, item.code)


def test_singular_plural_csv_and_nested_forms_give_the_same_records(tmp_path: Path) -> None:
    tabular = _fixed_json(tmp_path, "tabular.json")
    plural, issues = read_hsds(tabular, default_division=DIVISION)
    assert issues == []
    document = json.loads(tabular.read_text(encoding="utf-8"))
    singular_names = {plural_name: one for one, plural_name in SINGULAR.items()}
    renamed = {singular_names.get(k.removesuffix(".csv"), k.removesuffix(".csv")): v for k, v in document.items()}
    assert {"organization", "service", "location", "service_at_location", "phone", "schedule"} <= set(renamed)
    singular_path = tmp_path / "singular.json"
    singular_path.write_text(json.dumps(renamed), encoding="utf-8")
    singular, issues = read_hsds(singular_path, default_division=DIVISION)
    assert issues == []
    package, issues = read_hsds(_fixed_csv(tmp_path), default_division=DIVISION)
    assert issues == []

    assert _records(singular) == _records(plural)
    # The CSV package types its cells by its Table Schema: `identifier` and `external_identifier` are strings there
    # (numbers in tabular.json), and only those kept fields differ.
    kept = {k: v for k, v in _records(package).items() if k != "hsds_extras"}
    assert kept == {k: v for k, v in _records(plural).items() if k != "hsds_extras"}
    assert [(e.kind, sorted(e.fields)) for e in package.hsds_extras] == [
        (e.kind, sorted(e.fields)) for e in plural.hsds_extras
    ]


@pytest.mark.parametrize("name", ["service_full.json", "organization_full.json", "service_at_location_full.json"])
def test_nested_document_takes_ids_from_its_parent(tmp_path: Path, name: str) -> None:
    dataset, issues = read_hsds(_fixed_json(tmp_path, name), default_division=DIVISION)
    assert issues == []
    (item,) = dataset.items
    (venue,) = dataset.venues
    assert item.department_code == generated_code("ORG", "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
    (link,) = dataset.venue_items
    assert (link.item_code, link.venue_id) == (item.code, venue.id)


def test_survey_counts_each_table_read_and_ignored_with_reasons(tmp_path: Path) -> None:
    _, _, survey = survey_hsds(_fixed_csv(tmp_path), default_division=DIVISION)
    assert survey.form == "CSV 数据包 (datapackage.json)"
    counts = {name: (c.rows, c.read, c.reasons) for name, c in survey.tables.items()}
    assert counts["locations"] == (1, 1, {})
    assert counts["schedules"] == (1, 1, {})
    assert counts["contacts"] == (1, 0, {"联系人是个人信息，服务地图不保存": 1})
    assert counts["metadata"] == (1, 0, {"变更记录不导入": 1})
    assert counts["attributes"] == (1, 0, {"所指的上级对象不在文件中": 1})  # its link_id names no object of the file
    assert survey.tables["programs"].kept == {"服务地图没有“项目”(program) 一级": 1}  # with its organization
    assert "  programs: 1 条，读取 0，保留 1 (x_cityservices.hsds): 服务地图没有“项目”(program) 一级" in survey.lines()


def test_attribute_is_kept_with_the_object_it_links_and_its_taxonomy_term(tmp_path: Path) -> None:
    path = _fixed_json(tmp_path, "tabular.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["attributes.csv"][0]["link_id"] = document["services.csv"][0]["id"]
    path.write_text(json.dumps(document), encoding="utf-8")

    dataset, issues, survey = survey_hsds(path, default_division=DIVISION)

    assert issues == []
    (kept,) = [e.fields for e in dataset.hsds_extras if e.kind == "item"]
    (attribute,) = kept["attributes"]
    assert (attribute["value"], attribute["taxonomy_term"]["id"]) == ("value", attribute["taxonomy_term_id"])
    assert survey.tables["attributes"].kept == {"分类属性不对应本系统的事项类型/类别": 1}


@pytest.mark.parametrize("writer", ["json", "csv"])
def test_imported_example_survives_export_import_export(session: Session, tmp_path: Path, writer: str) -> None:
    import_dataset(session, make_dataset(), mode="replace")
    dataset, issues = read_hsds(_fixed_json(tmp_path, "tabular.json"), default_division=DIVISION)
    assert issues == []
    import_dataset(session, dataset, mode="insert")
    first, second = tmp_path / f"first.{writer}", tmp_path / f"second.{writer}"
    write: Any = write_hsds if writer == "json" else write_hsds_package
    stored = dump_dataset(session)
    write(stored, first)

    reread, issues = read_hsds(first)
    assert issues == []
    import_dataset(session, reread, mode="replace")
    again = dump_dataset(session)
    write(again, second)

    assert _records(again) == _records(stored)
    for path in [first] if writer == "json" else sorted(first.iterdir()):
        assert path.read_bytes() == (second / path.name if writer == "csv" else second).read_bytes(), path.name


def test_cli_reports_tables_before_writing_and_refuses_the_whole_file(migrated_db_url: str, tmp_path: Path) -> None:
    load_dataset(migrated_db_url, make_dataset())
    refused = run_cli(migrated_db_url, "import", str(EXAMPLES / "tabular.json"), "-f", "hsds", "--division", DIVISION)
    assert refused.returncode == 2, refused.stderr
    assert "HSDS 形式: 表格 JSON" in refused.stderr
    assert "contacts: 1 条，读取 0，忽略 1: 联系人是个人信息，服务地图不保存" in refused.stderr
    assert "tabular.json#/locations.csv/0: latitude: latitude 100 超出 WGS-84 范围" in refused.stderr

    fixed = _fixed_json(tmp_path, "tabular.json")
    imported = run_cli(migrated_db_url, "import", str(fixed), "-f", "hsds", "--division", DIVISION)
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr.index("locations: 1 条，读取 1") < imported.stderr.index("已导入")

    exported = run_cli(migrated_db_url, "export", str(tmp_path / "package"), "--format", "hsds-csv")
    assert exported.returncode == 0, exported.stderr
    with (tmp_path / "package" / "locations.csv").open(encoding="utf-8", newline="") as handle:
        names = sorted(row["name"] for row in csv.DictReader(handle))
    assert names == ["MyCity Civic Center", "香港中路街道便民服务中心"]  # the refused file wrote nothing


def test_fields_without_a_place_are_kept_and_exported_in_the_extension(session: Session, tmp_path: Path) -> None:
    import_dataset(session, make_dataset(), mode="replace")
    dataset, issues = read_hsds(_fixed_json(tmp_path, "service_full.json"), default_division=DIVISION)
    assert issues == []
    import_dataset(session, dataset, mode="insert")
    write_hsds(dump_dataset(session), tmp_path / "out.json")

    document = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    (location,) = [o for o in document["locations"] if o["name"] == "MyCity Civic Center"]
    kept = location["x_cityservices"]["hsds"]
    assert (kept["alternate_name"], kept["external_identifier"]) == (
        "Civic Center",
        "10092008082",
    )  # first occurrence: organization.locations[0]
    assert kept["languages"][0]["name"] == "Urdu"
    assert "contacts" not in kept  # personal data is not kept
    (service,) = [o for o in document["services"] if o["name"] == "Community Counselling"]
    assert service["x_cityservices"]["hsds"]["minimum_age"] == 12
    assert "@origin" not in json.dumps(document)
