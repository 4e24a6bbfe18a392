"""Validation limits never exceed the database columns: a longer value is a 422 naming the field, never a
PostgreSQL error (500) nor a row SQLite keeps and PostgreSQL cannot import."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import String

from cityservices.models import Base
from cityservices.service_map.catalogue import models
from cityservices.service_map.feedback.schemas import FeedbackCreate
from cityservices.service_map.interchange import records
from tests.service_map.editing.fixtures import app, client, connection, db, staff_settings
from tests.service_map.editing.helpers import SHINAN_VENUE, login

__all__ = ["app", "client", "connection", "db", "staff_settings"]
SCHEMAS: list[tuple[type[BaseModel], type[Base]]] = [
    (records.DivisionRecord, models.Division), (records.DepartmentRecord, models.Department),
    (records.ItemRecord, models.Item), (records.ImplementationRecord, models.ItemImplementation),
    (records.VenueRecord, models.Venue), (records.VenueItemRecord, models.VenueItem),
    (records.GuideRecord, models.Guide), (records.BundleRecord, models.Bundle), (records.PoiRecord, models.Poi),
    (FeedbackCreate, models.Feedback),
]  # fmt: skip


def _max_length(schema: dict[str, Any]) -> int | None:
    if "maxLength" in schema:
        return int(schema["maxLength"])
    if "pattern" in schema or "enum" in schema or "const" in schema:
        return -1  # a pattern (codes: at most 64 characters) or a closed set of values
    lengths = [_max_length(option) for option in schema.get("anyOf", []) if option.get("type") != "null"]
    return max((n for n in lengths if n is not None), default=None)


@pytest.mark.parametrize(("schema", "model"), SCHEMAS, ids=[s.__name__ for s, _ in SCHEMAS])
def test_every_text_field_is_limited_to_its_column(schema: type[BaseModel], model: type[Base]) -> None:
    properties = schema.model_json_schema()["properties"]
    columns = model.__table__.columns
    checked = 0
    for name, field in properties.items():
        column = columns.get(name)
        if column is None or not isinstance(column.type, String) or column.type.length is None:
            continue
        limit = _max_length(field)
        assert limit is not None, f"{schema.__name__}.{name} has no length limit (column: {column.type.length})"
        assert limit <= column.type.length, f"{schema.__name__}.{name}: {limit} > {column.type.length}"
        checked += 1
    assert checked


def test_a_250_character_venue_name_is_a_422_naming_the_field(client: TestClient) -> None:
    token = login(client, "editor")
    record = client.get(f"/api/staff/venues/{SHINAN_VENUE}").json()["record"]
    response = client.put(f"/api/staff/venues/{SHINAN_VENUE}", json={"record": {**record, "name": "长" * 250}},
                          headers={"X-CSRF-Token": token})  # fmt: skip
    assert response.status_code == 422, response.text
    assert "name" in response.text
    assert client.get(f"/api/staff/venues/{SHINAN_VENUE}").json()["record"]["name"] == record["name"]
