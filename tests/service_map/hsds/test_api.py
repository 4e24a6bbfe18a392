"""The Open Referral HSDS 3.1 read API (/api/hsds) over a small dataset, on SQLite and PostgreSQL: contents,
pagination totals, ids shared with the file export, 404 / 422, and every answer valid against the official HSDS
JSON schemas (tests/data/hsds) and against our profile document."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from sqlalchemy.orm import Session

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.kit import events
from cityservices.service_map.hsds.ids import HsdsIdsCache
from cityservices.service_map.hsds.mapping import EXT, PROFILE_URI, hsds_id
from cityservices.service_map.hsds.taxonomy import term_id
from cityservices.service_map.install import CHANGED
from cityservices.service_map.interchange.dataset import Dataset
from cityservices.service_map.interchange.records import (
    DepartmentRecord,
    GuideRecord,
    ImplementationRecord,
    ItemRecord,
    VenueItemRecord,
)
from cityservices.service_map.interchange.store import import_dataset
from tests.builders import load_dataset, make_dataset, make_venue
from tests.conftest import migrated_copy
from tests.test_cli import run_cli_in_process

Json = dict[str, Any]
SCHEMAS = Path(__file__).parents[2] / "data" / "hsds"
BASE = "https://raw.githubusercontent.com/openreferral/specification/refs/heads/3.2/schema/"
GA_CODES = [f"QD-GA-000{i}" for i in range(1, 6)]
BOTH_VENUES = ["湛山街道便民服务中心", "香港中路街道便民服务中心"]


def _api_dataset() -> Dataset:
    """make_dataset (2 items, 1 venue) plus a 公安 department with 5 items, all handled at a second venue."""
    d = make_dataset()
    d.departments.append(DepartmentRecord(code="3702-GA", name="青岛市公安局", category="公安", division_code="3702"))
    for code in GA_CODES:
        d.items.append(ItemRecord(code=code, name=f"户籍业务{code[-1]}", item_type="行政确认", applicant_type="个人",
                                  department_code="3702-GA", category="公安"))  # fmt: skip
        d.implementations.append(ImplementationRecord(item_code=code, level="street", department_code="3702-GA"))
        d.guides.append(GuideRecord(item_code=code, version=1, fees=[{"name": "工本费", "amount": "20元"}]))
    d.venues.append(make_venue("V370202002", name="湛山街道便民服务中心", hours_exceptions=[], phones=[]))
    d.venue_items += [VenueItemRecord(venue_id="V370202002", item_code=c, level="street") for c in GA_CODES]
    d.venue_items.append(VenueItemRecord(venue_id="V370202001", item_code=GA_CODES[0], level="street"))
    return d


@pytest.fixture(scope="module")
def api_db(db_url: str, migrated_templates: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database holding ``_api_dataset``, shared by this module's tests (they only read)."""
    path = tmp_path_factory.mktemp("hsds") / "api.db"
    urls = migrated_copy(db_url, path, migrated_templates, tmp_path_factory, "cityservices_hsds")
    url = next(urls)
    load_dataset(url, _api_dataset())
    yield url
    next(urls, None)  # drops the PostgreSQL database


@pytest.fixture(scope="module")
def client(api_db: str) -> Iterator[TestClient]:
    settings = Settings(database_url=api_db, rate_limit_api_per_minute=0)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def exported(api_db: str, tmp_path_factory: pytest.TempPathFactory) -> Json:
    """The file written by ``cityservices export --format hsds`` from the same database."""
    path = tmp_path_factory.mktemp("export") / "hsds.json"
    done = run_cli_in_process(api_db, "export", "--format", "hsds", str(path))
    assert done.returncode == 0, done.stderr
    document: Json = json.loads(path.read_text(encoding="utf-8"))
    return document


