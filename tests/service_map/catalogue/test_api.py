"""The public read API under /api/v1: venues, items, guides, bundles, divisions, departments — filters, offset
and cursor pages, CRS, GeoJSON, 404 / 409 / 422, hostile parameters. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.kit.geo import from_wgs84
from cityservices.service_map.catalogue.service import VENUE_ATTRIBUTES
from cityservices.service_map.interchange.records import GuideRecord
from tests.builders import load_dataset
from tests.conftest import migrated_copy
from tests.service_map.catalog_data import (
    ALL_VENUES,
    MONDAY_1230,
    NATIONAL_DAY_10,
    SATURDAY_10,
    SHINAN_VENUES,
    SUNDAY_10,
    TUESDAY_10,
    UNKNOWN_YEAR,
    make_catalog_dataset,
)

ALL_ITEMS = ["QD-GA-0001", "QD-RS-0001", "QD-RS-0002", "QD-SC-0001", "QD-SC-0002"]
HOSTILE = [
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%' UNION SELECT name FROM sqlite_master --",
    "\\",
    '"; DROP',
    "a\x00b",
]


def _load(url: str) -> str:
    return load_dataset(url, make_catalog_dataset())


@pytest.fixture(scope="module")
def catalog_db(
    db_url: str, migrated_templates: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The catalogue dataset, shared read-only by this module's tests (one database per backend, copied from the
    migrated template)."""
    path = Path(tmp_path_factory.mktemp("catalog")) / "catalog.db"
    for url in migrated_copy(db_url, path, migrated_templates, tmp_path_factory, "cityservices_catalog"):
        yield _load(url)


@pytest.fixture(scope="module")
def client(catalog_db: str) -> Iterator[TestClient]:
    settings = Settings(database_url=catalog_db, rate_limit_api_per_minute=0)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def ids(client: TestClient, path: str, **params: Any) -> list[str]:
    body = get(client, path, limit=500, **params)
    key = "id" if path.endswith(("venues", "/venues")) else "code"
    found = [row[key] for row in body["items"]]
    assert body["total"] == len(found)
    return found


def field_error(client: TestClient, path: str, **params: Any) -> list[str]:
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "invalid_request"
    return [d["field"] for d in body["detail"]]


# --- venues ---------------------------------------------------------------------------------------


def test_venues_page_keeps_the_old_fields_and_adds_a_cursor(client: TestClient) -> None:
    body = get(client, "/api/v1/venues", limit=2)
    assert set(body) == {"total", "limit", "offset", "next_cursor", "items"}
    assert (body["total"], body["limit"], body["offset"]) == (6, 2, 0)
    assert [v["id"] for v in body["items"]] == ALL_VENUES[:2]
    assert set(body["items"][0]) >= {"id", "name", "level", "division_code", "address", "lat", "lng", "status"}
    assert isinstance(body["next_cursor"], str)
    assert get(client, "/api/v1/venues", limit=6)["next_cursor"] is None
    assert get(client, "/api/v1/venues", offset=4, limit=5)["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "street"}, ["V370202001", "V370202002", "V370203001"]),
        ({"level": "city"}, ["V3702"]),
        ({"district": "370202"}, SHINAN_VENUES),
        ({"district": "370202001"}, ["V370202001"]),
        ({"district": "370203", "level": "street"}, ["V370203001"]),
        ({"department": "370202-RS"}, ["V370202", "V370202001"]),
        ({"department": "3702-GA"}, ["V3702"]),
        ({"item": "QD-RS-0001"}, ["V370202001", "V370202002", "V370203001"]),
        ({"item": "QD-GA-0001", "level": "district"}, ["V370203"]),
        ({"q": "市北区"}, ["V370203", "V370203001"]),
        ({"q": "政务服务中心"}, ["V370202", "V370203"]),
        ({"q": "  香港中路 "}, ["V370202001"]),
        ({"q": "_"}, []),
        ({"department": "NO-SUCH"}, []),
        ({"item": "NO-SUCH"}, []),
    ],
)
def test_venue_filters(client: TestClient, params: dict[str, str], expected: list[str]) -> None:
    assert ids(client, "/api/v1/venues", **params) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (TUESDAY_10, ["V3702", "V370202001", "V370202002", "V370203"]),  # V370202: dated exception; V370203001 closed
        (MONDAY_1230, ["V370202", "V370202002"]),  # lunch break of the others
        (SATURDAY_10, ["V3702", "V370202001", "V370203"]),
        (SUNDAY_10, ["V370203"]),  # a dated Sunday opening
        ("2026-03-15T02:30:00Z", ["V370203"]),  # 10:30 Beijing time
        (NATIONAL_DAY_10, []),
    ],
)
def test_open_at_filters_with_holidays_exceptions_and_lunch_breaks(
    client: TestClient, moment: str, expected: list[str]
) -> None:
    assert ids(client, "/api/v1/venues", open_at=moment) == expected


