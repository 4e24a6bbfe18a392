"""The staff pages for rule editing, in-process: the tables and rows with their marking, a row saved through the
structured form as a new version, a typed mistake refused with what to write, a form opened at an older version
refused with a clear message and nothing written, the versions page with each changed field, and who may save."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from tests.service_map.editing.helpers import login

ROW = "pool-310-inp-ret-l3"  # 统筹基金支付比例 of a retired employee's stay at a level-3 hospital
PAGE = f"/staff/insurance/rules/row/{ROW}"


def _form(page: str) -> dict[str, str]:
    """The values the rule form would submit as shown (inputs, the selected options, ticked boxes, text areas)."""
    values: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name is None or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        values[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select name="([^"]+)">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        values[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        values[name] = unescape(text)
    return values


def test_rule_tables_and_rows_with_their_marking(insurance_client: TestClient) -> None:
    assert insurance_client.get("/staff/insurance/rules/tables", follow_redirects=False).status_code in (303, 401)
    login(insurance_client, "ins_viewer")
    page = insurance_client.get("/staff/insurance/rules/tables", params={"table": "pool_ratio"})
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    text = page.text
    assert "统筹基金支付比例（18）" in text
    assert "起付标准（18）" in text
    row = re.search(rf'<tr data-rule="{ROW}">(.*?)</tr>', text, re.S)
    assert row is not None
    assert "2025-01-01 起，长期" in row.group(1)
    assert "示例参数，未经核实" in row.group(1)
    assert "人员类别 退休" in row.group(1)
    assert "医院等级 三级" in row.group(1)
    verified = insurance_client.get("/staff/insurance/rules/tables", params={"table": "contribution_rate"}).text
    assert re.search(r'data-rule="contrib-310-employer">.*?已核实', verified, re.S)
    assert "只能查看" in text
    assert "保存为新版本" not in insurance_client.get(PAGE).text  # a viewer has no save button


def test_a_row_saved_through_the_form_then_a_stale_form_refused(insurance_client: TestClient) -> None:
    token = login(insurance_client, "ins_admin")
    opened = insurance_client.get(PAGE)
    assert opened.status_code == 200
    form = _form(opened.text)
    assert (form["base_version"], form["ratio"], form["hosp_lv"], form["psn_group"]) == ("1", "0.9000", "3", "retired")
    assert "verified" not in form
    assert form["valid_to"] == ""

    bad = insurance_client.post(PAGE, data={**form, "csrf_token": token, "ratio": "1.5", "valid_from": "2025/1/1"})
    assert bad.status_code == 422
    assert "生效日期：日期应写成 年-月-日" in bad.text
    assert insurance_client.get(f"/api/v1/insurance/rule-rows/{ROW}").json()["row_version"] == 1

    saved = insurance_client.post(
        PAGE,
        data={**form, "csrf_token": token, "ratio": "0.92", "source": "示例：调整后的比例"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{PAGE}?saved=2"
    after = insurance_client.get(f"/api/v1/insurance/rule-rows/{ROW}").json()
    assert (after["row_version"], after["values"]["ratio"], after["source"]) == (2, "0.9200", "示例：调整后的比例")
    assert "已保存（版本 2）" in insurance_client.get(f"{PAGE}?saved=2").text

    stale = insurance_client.post(PAGE, data={**form, "csrf_token": token, "ratio": "0.95"})  # still version 1
    assert stale.status_code == 409
    assert "已被他人修改（您依据的是版本 1，现在是版本 2）" in stale.text
    assert insurance_client.get(f"/api/v1/insurance/rule-rows/{ROW}").json()["values"]["ratio"] == "0.9200"

    versions = insurance_client.get(f"{PAGE}/versions").text
    v2 = re.search(r'data-version="2">(.*?)</section>', versions, re.S)
    assert v2 is not None
    assert "工作人员修改" in v2.group(1)
    cells = re.findall(
        r"<tr><td>([^<]*)</td><td class=\"before\">([^<]*)</td><td class=\"after\">([^<]*)</td>", v2.group(1)
    )
    assert cells == [("来源", form["source"], "示例：调整后的比例"), ("比例", "0.9000", "0.9200")]


def test_a_change_the_rules_refuse_is_shown_and_a_district_editor_may_not_save(insurance_client: TestClient) -> None:
    token = login(insurance_client, "ins_admin")
    form = _form(insurance_client.get(PAGE).text)
    backwards = insurance_client.post(PAGE, data={**form, "csrf_token": token, "valid_to": "2024-01-01"})
    assert backwards.status_code == 422
    assert "失效日期 必须晚于 生效日期" in unescape(backwards.text)
    overlap = insurance_client.post(PAGE, data={**form, "csrf_token": token, "hosp_lv": "2"})
    assert overlap.status_code == 422
    assert "重叠" in overlap.text
    district = login(insurance_client, "ins_shinan")
    refused = insurance_client.post(PAGE, data={**form, "csrf_token": district, "ratio": "0.95"})
    assert refused.status_code == 403
    assert insurance_client.get(f"/api/v1/insurance/rule-rows/{ROW}").json()["row_version"] == 1