def _get(client: TestClient, url: str, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, (url, response.text)
    return response.json()


def _all(client: TestClient, url: str, per_page: int, **params: Any) -> list[Json]:
    """Every entity of a list, page by page, checking the page header on the way."""
    contents: list[Json] = []
    page = 1
    while True:
        body = _get(client, url, page=page, per_page=per_page, **params)
        assert body["page_number"] == page
        assert body["size"] == len(body["contents"]) <= per_page
        assert body["first_page"] == (page == 1)
        contents += body["contents"]
        if body["last_page"]:
            assert len(contents) == body["total_items"]
            assert body["total_pages"] == -(-body["total_items"] // per_page)
            return contents
        page += 1


# --- JSON Schema validation --------------------------------------------------------------------------------------


def _registry() -> Registry[Any]:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        if "$id" in contents:
            resources.append((contents["$id"], DRAFT202012.create_resource(contents)))
    return Registry().with_resources(resources)


REGISTRY = _registry()
EXTRACTS = json.loads((SCHEMAS / "openapi_extracts.json").read_text(encoding="utf-8"))


def assert_valid(instance: Any, schema_file: str) -> None:
    """``instance`` is valid against the official HSDS schema ``schema_file`` (uuid formats checked too)."""
    validator = Draft202012Validator({"$ref": BASE + schema_file}, registry=REGISTRY, format_checker=FormatChecker())
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]
    assert errors == [], (schema_file, errors[:5])


def assert_page(body: Json, schema_file: str) -> None:
    Draft202012Validator(EXTRACTS["Page"]).validate(body)
    for entity in body["contents"]:
        assert_valid(entity, schema_file)


def assert_profile(client: TestClient, obj: Json, kind: str) -> None:
    """``obj``'s x_cityservices is valid against its definition in our profile document."""
    profile = _get(client, "/api/hsds/profile")
    Draft202012Validator({**profile, "$ref": f"#/$defs/{kind}"}).validate(obj[EXT])


# --- tests -------------------------------------------------------------------------------------------------------


def test_api_root_names_the_version_the_profile_and_the_openapi_document(client: TestClient) -> None:
    root = _get(client, "/api/hsds/")
    Draft202012Validator(EXTRACTS["root"], format_checker=FormatChecker()).validate(root)
    assert root["version"] == "3.1"
    assert root["profile"].endswith("/api/hsds/profile")
    assert root["openapi_url"].endswith("/api/openapi.json")
    profile = client.get(root["profile"]).json()
    assert (profile["$id"], profile["x-extension-member"]) == (PROFILE_URI, EXT)
    Draft202012Validator.check_schema(profile)
    assert {"organization", "service", "location", "service_at_location"} <= set(profile["$defs"])
    assert "/api/hsds/services/{id}" in client.get(root["openapi_url"]).json()["paths"]


def test_services_are_paginated_with_hsds_totals(client: TestClient) -> None:
    services = _all(client, "/api/hsds/services", per_page=3)
    codes = ["QD-GA-0001", "QD-GA-0002", "QD-GA-0003", "QD-GA-0004", "QD-GA-0005", "QD-RS-0001", "QD-RS-0002"]
    assert [s[EXT]["code"] for s in services] == codes
    assert [s["id"] for s in services] == [hsds_id("item", c) for c in codes]
    first = services[5]
    assert (first["name"], first["status"]) == ("社会保障卡申领", "active")
    assert first["organization"]["name"] == "青岛市人力资源和社会保障局"
    assert "required_documents" not in first  # lists carry the one-to-one fields
    assert "guides" not in first[EXT]
    beyond = _get(client, "/api/hsds/services", page=4, per_page=3)
    assert (beyond["contents"], beyond["empty"], beyond["last_page"], beyond["total_pages"]) == ([], True, True, 3)


def test_service_detail_nests_organization_documents_costs_phones_terms_and_locations(client: TestClient) -> None:
    service = _get(client, f"/api/hsds/services/{hsds_id('item', 'QD-RS-0001')}")
    assert service["organization"]["name"] == "青岛市人力资源和社会保障局"
    assert [d["document"] for d in service["required_documents"]] == ["居民身份证"]
    assert service["required_documents"][0][EXT] == {"form": "原件", "copies": 1, "waivable": False}
    assert (service["cost_options"], service["fees_description"]) == ([], "不收费")
    assert [(p["description"], p["number"]) for p in service["phones"]] == [("咨询电话", "0532-12345")]
    assert [a["taxonomy_term"]["name"] for a in service["attributes"]] == ["公共服务", "人社"]
    (link,) = service["service_at_locations"]
    assert (link["location"]["name"], link[EXT]["window_number"]) == ("香港中路街道便民服务中心", "1")
    monday = [s for s in link["location"]["schedules"] if s.get("byday") == "MO" and "valid_from" not in s]
    assert [(s["opens_at"], s["closes_at"]) for s in monday] == [("09:00+08:00", "12:00+08:00"),
                                                                 ("13:30+08:00", "17:00+08:00")]  # fmt: skip
    (guide,) = service[EXT]["guides"]
    assert (guide["time_limit_kind"], guide["visits_to_site"], guide["steps"][0]["name"]) == ("即办件", 1, "受理")
    assert "materials" not in guide  # the current guide's materials are the required documents
    ga = _get(client, f"/api/hsds/services/{hsds_id('item', 'QD-GA-0001')}")
    assert [(c["option"], c["amount_description"], c["currency"]) for c in ga["cost_options"]] == [
        ("工本费", "20元", "CNY")
    ]
    assert sorted(s["location"]["name"] for s in ga["service_at_locations"]) == BOTH_VENUES


def test_ids_are_those_of_the_file_export(client: TestClient, exported: Json) -> None:
    for kind, url in (("services", "/api/hsds/services"), ("organizations", "/api/hsds/organizations"),
                      ("service_at_locations", "/api/hsds/service_at_locations")):  # fmt: skip
        listed = _all(client, url, per_page=4)
        assert sorted(o["id"] for o in listed) == sorted(o["id"] for o in exported[kind]), kind
    for obj in exported["services"]:
        detail = _get(client, f"/api/hsds/services/{obj['id']}")
        assert {key: detail[key] for key in obj} == obj  # the export's object, with related objects added
        assert detail["organization"] == next(o for o in exported["organizations"] if o["id"] == obj["organization_id"])
        locations = {o["id"]: o for o in exported["locations"]}
        for link in detail["service_at_locations"]:
            assert link["location"] == locations[link["location_id"]]
    for obj in exported["service_at_locations"]:
        detail = _get(client, f"/api/hsds/service_at_locations/{obj['id']}")
        assert {key: detail[key] for key in obj} == obj
        assert detail["service"]["id"] == obj["service_id"]


def test_lists_filter_by_organization_term_text_service_and_location(client: TestClient) -> None:
    ga = hsds_id("department", "3702-GA")
    assert len(_get(client, "/api/hsds/services", organization_id=ga)["contents"]) == 5
    by_term = _get(client, "/api/hsds/services", taxonomy_term_id=term_id("category", "人社"))["contents"]
    assert [s[EXT]["code"] for s in by_term] == ["QD-RS-0001", "QD-RS-0002"]
    assert [s["name"] for s in _get(client, "/api/hsds/services", search="社会保障")["contents"]] == ["社会保障卡申领"]
    assert _get(client, "/api/hsds/services", taxonomy_id=hsds_id("taxonomy", "item_type"))["total_items"] == 7
    for unknown in ({"organization_id": str(uuid.uuid4())}, {"taxonomy_term_id": "nope"}, {"taxonomy_id": "x"}):
        assert _get(client, "/api/hsds/services", **unknown)["total_items"] == 0, unknown
    links = _get(client, "/api/hsds/service_at_locations", location_id=hsds_id("venue", "V370202001"))
    assert links["total_items"] == 3
    assert {link["service"]["name"] for link in links["contents"]} == {"社会保障卡申领", "失业保险金申领", "户籍业务1"}
    by_service = _get(client, "/api/hsds/service_at_locations", service_id=hsds_id("item", "QD-GA-0001"))
    assert sorted(link["location"]["name"] for link in by_service["contents"]) == BOTH_VENUES
    assert _get(client, "/api/hsds/service_at_locations", per_page=500)["total_items"] == 8


def test_organizations_and_taxonomies(client: TestClient) -> None:
    organizations = _get(client, "/api/hsds/organizations")["contents"]
    assert [o[EXT]["code"] for o in organizations] == ["3702-GA", "3702-RS", "370202-RS"]
    detail = _get(client, f"/api/hsds/organizations/{organizations[1]['id']}")
    assert [s["name"] for s in detail["services"]] == ["社会保障卡申领", "失业保险金申领"]
    taxonomies = _get(client, "/api/hsds/taxonomies")["contents"]
    assert [t["name"] for t in taxonomies] == ["政务服务事项类型", "事项业务类别"]
    categories = _get(client, "/api/hsds/taxonomy_terms", taxonomy_id=taxonomies[1]["id"])["contents"]
    assert [t["name"] for t in categories] == ["人社", "公安"]
    assert _get(client, "/api/hsds/taxonomy_terms", taxonomy_id=taxonomies[0]["id"])["total_items"] == 11
    term = _get(client, f"/api/hsds/taxonomy_terms/{categories[1]['id']}")
    assert (term["name"], term["taxonomy_detail"]["id"]) == ("公安", taxonomies[1]["id"])
    assert _get(client, f"/api/hsds/taxonomies/{taxonomies[0]['id']}") == taxonomies[0]


@pytest.mark.parametrize("kind", ["services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms"])
def test_an_unknown_id_is_404(client: TestClient, kind: str) -> None:
    for unknown in (str(uuid.uuid4()), "nope", hsds_id("item", "NO-SUCH")):
        response = client.get(f"/api/hsds/{kind}/{unknown}")
        assert response.status_code == 404, (kind, unknown)
        assert response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("params", "field"),
    [({"page": 0}, "page"), ({"page": "x"}, "page"), ({"per_page": 0}, "per_page"), ({"per_page": 501}, "per_page"),
     ({"search": "x" * 101}, "search"), ({"search": "\x00"}, "search")],
)  # fmt: skip
def test_bad_parameters_are_422_by_field(client: TestClient, params: Json, field: str) -> None:
    for url in ("/api/hsds/services", "/api/hsds/service_at_locations", "/api/hsds/organizations"):
        response = client.get(url, params=params)
        assert response.status_code == 422, (url, params)
        assert [d["field"] for d in response.json()["detail"]] == [field]


