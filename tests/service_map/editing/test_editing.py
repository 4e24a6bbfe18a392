"""Editing records: importer validation, a version per change with a readable diff, restore, audit, events."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.kit import events
from cityservices.kit.audit import AuditEntry
from cityservices.service_map.catalogue.models import Venue
from cityservices.service_map.editing.models import RecordVersion
from cityservices.service_map.install import CHANGED
from tests.service_map.editing.helpers import SHINAN_VENUE, current_version, form_fields, login


def _get(client: TestClient, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _put(client: TestClient, token: str, path: str, record: dict[str, Any], base: int | None = None) -> Any:
    """A save based on ``base``, by default the version the record has now."""
    base = current_version(client, path) if base is None else base
    return client.put(path, json={"record": record, "base_version": base}, headers={"X-CSRF-Token": token})


def test_an_edit_stores_a_baseline_and_a_new_version_with_a_readable_diff(client: TestClient, db: Session) -> None:
    token = login(client, "editor")
    current = _get(client, f"/api/staff/venues/{SHINAN_VENUE}")
    assert current["version"] == 1  # the original state; stored as the baseline with the first edit
    record = current["record"]
    record["hours"]["sat"] = []
    record["name"] = "香港中路街道便民服务中心（新址）"
    saved = _put(client, token, f"/api/staff/venues/{SHINAN_VENUE}", record, base=1)
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 2
    assert saved.json()["changed_fields"] == ["name", "hours"]
    versions = _get(client, f"/api/staff/venues/{SHINAN_VENUE}/versions")
    assert [(v["version"], v["action"], v["actor_name"]) for v in versions] == [
        (2, "update", "editor"), (1, "baseline", "导入数据"),
    ]  # fmt: skip
    detail = _get(client, f"/api/staff/venues/{SHINAN_VENUE}/versions/2")
    changes = {c["path"]: (c["label"], c["before"], c["after"]) for c in detail["changes"]}
    assert changes["name"] == ("名称", "香港中路街道便民服务中心", "香港中路街道便民服务中心（新址）")
    assert changes["hours.sat"] == ("开放时间 · 周六", "09:00-12:00", "（空）")
    assert db.get(Venue, SHINAN_VENUE) is not None
    assert db.scalar(select(Venue.name).where(Venue.id == SHINAN_VENUE)) == record["name"]
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "venue.update"))
    assert audit is not None
    assert audit.detail["version"] == 2
    assert audit.actor_name == "editor"


def test_restoring_a_version_creates_a_new_version_equal_to_it(client: TestClient) -> None:
    token = login(client, "editor")
    original = _get(client, f"/api/staff/venues/{SHINAN_VENUE}")["record"]
    edited = {**original, "description": "改过的简介", "phones": [{"label": "咨询", "number": "0532-80009999"}]}
    assert _put(client, token, f"/api/staff/venues/{SHINAN_VENUE}", edited).status_code == 200
    restored = client.post(
        f"/api/staff/venues/{SHINAN_VENUE}/versions/1/restore", headers={"X-CSRF-Token": token, "If-Match": '"2"'}
    )
    assert restored.status_code == 200, restored.text
    assert restored.json()["version"] == 3
    assert _get(client, f"/api/staff/venues/{SHINAN_VENUE}")["record"] == original
    versions = _get(client, f"/api/staff/venues/{SHINAN_VENUE}/versions")
    assert versions[0]["action"] == "restore"
    assert versions[0]["restored_from"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]}}, "hours"),
        ({"lat": 10.0, "lng": 10.0}, "-"),
        ({"source_crs": "mars"}, "source_crs"),
        ({"departments": ["NO-SUCH-DEPT"]}, "departments"),
        ({"division_code": "370299999"}, "division_code"),
        ({"postcode": "2660"}, "postcode"),
        ({"status": "demolished"}, "status"),
        ({"name": ""}, "name"),
    ],
)
def test_edits_are_validated_like_an_import(client: TestClient, change: dict[str, Any], field: str) -> None:
    token = login(client, "editor")
    record = {**_get(client, f"/api/staff/venues/{SHINAN_VENUE}")["record"], **change}
    response = _put(client, token, f"/api/staff/venues/{SHINAN_VENUE}", record)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_record"
    assert f"{field}:" in response.json()["detail"]
    assert _get(client, f"/api/staff/venues/{SHINAN_VENUE}/versions") == []


def test_a_stale_base_version_is_refused(client: TestClient) -> None:
    token = login(client, "editor")
    record = _get(client, f"/api/staff/venues/{SHINAN_VENUE}")["record"]
    assert (
        _put(client, token, f"/api/staff/venues/{SHINAN_VENUE}", {**record, "transport": "地铁"}, 0).status_code == 200
    )
    stale = _put(client, token, f"/api/staff/venues/{SHINAN_VENUE}", {**record, "transport": "公交"}, 0)
    assert stale.status_code == 409


def test_an_unchanged_record_writes_no_version(client: TestClient) -> None:
    token = login(client, "editor")
    record = _get(client, f"/api/staff/venues/{SHINAN_VENUE}")["record"]
    response = _put(client, token, f"/api/staff/venues/{SHINAN_VENUE}", record)
    assert response.json()["version"] == 1
    assert response.json()["changed_fields"] == []


def test_the_key_in_the_record_must_match_the_address(client: TestClient) -> None:
    token = login(client, "editor")
    record = _get(client, f"/api/staff/venues/{SHINAN_VENUE}")["record"]
    assert _put(client, token, "/api/staff/venues/V370203001", record).status_code == 422


def test_items_guides_and_bundles_are_edited_with_versions(client: TestClient, db: Session) -> None:
    token = login(client, "editor")
    item = _get(client, "/api/staff/items/QD-RS-0001")["record"]
    assert _put(client, token, "/api/staff/items/QD-RS-0001", {**item, "aliases": ["社保卡"]}).status_code == 200
    clash = _put(client, token, "/api/staff/items/QD-RS-0001", {**item, "name": "失业保险金申领"})
    assert clash.status_code == 409
    guide = _get(client, "/api/staff/guides/QD-RS-0001")["record"]
    guide["materials"].append({"name": "户口簿", "form": "原件", "copies": 1})
    assert _put(client, token, "/api/staff/guides/QD-RS-0001", guide).status_code == 200
    bad = {**guide, "materials": [{"form": "原件"}]}
    assert _put(client, token, "/api/staff/guides/QD-RS-0001", bad).status_code == 422
    bundle = _get(client, "/api/staff/bundles/B-TEST")["record"]
    first, second = bundle["items"]
    bundle["items"] = [{**second, "position": 1}, {**first, "position": 2}]
    assert _put(client, token, "/api/staff/bundles/B-TEST", bundle).status_code == 200
    unknown = {**bundle, "items": [{"position": 1, "item_code": "QD-NOPE", "note": ""}]}
    assert _put(client, token, "/api/staff/bundles/B-TEST", unknown).status_code == 422
    kinds = db.scalars(select(RecordVersion.entity_kind).where(RecordVersion.action == "update")).all()
    assert sorted(kinds) == ["bundle", "guide", "item"]


def test_a_new_venue_can_be_created(client: TestClient) -> None:
    token = login(client, "editor")
    record = {**_get(client, f"/api/staff/venues/{SHINAN_VENUE}")["record"], "id": "V370202099", "name": "新中心"}
    created = _put(client, token, "/api/staff/venues/V370202099", record)
    assert created.status_code == 200, created.text
    assert created.json()["version"] == 1
    assert _get(client, "/api/staff/venues/V370202099/versions")[0]["action"] == "create"


def test_a_change_is_announced_after_commit_and_visible_at_once(client: TestClient) -> None:
    seen: list[dict[str, Any]] = []
    unsubscribe = events.subscribe(CHANGED, lambda _t, payload: seen.append(payload))
    try:
        token = login(client, "editor")
        record = _get(client, f"/api/staff/venues/{SHINAN_VENUE}")["record"]
        bad = _put(client, token, f"/api/staff/venues/{SHINAN_VENUE}", {**record, "lat": 1.0})
        assert bad.status_code == 422
        assert seen == []
        renamed = {**record, "name": "改名后的中心"}
        assert _put(client, token, f"/api/staff/venues/{SHINAN_VENUE}", renamed).status_code == 200
    finally:
        unsubscribe()
    # The fixture's import shares this test's session, so its own announcement comes with the first commit.
    edits = [payload for payload in seen if payload.get("kind") != "import"]
    assert edits == [{"kind": "venue", "key": SHINAN_VENUE, "version": 2, "scope": "record"}]
    public = client.get("/api/v1/venues").json()["items"]
    assert "改名后的中心" in {v["name"] for v in public}


def test_staff_pages_edit_a_venue_through_the_form(client: TestClient) -> None:
    login(client, "editor")
    page = client.get(f"/staff/venues/{SHINAN_VENUE}")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text
    form = form_fields(page.text)
    form["hours.sun"] = "10:00-12:00"
    form.update({"hours_exceptions.1.date": "2027-02-16", "hours_exceptions.1.hours": "09:00-12:00",
                 "hours_exceptions.1.note": "除夕"})  # fmt: skip
    saved = client.post(f"/staff/venues/{SHINAN_VENUE}", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    record = _get(client, f"/api/staff/venues/{SHINAN_VENUE}")["record"]
    assert record["hours"]["sun"] == [["10:00", "12:00"]]
    assert record["hours_exceptions"][1] == {"date": "2027-02-16", "intervals": [["09:00", "12:00"]], "note": "除夕"}
    form["hours.mon"] = "17:00-09:00"
    refused = client.post(f"/staff/venues/{SHINAN_VENUE}", data=form, follow_redirects=False)
    assert refused.status_code == 422
    assert "未保存" in refused.text
    version = client.get(f"/staff/venues/{SHINAN_VENUE}/versions/2")
    assert "开放时间 · 周日" in version.text


def test_an_edited_item_is_found_by_search_at_once(client: TestClient) -> None:
    token = login(client, "editor")
    assert "QD-RS-0002" not in client.get("/api/v1/search", params={"q": "蓝鲸号码牌"}).text
    item = _get(client, "/api/staff/items/QD-RS-0002")["record"]
    saved = _put(client, token, "/api/staff/items/QD-RS-0002", {**item, "aliases": ["蓝鲸号码牌"]})
    assert saved.status_code == 200
    assert "QD-RS-0002" in client.get("/api/v1/search", params={"q": "蓝鲸号码牌"}).text
