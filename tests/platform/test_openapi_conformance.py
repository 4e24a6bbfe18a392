"""Schemathesis against our own OpenAPI document: generated requests (valid and invalid) for every operation.

Every answer must be declared in the document (status, content type, body schema) and none may be a 5xx. Runs
on SQLite and PostgreSQL over the pages dataset (hostile text included). The staff API is covered too: without
a session its operations must answer with their declared 401 / 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from tempfile import gettempdir

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cityservices.app import create_app
from cityservices.config import Settings
from tests.service_map.conftest import pages_db_readonly  # noqa: F401  (a fixture used by `api`)

EXAMPLES = 20  # per operation and generation mode (valid and invalid data)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def _operations() -> list[str]:
    """Every operation of the document ("GET /api/v1/venues"), read at collection from an app on no data."""
    settings = Settings(database_url="sqlite:///:memory:", secret_key="x" * 40, media_dir=Path(gettempdir()) / "cs")
    document = create_app(settings).openapi()
    return [f"{method.upper()} {path}" for path, ops in document["paths"].items() for method in ops]


@pytest.fixture(scope="module")
def api(pages_db_readonly: str) -> Iterator[schemathesis.BaseSchema]:  # noqa: F811
    settings = Settings(database_url=pages_db_readonly, rate_limit_api_per_minute=0, rate_limit_login_per_minute=0)
    app: FastAPI = create_app(settings)
    with TestClient(app):  # runs the lifespan (index warm-up, event relays)
        yield schemathesis.openapi.from_asgi("/api/openapi.json", app)


@pytest.mark.parametrize("operation", _operations())
def test_every_operation_answers_as_its_document_says(api: schemathesis.BaseSchema, operation: str) -> None:
    method, path = operation.split(" ", 1)
    api_operation = api[path][method]
    takes_input = bool(list(api_operation.iter_parameters())) or bool(api_operation.body)
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if takes_input else (GenerationMode.POSITIVE,)
    for mode in modes:

        @given(case=api_operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)

        check()


def test_every_error_response_is_declared_with_the_error_body(pages_db_readonly: str) -> None:  # noqa: F811
    document = create_app(Settings(database_url=pages_db_readonly)).openapi()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if operation.get("parameters"):
                assert "422" in responses, (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            for status, response in responses.items():
                if status[0] in "45":
                    schema_ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert schema_ref == "#/components/schemas/ErrorBody", (method, path, status)