def test_open_at_totals_and_pages_are_exact(client: TestClient) -> None:
    first = get(client, "/api/v1/venues", open_at=TUESDAY_10, limit=3)
    assert first["total"] == 4
    assert [v["id"] for v in first["items"]] == ["V3702", "V370202001", "V370202002"]
    second = get(client, "/api/v1/venues", open_at=TUESDAY_10, limit=3, cursor=first["next_cursor"])
    assert [v["id"] for v in second["items"]] == ["V370203"]
    assert (second["offset"], second["total"], second["next_cursor"]) == (3, 4, None)
    combined = get(client, "/api/v1/venues", open_at=TUESDAY_10, level="street", district="370202")
    assert [v["id"] for v in combined["items"]] == ["V370202001", "V370202002"]


def test_open_at_in_a_year_nobody_loaded_is_409(client: TestClient) -> None:
    for path in ("/api/v1/venues", "/api/v1/venues.geojson", "/api/v1/items/QD-RS-0001/venues"):
        response = client.get(path, params={"open_at": UNKNOWN_YEAR})
        assert response.status_code == 409, path
        assert response.json()["error"] == "calendar_year_unknown"
        assert "2031" in response.json()["detail"]


@pytest.mark.parametrize("moment", ["not-a-time", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_impossible_open_at_is_422(client: TestClient, moment: str) -> None:
    assert field_error(client, "/api/v1/venues", open_at=moment) == ["open_at"]


@pytest.mark.parametrize("code", ["999999", "3702", "37020200999"])
def test_unknown_or_city_district_is_422_naming_district(client: TestClient, code: str) -> None:
    for path in ("/api/v1/venues", "/api/v1/items", "/api/v1/departments", "/api/v1/items/QD-RS-0001/venues"):
        assert field_error(client, path, district=code) == ["district"], path


def test_venue_detail_has_every_attribute_hours_and_departments(client: TestClient) -> None:
    body = get(client, "/api/v1/venues/V370202001")
    for name in VENUE_ATTRIBUTES:
        assert name in body or name == "coordinates", name
    assert (body["crs"], body["lat"], body["lng"]) == ("wgs84", 36.0676, 120.3854)
    assert (body["source_crs"], body["source_lat"], body["source_lng"]) == ("gcj02", 36.0679, 120.3905)
    assert body["hours"]["mon"] == [["09:00", "12:00"], ["13:30", "17:00"]]
    assert body["hours"]["sun"] == []
    assert body["hours_exceptions"] == [{"date": "2027-01-01", "intervals": [], "note": "元旦"}]
    assert body["departments"] == [{"code": "370202-RS", "name": "市南区人力资源和社会保障局", "category": "人社"}]
    assert body["division_name"] == "香港中路街道"
    assert body["phones"] == [{"label": "咨询", "number": "0532-80000001"}]
    assert body["item_count"] == 2
    assert body["missing_attributes"] == []
    assert body["demo_fields"] == ["address", "phones"]
    assert get(client, "/api/v1/venues/V370202002")["missing_attributes"] == ["departments"]


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_venue_detail_converts_coordinates(client: TestClient, crs: str) -> None:
    body = get(client, "/api/v1/venues/V370202001", crs=crs)
    assert body["crs"] == crs
    assert (body["lat"], body["lng"]) == pytest.approx(from_wgs84(36.0676, 120.3854, crs), abs=1e-6)  # type: ignore[arg-type]
    assert body["source_lat"] == 36.0679  # the source values are stated as they came
    assert field_error(client, "/api/v1/venues/V370202001", crs="mars") == ["crs"]


def test_venue_items_with_window_numbers_and_item_filters(client: TestClient) -> None:
    body = get(client, "/api/v1/venues/V370203/items")
    assert [(i["code"], i["window_number"]) for i in body["items"]] == [("QD-GA-0001", "8"), ("QD-SC-0002", "8")]
    assert body["items"][0]["department_name"] == "青岛市公安局"
    assert body["items"][0]["levels"] == ["city", "district"]
    assert ids(client, "/api/v1/venues/V370203/items", applicant="企业") == ["QD-SC-0002"]
    assert ids(client, "/api/v1/venues/V370202001/items", q="社保卡办理") == ["QD-RS-0001"]
    assert ids(client, "/api/v1/venues/V370202001/items", core="false") == ["QD-RS-0002"]


def test_venue_geojson_is_a_feature_collection_in_wgs84(client: TestClient) -> None:
    response = client.get("/api/v1/venues.geojson", params={"district": "370202"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == SHINAN_VENUES
    street = next(f for f in body["features"] if f["id"] == "V370202001")
    assert street["type"] == "Feature"
    assert street["geometry"] == {"type": "Point", "coordinates": [120.3854, 36.0676]}  # [lng, lat]
    assert street["properties"]["name"] == "香港中路街道便民服务中心"
    assert street["properties"]["hours"]["mon"] == [["09:00", "12:00"], ["13:30", "17:00"]]
    assert "lat" not in street["properties"]
    assert [f["id"] for f in get(client, "/api/v1/venues.geojson", open_at=SUNDAY_10)["features"]] == ["V370203"]
    assert len(get(client, "/api/v1/venues.geojson")["features"]) == 6


def test_geojson_is_declared_in_openapi(client: TestClient) -> None:
    operation = client.get("/api/openapi.json").json()["paths"]["/api/v1/venues.geojson"]["get"]
    assert "application/geo+json" in operation["responses"]["200"]["content"]
    assert "409" in operation["responses"]


# --- pagination -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "key", "expected"),
    [
        ("/api/v1/venues", "id", ALL_VENUES),
        ("/api/v1/items", "code", ALL_ITEMS),
        ("/api/v1/divisions", "code", ["3702", "370202", "370202001", "370202002", "370203", "370203001"]),
        ("/api/v1/departments", "code", ["3702-GA", "3702-RS", "3702-SC", "370202-RS", "370203-GA"]),
        ("/api/v1/bundles", "code", ["B-BIZ", "B-TEST"]),
        ("/api/v1/items/QD-RS-0001/venues", "id", ["V370202001", "V370202002", "V370203001"]),
        ("/api/v1/venues/V370202001/items", "code", ["QD-RS-0001", "QD-RS-0002"]),
    ],
)
@pytest.mark.parametrize("limit", [1, 2, 4])
def test_cursor_walk_equals_offset_paging(
    client: TestClient, path: str, key: str, expected: list[str], limit: int
) -> None:
    by_cursor: list[str] = []
    cursor: str | None = None
    for _ in range(len(expected) + 1):
        body = get(client, path, limit=limit, **({"cursor": cursor} if cursor else {}))
        assert body["total"] == len(expected)
        assert body["offset"] == len(by_cursor)
        by_cursor += [row[key] for row in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    by_offset: list[str] = []
    for offset in range(0, len(expected) + limit, limit):
        by_offset += [row[key] for row in get(client, path, limit=limit, offset=offset)["items"]]
    assert by_cursor == by_offset == expected
    assert len(set(by_cursor)) == len(by_cursor)


def test_offset_past_the_end_is_an_empty_page(client: TestClient) -> None:
    body = get(client, "/api/v1/items", offset=100)
    assert (body["total"], body["items"], body["next_cursor"]) == (5, [], None)


def test_bad_cursors_are_422_naming_cursor(client: TestClient) -> None:
    cursor = get(client, "/api/v1/venues", limit=1)["next_cursor"]
    item_cursor = get(client, "/api/v1/items", limit=1)["next_cursor"]
    flipped = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    for bad in (flipped, cursor[:-3], "not a cursor!", "AAAA", item_cursor, cursor + "x" * 400):
        assert field_error(client, "/api/v1/venues", cursor=bad) == ["cursor"], bad
    assert field_error(client, "/api/v1/venues", cursor=cursor, offset=0) == ["cursor"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/venues", {"limit": 501}),
        ("/api/v1/items", {"limit": 10**9}),
        ("/api/v1/divisions", {"limit": 0}),
        ("/api/v1/departments", {"offset": -1}),
        ("/api/v1/bundles", {"offset": 10**7}),
        ("/api/v1/venues", {"level": "province"}),
        ("/api/v1/venues", {"q": "长" * 51}),
        ("/api/v1/items", {"item_type": "许可"}),
        ("/api/v1/items", {"applicant": "外国人"}),
        ("/api/v1/items", {"core": "maybe"}),
        ("/api/v1/items/QD-RS-0001/guide", {"version": 0}),
        ("/api/v1/divisions", {"level": "province"}),
    ],
)
def test_bad_parameters_are_field_level_422(client: TestClient, path: str, params: dict[str, Any]) -> None:
    assert field_error(client, path, **params) == list(params)


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/v1/venues", "q"),
        ("/api/v1/venues", "department"),
        ("/api/v1/venues", "item"),
        ("/api/v1/items", "q"),
        ("/api/v1/items", "category"),
        ("/api/v1/items", "venue"),
        ("/api/v1/items", "department"),
        ("/api/v1/departments", "category"),
        ("/api/v1/divisions", "parent"),
        ("/api/v1/venues", "district"),
        ("/api/v1/venues", "cursor"),
    ],
)
def test_hostile_text_is_empty_or_422_never_500(client: TestClient, path: str, param: str, text: str) -> None:
    response = client.get(path, params={param: text})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert response.json()["items"] == []
        assert response.json()["total"] == 0


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_ids_are_404(client: TestClient, text: str) -> None:
    for path in ("/api/v1/venues/{}", "/api/v1/items/{}", "/api/v1/bundles/{}", "/api/v1/divisions/{}"):
        response = client.get(path.format(quote(text[:12], safe="")))
        assert response.status_code in (404, 422), (path, response.text)
        assert response.json()["error"] in ("not_found", "invalid_request")


def test_a_venue_page_takes_the_same_number_of_queries_whatever_its_size(client: TestClient) -> None:
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    def queries(**params: Any) -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            get(client, "/api/v1/venues", **params)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    assert queries(limit=1, district="370202") == queries(limit=6, district="370203")
    assert queries(limit=1, open_at=TUESDAY_10) == queries(limit=6, open_at=SATURDAY_10)
    assert queries(limit=1, level="street") <= 4


# --- items, guides, bundles -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"department": "3702-GA"}, ["QD-GA-0001"]),
        ({"department": "370203-GA"}, ["QD-GA-0001"]),  # the implementing district branch
        ({"department": "3702-SC"}, ["QD-SC-0001", "QD-SC-0002"]),
        ({"item_type": "行政许可"}, ["QD-SC-0001", "QD-SC-0002"]),
        ({"applicant": "个人"}, ["QD-GA-0001", "QD-RS-0001", "QD-RS-0002", "QD-SC-0002"]),
        ({"applicant": "企业"}, ["QD-SC-0001", "QD-SC-0002"]),
        ({"applicant": "个人;企业"}, ["QD-SC-0002"]),
        ({"level": "district"}, ["QD-GA-0001", "QD-SC-0002"]),
        ({"level": "street"}, ["QD-RS-0001", "QD-RS-0002"]),
        ({"district": "370202"}, ["QD-RS-0001", "QD-RS-0002", "QD-SC-0002"]),
        ({"district": "370203001"}, ["QD-RS-0001"]),
        ({"venue": "V3702"}, ["QD-GA-0001", "QD-SC-0001"]),
        ({"category": "市场监管"}, ["QD-SC-0001", "QD-SC-0002"]),
        ({"core": "true"}, ["QD-GA-0001", "QD-RS-0001"]),
        ({"core": "false", "category": "人社"}, ["QD-RS-0002"]),
        ({"q": "身份证"}, ["QD-GA-0001"]),
        ({"q": "到期换证"}, ["QD-GA-0001"]),  # an alias
        ({"q": "社保卡"}, ["QD-RS-0001"]),
        ({"q": "_"}, ["QD-SC-0001"]),  # taken literally, not as a LIKE wildcard
        ({"q": "100%"}, ["QD-SC-0002"]),
        ({"q": "%"}, ["QD-SC-0002"]),
        ({"level": "city", "applicant": "企业", "district": "370202"}, []),
    ],
)
def test_item_filters(client: TestClient, params: dict[str, str], expected: list[str]) -> None:
    assert ids(client, "/api/v1/items", **params) == expected


