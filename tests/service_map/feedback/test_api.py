"""POST /api/v1/feedback: validation by field, routing to the venue's district or the item's department,
and no contact details echoed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cityservices.app import create_app
from cityservices.config import Settings
from cityservices.db import make_engine, make_session_factory
from cityservices.service_map.catalogue.models import Feedback, Guide
from cityservices.service_map.feedback.schemas import normalise_phone


@pytest.fixture
def client(pages_db: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=pages_db))) as test_client:
        yield test_client


def stored(db_url: str) -> list[Feedback]:
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        rows = list(session.scalars(select(Feedback).order_by(Feedback.id)).all())
        session.expunge_all()
    engine.dispose()
    return rows


def post(client: TestClient, **body: Any) -> Any:
    return client.post("/api/v1/feedback", json=body)


def test_a_venue_rating_is_stored_and_routed_to_the_venues_district(client: TestClient, pages_db: str) -> None:
    response = post(
        client, target="venue", venue_id="V370202001", rating=2, comment="排队太久", contact_phone="+86 139 1234 5678"
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["district_code"] == "370202"  # the street's parent district
    assert body["department_code"] is None
    assert "13912345678" not in response.text
    (row,) = stored(pages_db)
    assert (row.target_kind, row.venue_id, row.rating, row.status) == ("venue", "V370202001", 2, "open")
    assert row.contact_phone == "13912345678"
    assert row.comment == "排队太久"


def test_an_error_report_on_a_guide_goes_to_the_items_department(client: TestClient, pages_db: str) -> None:
    response = post(client, target="guide", item_code="QD-RS-0001", reports_error=True, comment="材料清单过时了")
    assert response.status_code == 201, response.text
    assert response.json()["department_code"] == "3702-RS"
    assert "核实" in response.json()["message"]
    (row,) = stored(pages_db)
    assert row.reports_error
    assert row.rating is None
    assert row.item_id is not None
    assert row.guide_id is not None
    engine = make_engine(pages_db)
    with make_session_factory(engine)() as session:
        guide = session.get(Guide, row.guide_id)
        assert guide is not None
        assert guide.is_current
    engine.dispose()


def test_stored_text_is_kept_verbatim_and_escaped_only_when_shown(client: TestClient, pages_db: str) -> None:
    assert (
        post(client, target="item", item_code="QD-RS-0001", rating=5, comment="<script>x</script>").status_code == 201
    )
    assert stored(pages_db)[0].comment == "<script>x</script>"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target": "venue", "venue_id": "V370202001"}, "rating"),
        ({"target": "venue", "venue_id": "V370202001", "reports_error": True}, "comment"),
        ({"target": "venue", "venue_id": "V370202001", "reports_error": True, "comment": "   "}, "comment"),
        ({"target": "venue", "rating": 3}, "venue_id"),
        ({"target": "guide", "rating": 3}, "item_code"),
        ({"target": "venue", "venue_id": "V370202001", "rating": 6}, "rating"),
        ({"target": "venue", "venue_id": "V370202001", "rating": 0}, "rating"),
        ({"target": "venue", "venue_id": "V370202001", "rating": 3, "comment": "长" * 2001}, "comment"),
        ({"target": "venue", "venue_id": "V370202001", "rating": 3, "contact_phone": "12345"}, "contact_phone"),
        ({"target": "venue", "venue_id": "V370202001", "rating": 3, "contact_phone": "2345678901"}, "contact_phone"),
        ({"target": "shop", "venue_id": "V370202001", "rating": 3}, "target"),
        ({"target": "venue", "venue_id": "V370202001", "rating": 3, "status": "resolved"}, "status"),
    ],
)
def test_invalid_feedback_is_refused_by_field(client: TestClient, body: dict[str, Any], field: str) -> None:
    response = client.post("/api/v1/feedback", json=body)
    assert response.status_code == 422, response.text
    fields = [d["field"] for d in response.json()["detail"]]
    assert field in fields


def test_feedback_on_something_unknown_is_404(client: TestClient) -> None:
    assert post(client, target="venue", venue_id="V000", rating=3).status_code == 404
    assert post(client, target="item", item_code="QD-XX-9999", rating=3).status_code == 404


def test_a_comment_of_2000_characters_is_accepted(client: TestClient) -> None:
    assert post(client, target="item", item_code="QD-RS-0001", rating=4, comment="好" * 2000).status_code == 201


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 13912345678", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("0532-88888888", "0532-88888888"),
        ("0532 8888 8888", "0532-88888888"),
        ("(0532)88888888", "0532-88888888"),
        ("010-12345678", "010-12345678"),
        ("0532-8888888-123", "0532-8888888-123"),
        ("0532-88888888转8", "0532-88888888-8"),
    ],
)
def test_mainland_phone_numbers_are_normalised(text: str, normalised: str) -> None:
    assert normalise_phone(text) == normalised


@pytest.mark.parametrize(
    "text", ["", "12345", "1391234567", "139123456789", "23912345678", "88888888", "0532-123", "abc"]
)
def test_other_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="手机号"):
        normalise_phone(text)
