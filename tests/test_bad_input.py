"""Bad input on every parameter of every public read operation gets a 4xx naming the parameter, never a 5xx.

The operations and their parameters are read from the OpenAPI document, so a new endpoint is covered the day it
is added. Each request starts from a valid one (the pages dataset's ids) and spoils exactly one parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from cityservices.app import create_app
from cityservices.config import Settings
from tests.service_map.conftest import pages_db_readonly  # noqa: F401  (a fixture used by `client`)

# Valid values by parameter name, from the pages dataset (tests/service_map/pages_data.py).
VALID: dict[str, str] = {
    "q": "社保卡",
    "lat": "36.07",
    "lng": "120.38",
    "item": "QD-RS-0001",
    "code": "QD-RS-0001",
    "item_code": "QD-RS-0001",
    "venue": "V370202001",
    "venue_id": "V370202001",
    "bundle": "B-TEST",
    "from_lat": "36.07",
    "from_lng": "120.38",
    "district": "370202",
    "division": "370202",
    "start": "2026-12-01",
    "working_days": "5",
}
NUMBER_BAD = ["abc", "1e999", "NaN", "-99999999999999999999", "99999999999999999999"]
TEXT_BAD = ["' OR 1=1 --", '"; DROP TABLE venues; --', "<script>alert(1)</script>", "x" * 5000, "\x00"]
COORD_BAD = {"lat": ["91", "-90.5", "inf"], "lng": ["181", "-180.5", "-inf"]}
PREFIXES = ("/api/v1/", "/api/hsds")
CJK = re.compile(r"[\u4e00-\u9fff]")
EXCLUSIVE = {"bundle": "item", "item": "bundle"}  # nearest takes one of the two


def _operations() -> list[tuple[str, list[dict[str, Any]]]]:
    settings = Settings(database_url="sqlite:///:memory:", secret_key="x" * 40)
    document = create_app(settings).openapi()
    return [
        (path, op.get("parameters", []))
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if method == "get"
        and path.startswith(PREFIXES)
        and op.get("parameters")
        and "401" not in op.get("responses", {})  # a staff session is checked before the parameters: own tests
    ]


OPERATIONS = _operations()


@pytest.fixture(scope="module")
def client(pages_db_readonly: str) -> Iterator[TestClient]:  # noqa: F811
    settings = Settings(database_url=pages_db_readonly, rate_limit_api_per_minute=0)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _valid(parameter: dict[str, Any]) -> str | None:
    name, schema = parameter["name"], parameter.get("schema", {})
    if name in VALID:
        return VALID[name]
    options = _enum(schema)
    if options:
        return str(options[0])
    if not parameter.get("required"):
        return None
    kind = _kind(schema)
    return str(schema.get("minimum", 1)) if kind in ("integer", "number") else "x"


def _enum(schema: dict[str, Any]) -> list[Any]:
    if "enum" in schema:
        return list(schema["enum"])
    return [v for alt in schema.get("anyOf", []) for v in alt.get("enum", [])]


def _kind(schema: dict[str, Any]) -> str:
    kinds = [schema.get("type")] + [alt.get("type") for alt in schema.get("anyOf", [])]
    return next((k for k in kinds if k and k != "null"), "string")


def _bad_values(parameter: dict[str, Any]) -> list[str]:
    name, schema = parameter["name"], parameter.get("schema", {})
    if name in COORD_BAD:
        return COORD_BAD[name] + NUMBER_BAD[:2]
    if _kind(schema) in ("integer", "number"):
        return NUMBER_BAD
    if _enum(schema):
        return ["no-such-choice", *TEXT_BAD[:2]]
    if _kind(schema) == "boolean":
        return ["perhaps", "2"]
    return TEXT_BAD


def _request(path: str, parameters: list[dict[str, Any]], spoiled: str, value: str) -> tuple[str, dict[str, str]]:
    query: dict[str, str] = {}
    for p in parameters:
        given = value if p["name"] == spoiled else _valid(p)
        names = {q["name"] for q in parameters}
        partner = EXCLUSIVE.get(p["name"])
        if partner in names and (spoiled == partner or (p["name"] == "bundle" and spoiled != "bundle")):
            given = None  # item is the default choice; spoiling one of the pair drops the other
        if given is None:
            continue
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", quote(given, safe=""))
        elif p["in"] == "query":
            query[p["name"]] = given
    return path, query


@pytest.mark.parametrize(("path", "parameters"), OPERATIONS, ids=[path for path, _ in OPERATIONS])
def test_each_spoiled_parameter_gets_a_4xx_naming_it(
    client: TestClient, path: str, parameters: list[dict[str, Any]]
) -> None:
    for parameter in parameters:
        if parameter["in"] not in ("path", "query"):
            continue
        for value in _bad_values(parameter):
            url, query = _request(path, parameters, parameter["name"], value)
            response = client.get(url, params=query)
            where = f"{path} {parameter['name']}={value[:40]!r}"
            assert response.status_code < 500, where
            numeric = _kind(parameter.get("schema", {})) in ("integer", "number")
            if numeric and parameter["in"] == "query" and value in ("abc", "NaN"):
                assert response.status_code == 422, where
            if response.status_code == 422:
                body = response.json()
                assert body["error"] == "invalid_request", where
                fields = [d["field"] for d in body["detail"]]
                assert any(f.split(".")[0] == parameter["name"] for f in fields), (where, fields)
                english = [d["message"] for d in body["detail"] if not CJK.search(d["message"])]
                assert english == [], where  # every message is Chinese
            elif response.status_code >= 400:
                assert set(response.json()) == {"error", "detail"}, where


def test_huge_pages_are_refused(client: TestClient) -> None:
    for path, parameters in OPERATIONS:
        names = {p["name"] for p in parameters}
        for size in ({"limit", "per_page"} & names) - {p["name"] for p in parameters if p["in"] == "path"}:
            url, query = _request(path, parameters, size, "100000")
            response = client.get(url, params=query)
            assert response.status_code == 422, (path, size)
            assert response.json()["detail"][0]["field"] == size