def test_item_summary_fields(client: TestClient) -> None:
    item = get(client, "/api/v1/items", q="个体工商户")["items"][0]
    assert item == {
        "code": "QD-SC-0002", "name": "个体工商户登记", "item_type": "行政许可", "applicant_type": "个人;企业",
        "department_code": "3702-SC", "department_name": "青岛市市场监督管理局", "category": "市场监管",
        "is_core": False, "aliases": ["开小店 100%"], "levels": ["district"], "demo_fields": [],
    }  # fmt: skip


def test_item_detail(client: TestClient) -> None:
    body = get(client, "/api/v1/items/QD-GA-0001")
    assert body["name"] == "居民身份证换领"
    assert [(i["level"], i["department_name"], i["venue_count"]) for i in body["implementations"]] == [
        ("city", "青岛市公安局", 1),
        ("district", "青岛市公安局市北分局", 1),
    ]
    assert body["venue_count"] == 2
    assert body["bundles"] == [{"code": "B-BIZ", "name": "开办个体户一件事", "life_event": "开店", "position": 2}]
    guide = body["guide"]
    assert (guide["version"], guide["promised_time_limit_days"], guide["legal_time_limit_days"]) == (1, 30, 60)
    assert guide["materials"] == ["居民身份证"]
    assert guide["fee_free"] is False
    assert get(client, "/api/v1/items/QD-SC-0001")["guide"] is None
    assert get(client, "/api/v1/items/QD-RS-0001")["guide"]["online"]["url"] == "https://example.org/sbk"