def test_answers_are_valid_hsds_3_1_and_extensions_follow_the_profile(client: TestClient) -> None:
    assert_page(_get(client, "/api/hsds/services", per_page=500), "service.json")
    assert_page(_get(client, "/api/hsds/service_at_locations", per_page=500), "service_at_location.json")
    assert_page(_get(client, "/api/hsds/organizations"), "organization.json")
    assert_page(_get(client, "/api/hsds/taxonomies"), "taxonomy.json")
    assert_page(_get(client, "/api/hsds/taxonomy_terms"), "taxonomy_term.json")
    for code in ("QD-RS-0001", "QD-GA-0001"):
        service = _get(client, f"/api/hsds/services/{hsds_id('item', code)}")
        assert_valid(service, "service.json")
        assert_profile(client, service, "service")
        assert_profile(client, service["organization"], "organization")
        for link in service["service_at_locations"]:
            assert_profile(client, link, "service_at_location")
            assert_profile(client, link["location"], "location")
    link_id = hsds_id("venue_item", "V370202001/QD-RS-0001")
    link = _get(client, f"/api/hsds/service_at_locations/{link_id}")
    assert_valid(link, "service_at_location.json")
    assert_valid(link["service"], "service.json")  # HSDS has no `service` on service_at_location: checked apart
    assert_valid(_get(client, f"/api/hsds/organizations/{hsds_id('department', '3702-RS')}"), "organization.json")
    assert_valid(_get(client, f"/api/hsds/taxonomy_terms/{term_id('item_type', '行政确认')}"), "taxonomy_term.json")
    for summary in _get(client, "/api/hsds/services", per_page=500)["contents"]:
        assert_profile(client, summary, "service")


