"""Guides, bundles and a venue's dated exceptions are edited as repeatable rows, not JSON: rows added, removed
and reordered; a row that cannot be read is named by its number in Chinese, shown again as typed, and nothing
is written."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.service_map.editing.helpers import SHINAN_VENUE, form_fields, login

GUIDE = "/staff/guides/QD-RS-0001"
GUIDE_API = "/api/staff/guides/QD-RS-0001"
BUNDLE = "/staff/bundles/B-TEST"
BUNDLE_API = "/api/staff/bundles/B-TEST"
VENUE = f"/staff/venues/{SHINAN_VENUE}"
VENUE_API = f"/api/staff/venues/{SHINAN_VENUE}"


def _post(client: TestClient, token: str, path: str, form: dict[str, str]) -> Any:
    return client.post(path, data={**form, "csrf_token": token}, follow_redirects=False)


def _version(client: TestClient, api: str) -> int:
    version: int = client.get(api).json()["version"]
    return version


def test_guide_lists_are_rows_and_an_unchanged_form_saves_nothing(client: TestClient) -> None:
    token = login(client, "editor")
    page = client.get(GUIDE).text
    assert "（JSON）" not in page
    for name in ("materials.0.name", "materials.0.copies", "steps.0.name", "channels.0.name", "faqs.0.q",
                 "fees.0.name"):  # fmt: skip
        assert f'name="{name}"' in page
    assert ">窗口</option>" in page  # channel kinds in Chinese
    # the form writes every column of a row (a material's note, even empty): a guide stored that way, as the
    # bundled data is, comes back from an unchanged form with nothing to save
    guide = client.get(GUIDE_API).json()
    record = {**guide["record"], "materials": [{"note": "", **m} for m in guide["record"]["materials"]]}
    body = {"record": record, "base_version": guide["version"]}
    assert client.put(GUIDE_API, json=body, headers={"X-CSRF-Token": token}).status_code == 200
    before = _version(client, GUIDE_API)
    assert _post(client, token, GUIDE, form_fields(client.get(GUIDE).text)).status_code == 303
    assert _version(client, GUIDE_API) == before


def test_guide_rows_added_removed_and_reordered(client: TestClient) -> None:
    token = login(client, "editor")
    form = form_fields(client.get(GUIDE).text)
    form.update({"materials.1.name": "户口簿", "materials.1.form": "复印件", "materials.1.copies": "2",
                 "materials.1.waivable": "1", "steps.1.name": "审核", "steps.1.description": "窗口审核",
                 "fees.0.name": "工本费", "fees.0.amount": "0 元"})  # fmt: skip
    form.update({"faqs.0.q": "要带照片吗？", "faqs.0.a": "不用。"})
    assert _post(client, token, GUIDE, form).status_code == 303
    record = client.get(GUIDE_API).json()["record"]
    assert record["materials"][1] == {"name": "户口簿", "form": "复印件", "copies": 2, "waivable": True, "note": ""}
    assert [s["name"] for s in record["steps"]] == ["受理", "审核"]
    assert record["fees"] == [{"name": "工本费", "amount": "0 元", "basis": ""}]
    assert record["faqs"] == [{"q": "要带照片吗？", "a": "不用。"}]

    form = form_fields(client.get(GUIDE).text)  # the steps swapped (as the move buttons renumber them)
    form["steps.0.name"], form["steps.1.name"] = form["steps.1.name"], form["steps.0.name"]
    form["steps.0.description"], form["steps.1.description"] = form["steps.1.description"], form["steps.0.description"]
    form["materials.1.name"] = form["materials.1.form"] = form["materials.1.copies"] = ""  # cleared: removed
    form.pop("materials.1.waivable")
    assert _post(client, token, GUIDE, form).status_code == 303
    record = client.get(GUIDE_API).json()["record"]
    assert [s["name"] for s in record["steps"]] == ["审核", "受理"]
    assert [m["name"] for m in record["materials"]] == ["居民身份证"]


def test_bad_guide_rows_are_named_by_number_and_nothing_is_written(client: TestClient) -> None:
    token = login(client, "editor")
    before = _version(client, GUIDE_API)
    form = form_fields(client.get(GUIDE).text)
    form.update({"materials.1.form": "原件", "materials.1.copies": "两份", "channels.1.name": "网上大厅",
                 "channels.1.kind": "online", "channels.1.url": "zwfw.example"})  # fmt: skip
    response = _post(client, token, GUIDE, form)
    assert response.status_code == 422
    assert "申请材料：第 2 行：请填写材料名称" in response.text
    assert "办理渠道：第 2 行：网址 “zwfw.example” 请以 https:// 开头" in response.text
    assert response.text.count("data-row-error") == 2  # each bad row carries its message
    assert 'value="两份"' in response.text  # shown again as typed
    assert _version(client, GUIDE_API) == before


def test_a_bundle_plan_is_edited_as_rows(client: TestClient) -> None:
    token = login(client, "editor")
    page = client.get(BUNDLE).text
    assert "（JSON）" not in page
    assert ">选择其一</option>" in page
    before = _version(client, BUNDLE_API)
    form = form_fields(page)
    form["items.1.kind"] = "choice"  # no group: refused, named by its row
    response = _post(client, token, BUNDLE, form)
    assert response.status_code == 422
    assert "第 2 行：“选择其一”的事项请填写选项组" in response.text
    form["items.1.kind"] = "if"
    form["items.1.condition"] = "失业的"
    form["items.0.produces"] = "社会保障卡、电子社保卡"
    form["items.0.kind"] = "first"
    assert _post(client, token, BUNDLE, form).status_code == 303
    steps = client.get(BUNDLE_API).json()["record"]["items"]
    assert [(s["position"], s["item_code"], s["kind"]) for s in steps] == [(1, "QD-RS-0001", "first"),
                                                                           (2, "QD-RS-0002", "if")]  # fmt: skip
    assert steps[0]["produces"] == ["社会保障卡", "电子社保卡"]
    assert steps[1]["condition"] == "失业的"

    form = form_fields(client.get(BUNDLE).text)  # a choice group of one option: the record's own check
    form.update({"items.0.kind": "choice", "items.0.choice_group": "情形", "items.1.kind": "step",
                 "items.1.condition": ""})  # fmt: skip
    response = _post(client, token, BUNDLE, form)
    assert response.status_code == 422
    assert "至少要有两个事项" in response.text
    assert "Value error" not in response.text
    assert _version(client, BUNDLE_API) == before + 1


def test_dated_exceptions_are_rows(client: TestClient) -> None:
    token = login(client, "editor")
    page = client.get(VENUE).text
    assert 'name="hours_exceptions.0.date"' in page
    assert 'type="date"' in page
    form = form_fields(page)
    assert form["hours_exceptions.0.closed"] == "1"  # 元旦: closed all day
    before = _version(client, VENUE_API)
    form.update({"hours_exceptions.1.date": "2026-12-31", "hours_exceptions.1.hours": "09:00-12:00"})
    form.update({"hours_exceptions.2.date": "2027-01-01", "hours_exceptions.2.hours": "9点"})
    response = _post(client, token, VENUE, form)
    assert response.status_code == 422
    assert "例外安排：第 3 行：时段 “9点” 请按 09:00-12:00 格式填写" in response.text
    form["hours_exceptions.2.hours"] = ""
    form["hours_exceptions.2.closed"] = "1"
    response = _post(client, token, VENUE, form)
    assert "第 3 行：日期 2027-01-01 与第 1 行重复" in response.text
    assert _version(client, VENUE_API) == before
    for key in ("hours_exceptions.2.date", "hours_exceptions.2.closed"):
        form.pop(key)
    form["hours_exceptions.1.note"] = "跨年提前下班"
    assert _post(client, token, VENUE, form).status_code == 303
    record = client.get(VENUE_API).json()["record"]
    added = {"date": "2026-12-31", "intervals": [["09:00", "12:00"]], "note": "跨年提前下班"}
    assert record["hours_exceptions"][0] == added  # kept in date order
    changes = client.get(f"{VENUE_API}/versions/{before + 1}").json()["changes"]
    assert len(changes) == 1  # one added row, not every row changed