def test_guide_current_and_older_versions(client: TestClient) -> None:
    current = get(client, "/api/v1/items/QD-RS-0001/guide")
    assert (current["version"], current["is_current"], current["versions"]) == (2, True, [1, 2])
    assert [m["name"] for m in current["materials"]] == ["居民身份证", "近期免冠照片"]
    assert current["faqs"] == [{"q": "可以代办吗？", "a": "可以"}]
    assert (current["consult_phone"], current["complaint_phone"]) == ("0532-12333", "0532-12345")
    assert current["item_name"] == "社会保障卡申领"
    every_field = set(GuideRecord.model_fields) - {"item_code"}
    assert every_field <= set(current), every_field - set(current)
    old = get(client, "/api/v1/items/QD-RS-0001/guide", version=1)
    assert (old["version"], old["is_current"], old["materials"]) == (1, False, [{"name": "旧版材料"}])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/venues/NOPE",
        "/api/v1/venues/NOPE/items",
        "/api/v1/items/NOPE",
        "/api/v1/items/NOPE/guide",
        "/api/v1/items/NOPE/venues",
        "/api/v1/items/QD-SC-0001/guide",  # no guide
        "/api/v1/items/QD-RS-0001/guide?version=3",
        "/api/v1/bundles/NOPE",
        "/api/v1/divisions/999999",
    ],
)
def test_unknown_ids_are_json_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "not_found"
    assert isinstance(body["detail"], str)


