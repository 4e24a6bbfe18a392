"""The record form as hall staff use it: table rows instead of JSON, Chinese choices, Beijing time, errors that
say what to type, and confirming a demo-marked value."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.kit.calendar import now_in_china
from cityservices.service_map.catalogue.models import Feedback
from tests.service_map.editing.helpers import SHINAN_VENUE, form_fields, login

PAGE = f"/staff/venues/{SHINAN_VENUE}"
API = f"/api/staff/venues/{SHINAN_VENUE}"


def _post(client: TestClient, token: str, form: dict[str, str]) -> Any:
    return client.post(PAGE, data={**form, "csrf_token": token}, follow_redirects=False)


def test_no_json_boxes_and_choices_in_chinese(client: TestClient) -> None:
    login(client, "editor")
    page = client.get(PAGE).text
    assert "（JSON）" not in page
    for name in ("phones.0.number", "windows.0.number", "photos.0.url", "kiosks.0.kind", "parking.spaces"):
        assert f'name="{name}"' in page
    assert ">街道(镇)级</option>" in page
    assert ">正常开放</option>" in page
    assert 'value="street" selected' in page


def test_an_unchanged_form_saves_nothing(client: TestClient) -> None:
    token = login(client, "editor")
    response = _post(client, token, form_fields(client.get(PAGE).text))
    assert response.status_code == 303, response.text
    assert client.get(f"{API}/versions").json() == []


def test_a_phone_row_added_and_one_cleared(client: TestClient) -> None:
    token = login(client, "editor")
    form = form_fields(client.get(PAGE).text)
    before = client.get(API).json()["record"]["phones"]
    blank = len(before)  # the form always ends with one empty row
    form[f"phones.{blank}.label"] = "预约"
    form[f"phones.{blank}.number"] = "0532-80000009"
    kiosks = client.get(API).json()["record"]["kiosks"]
    form[f"kiosks.{len(kiosks)}.kind"] = "社保自助终端"
    form[f"kiosks.{len(kiosks)}.count"] = "3"
    form[f"kiosks.{len(kiosks)}.hours"] = "24小时"
    assert _post(client, token, form).status_code == 303
    record = client.get(API).json()["record"]
    assert record["phones"] == [*before, {"label": "预约", "number": "0532-80000009"}]
    assert record["kiosks"] == [*kiosks, {"kind": "社保自助终端", "count": 3, "hours": "24小时"}]
    changes = client.get(f"{API}/versions/2").json()["changes"]
    assert [c["label"] for c in changes] == ["电话 · 号码 0532-80000009", "自助终端 · 类型 社保自助终端"]

    form = form_fields(client.get(PAGE).text)
    form["phones.0.label"] = form["phones.0.number"] = ""
    assert _post(client, token, form).status_code == 303
    assert client.get(API).json()["record"]["phones"] == [{"label": "预约", "number": "0532-80000009"}]
    assert client.get(API).json()["version"] == 3


def test_errors_say_what_to_type(client: TestClient) -> None:
    token = login(client, "editor")
    form = form_fields(client.get(PAGE).text)
    form["hours.mon"] = "9点-12点"
    form["kiosks.0.count"] = "三台"
    response = _post(client, token, form)
    assert response.status_code == 422
    assert "开放时间：时段 “9点-12点” 请按 09:00-12:00 格式填写" in response.text
    assert "请填写整数" in response.text


def test_confirming_a_demo_value_clears_its_mark_and_says_who_and_when(client: TestClient) -> None:
    token = login(client, "editor")
    page = client.get(PAGE).text
    assert 'name="verified.phones"' in page
    form = {**form_fields(page), "verified.phones": "1"}
    assert _post(client, token, form).status_code == 303
    record = client.get(API).json()["record"]
    assert "phones" not in record["demo_fields"]
    assert "address" in record["demo_fields"]
    assert record["last_verified"] == now_in_china().date().isoformat()
    page = client.get(PAGE).text
    assert 'name="verified.phones"' not in page
    assert "最近核实：电话，由 editor 于" in page


def test_staff_pages_show_beijing_time(client: TestClient, db: Session) -> None:
    login(client, "editor")
    row = db.scalars(select(Feedback).order_by(Feedback.id)).first()
    assert row is not None
    row.created_at = dt.datetime(2026, 12, 7, 0, 2, tzinfo=dt.UTC)
    db.commit()
    listing = client.get("/staff/feedback").text
    assert "2026-12-07 08:02" in listing
    assert "北京时间" in listing
    assert "(UTC)" not in listing
    assert "2026-12-07 08:02:00" in client.get(f"/staff/feedback/{row.id}").text