def test_the_id_index_is_rebuilt_after_a_data_change(session: Session) -> None:
    import_dataset(session, _api_dataset(), mode="replace")
    cache = HsdsIdsCache()
    first = cache.get(session)
    assert first.find("items", hsds_id("item", "QD-GA-0001")) is not None
    assert first.find("venue_items", hsds_id("venue_item", "V370202002/QD-GA-0005")) is not None
    assert first.find("items", "not-a-uuid") is None
    assert cache.get(session) is first
    events.publish(CHANGED)
    assert cache.get(session) is not first


# openapi-examples-map.json (specification commit of tests/data/hsds/examples): list endpoint → example response.
EXAMPLES = SCHEMAS / "examples"
EXAMPLE_MAP = {
    "organizations": ("organization_list.json", "organization.json"),
    "service_at_locations": ("service_at_location_list.json", "service_at_location.json"),
    "services": ("service_list.json", "service.json"),
    "taxonomies": ("taxonomy_list.json", "taxonomy.json"),
    "taxonomy_terms": ("taxonomy_term_list.json", "taxonomy_term.json"),
}


# Objects the examples embed that our answers do not: we have no programs, and a term names its taxonomy by
# taxonomy_id (optional in HSDS) instead of embedding taxonomy_detail.
NOT_EMBEDDED = {"program", "taxonomy_detail"}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    return {dict: "object", list: "array", str: "string", int: "number", float: "number"}.get(type(value), "null")


@pytest.mark.parametrize("path", sorted(EXAMPLE_MAP))
def test_list_answers_have_the_shape_of_the_specification_examples(client: TestClient, path: str) -> None:
    example_file, schema_file = EXAMPLE_MAP[path]
    example = json.loads((EXAMPLES / example_file).read_text(encoding="utf-8"))
    ours = _get(client, f"/api/hsds/{path}")

    assert_page(ours, schema_file)
    Draft202012Validator(EXTRACTS["Page"]).validate(example)
    assert set(ours) == set(example)  # the page envelope
    assert {k: _kind(v) for k, v in ours.items() if k != "contents"} == {
        k: _kind(v) for k, v in example.items() if k != "contents"
    }
    theirs, mine = example["contents"][0], ours["contents"][0]
    shared = [k for k in theirs if k in mine and theirs[k] is not None and mine[k] is not None]
    assert {"id", "name"} & set(theirs) <= set(shared)
    assert {k: _kind(mine[k]) for k in shared} == {k: _kind(theirs[k]) for k in shared}
    embedded = {k for k, v in theirs.items() if isinstance(v, dict)} - NOT_EMBEDDED
    assert embedded <= {k for k, v in mine.items() if isinstance(v, dict)}
    if "taxonomy_detail" in theirs:
        assert uuid.UUID(mine["taxonomy_id"]).version == 5  # the taxonomy, named by its id