def test_item_venues_filters(client: TestClient) -> None:
    assert ids(client, "/api/v1/items/QD-RS-0001/venues", district="370202") == ["V370202001", "V370202002"]
    assert ids(client, "/api/v1/items/QD-GA-0001/venues", level="city") == ["V3702"]
    assert ids(client, "/api/v1/items/QD-RS-0001/venues", open_at=SATURDAY_10) == ["V370202001"]


def test_bundles(client: TestClient) -> None:
    listed = get(client, "/api/v1/bundles")["items"]
    assert [(b["code"], b["item_count"]) for b in listed] == [("B-BIZ", 2), ("B-TEST", 2)]
    body = get(client, "/api/v1/bundles/B-BIZ")
    assert body["lead_department_name"] == "青岛市市场监督管理局"
    members = [(m["position"], m["item"]["code"], m["note"]) for m in body["items"]]
    assert members == [(1, "QD-SC-0002", ""), (2, "QD-GA-0001", "如身份证过期")]
    assert body["items"][1]["guide"]["promised_time_limit_days"] == 30
    assert body["shared_materials"] == [{"name": "居民身份证", "note": "一次提交"}]
    assert body["common_materials"] == [{"name": "《居民身份证》", "positions": [1, 2]}]
    test = get(client, "/api/v1/bundles/B-TEST")
    assert test["description"] == ""
    assert test["demo_fields"] == ["*"]
    assert test["items"][0]["guide"]["version"] == 2


