"""The version history as staff read it: numbers without gaps, and list entries compared by their key."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from cityservices.service_map.editing.diff import describe_changes
from tests.service_map.editing.helpers import SHINAN_VENUE, login

PATH = f"/api/staff/venues/{SHINAN_VENUE}"


def _holidays(count: int) -> list[dict[str, Any]]:
    return [
        {"date": f"2027-{month:02d}-01", "intervals": [], "note": f"{month}月休息"} for month in range(1, count + 1)
    ]


def _save(client: TestClient, token: str, change: dict[str, Any]) -> dict[str, Any]:
    current = client.get(PATH).json()
    record = {**current["record"], **change}
    response = client.put(
        PATH, json={"record": record}, headers={"X-CSRF-Token": token, "If-Match": f'"{current["version"]}"'}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_an_added_holiday_is_one_added_row() -> None:
    old = {"hours_exceptions": _holidays(9)}
    added = {"date": "2027-01-15", "intervals": [["09:00", "12:00"]], "note": "调休上午办公"}
    new = {"hours_exceptions": [*_holidays(1), added, *_holidays(9)[1:]]}
    changes = describe_changes(old, new)
    assert len(changes) == 1
    assert changes[0].label == "例外安排 · 日期 2027-01-15"
    assert changes[0].before == "（空）"
    assert changes[0].after == "日期 2027-01-15 · 时段 09:00-12:00 · 备注 调休上午办公"


def test_a_removed_and_a_changed_entry_are_named_by_their_key() -> None:
    old = {"phones": [{"label": "咨询", "number": "0532-1"}, {"label": "投诉", "number": "0532-2"}]}
    new = {"phones": [{"label": "办事咨询", "number": "0532-1"}]}
    changes = [(c.label, c.before, c.after) for c in describe_changes(old, new)]
    assert changes == [
        ("电话 · 号码 0532-1 · 名称", "咨询", "办事咨询"),
        ("电话 · 号码 0532-2", "名称 投诉 · 号码 0532-2", "（空）"),
    ]


def test_lists_without_a_usable_key_are_compared_by_position() -> None:
    old = {"steps": [{"text": "受理"}, {"text": "审核"}]}
    new = {"steps": [{"text": "受理"}, {"text": "审批"}]}
    assert [(c.path, c.label) for c in describe_changes(old, new)] == [("steps[1].text", "办理流程 · 第 2 项 · text")]


def test_a_list_of_words_reads_as_words() -> None:
    (change,) = describe_changes({"accessibility": ["无障碍通道"]}, {"accessibility": ["无障碍通道", "母婴室"]})
    assert (change.before, change.after) == ("无障碍通道", "无障碍通道、母婴室")


def test_version_numbers_run_without_a_gap(client: TestClient) -> None:
    token = login(client, "editor")
    first = client.get(PATH)
    assert first.json()["version"] == 1
    assert first.headers["ETag"] == '"1"'
    assert _save(client, token, {"transport": "公交 1 路"})["version"] == 2
    assert _save(client, token, {"transport": "公交 2 路"})["version"] == 3
    numbers = [v["version"] for v in client.get(f"{PATH}/versions").json()]
    assert numbers == [3, 2, 1]
    assert client.get(PATH).json()["version"] == 3


def test_the_original_state_may_still_be_named_version_0(client: TestClient) -> None:
    token = login(client, "editor")
    record = {**client.get(PATH).json()["record"], "transport": "地铁 3 号线"}
    saved = client.put(PATH, json={"record": record, "base_version": 0}, headers={"X-CSRF-Token": token})
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 2
    again = client.put(PATH, json={"record": {**record, "transport": "公交"}, "base_version": 1},
                       headers={"X-CSRF-Token": token})  # fmt: skip
    assert again.status_code == 409
    assert "当前版本 2" in again.json()["detail"]


def test_an_added_holiday_shows_as_one_row_in_the_history(client: TestClient) -> None:
    token = login(client, "editor")
    _save(client, token, {"hours_exceptions": _holidays(9)})
    holidays = _holidays(9)
    holidays.insert(2, {"date": "2027-02-10", "intervals": [], "note": "春节"})
    version = _save(client, token, {"hours_exceptions": holidays})["version"]
    changes = client.get(f"{PATH}/versions/{version}").json()["changes"]
    assert [(c["label"], c["before"]) for c in changes] == [("例外安排 · 日期 2027-02-10", "（空）")]
    page = client.get(f"/staff/venues/{SHINAN_VENUE}/versions/{version}")
    assert page.text.count("<tr>") == 2  # the header and the one added row
