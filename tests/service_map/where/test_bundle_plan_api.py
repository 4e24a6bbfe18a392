"""GET /api/v1/nearest for a bundle as a plan: one option per choice group, conditional steps when they apply."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cityservices.app import create_app
from cityservices.config import Settings
from tests.builders import load_dataset
from tests.service_map.where_data import ORIGIN, TUESDAY, plan_dataset


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('plan') / 'plan.db'}"
    load_dataset(url, plan_dataset())
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


def nearest(client: TestClient, **params: Any) -> Any:
    return client.get("/api/v1/nearest", params={"lat": ORIGIN[0], "lng": ORIGIN[1], "time": TUESDAY, **params})


def plan_of(body: Any) -> dict[str, tuple[str, str]]:
    return {s["item"]["code"]: (s["status"], s["status_label"]) for s in body["target"]["plan"]}


def test_an_unpicked_group_takes_the_option_with_the_nearest_open_venue(client: TestClient) -> None:
    body = nearest(client, bundle="B-CHOICE").json()
    assert plan_of(body) == {
        "QD-RS-0001": ("required", "须办"),
        "QD-RS-0002": ("chosen", "已选"),
        "QD-RS-0003": ("not_chosen", "未选"),
    }
    assert [s["chosen_by"] for s in body["target"]["plan"]] == ["", "nearest", ""]
    assert [r["venue"]["id"] for r in body["results"]] == ["V370202001"]
    assert body["results"][0]["missing_items"] == []


def test_the_picked_option_and_the_answered_conditions_decide(client: TestClient) -> None:
    picked = nearest(client, bundle="B-CHOICE", pick="QD-RS-0003").json()
    assert [r["venue"]["id"] for r in picked["results"]] == ["V370202"]
    assert [i["code"] for i in picked["target"]["items"]] == ["QD-RS-0001", "QD-RS-0003"]
    unanswered = nearest(client, bundle="B-IF").json()
    assert plan_of(unanswered)["QD-RS-0003"] == ("if_applicable", "如适用")
    assert len(unanswered["results"]) == 4
    applies = nearest(client, bundle="B-IF", applies="就业登记").json()
    assert [r["venue"]["id"] for r in applies["results"]] == ["V370202"]
    skipped = nearest(client, bundle="B-IF", skip="QD-RS-0003").json()
    assert plan_of(skipped)["QD-RS-0003"] == ("skipped", "不适用")


def test_answers_that_do_not_fit_are_422_in_chinese(client: TestClient) -> None:
    for params, field in (
        ({"bundle": "B-CHOICE", "pick": ["QD-RS-0002", "QD-RS-0003"]}, "pick"),
        ({"bundle": "B-IF", "skip": "QD-RS-0001"}, "skip"),
        ({"item": "QD-RS-0001", "pick": "QD-RS-0002"}, "pick"),
    ):
        response = nearest(client, **params)
        assert response.status_code == 422, response.text
        detail = response.json()["detail"]
        assert detail[0]["field"] == field
        assert any("\u4e00" <= ch <= "\u9fff" for ch in detail[0]["message"])