# --- divisions, departments -----------------------------------------------------------------------


def test_divisions_list_and_filters(client: TestClient) -> None:
    assert ids(client, "/api/v1/divisions", level="district") == ["370202", "370203"]
    assert ids(client, "/api/v1/divisions", parent="370202") == ["370202001", "370202002"]
    row = get(client, "/api/v1/divisions", parent="370203")["items"][0]
    assert row == {"code": "370203001", "name": "辽宁路街道", "level": "street", "parent_code": "370203"}


def test_division_detail_and_boundary(client: TestClient) -> None:
    body = get(client, "/api/v1/divisions/370202")
    assert (body["name"], body["parent_name"], body["venue_count"]) == ("市南区", "青岛市", 3)
    assert [c["code"] for c in body["children"]] == ["370202001", "370202002"]
    assert body["boundary"] is None
    street = get(client, "/api/v1/divisions/370202001", boundary="true")
    assert street["boundary"]["type"] == "Polygon"
    assert street["boundary"]["coordinates"][0][0] == [120.30, 36.05]
    assert street["boundary_source"] == "test square"
    assert get(client, "/api/v1/divisions/370202001")["boundary"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "公安"}, ["3702-GA", "370203-GA"]),
        ({"district": "370202"}, ["370202-RS"]),
        ({"district": "370203", "category": "公安"}, ["370203-GA"]),
        ({"category": "人社", "district": "370203"}, []),
    ],
)
def test_department_filters(client: TestClient, params: dict[str, str], expected: list[str]) -> None:
    assert ids(client, "/api/v1/departments", **params) == expected


def test_department_fields(client: TestClient) -> None:
    row = get(client, "/api/v1/departments", category="市场监管")["items"][0]
    assert row == {
        "code": "3702-SC", "name": "青岛市市场监督管理局", "category": "市场监管", "division_code": "3702",
        "division_name": "青岛市", "demo_fields": ["name"],
    }  # fmt: skip


def test_every_catalogue_route_declares_its_errors(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/v1/venues/{venue_id}", "/api/v1/items/{code}", "/api/v1/bundles/{code}"):
        assert {"404", "422"} <= set(paths[path]["get"]["responses"]), path
    for path in ("/api/v1/items", "/api/v1/divisions", "/api/v1/departments", "/api/v1/bundles"):
        assert "422" in paths[path]["get"]["responses"], path


def test_every_api_v1_route_is_in_the_api_docs(client: TestClient) -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text(encoding="utf-8")
    for path, operations in client.get("/api/openapi.json").json()["paths"].items():
        if path.startswith("/api/v1/"):
            for method in operations:
                assert f"`{method.upper()} {path}`" in text, (method, path)
