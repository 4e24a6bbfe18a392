"""The public catalogue routes under /api/v1/insurance/catalogue: answers, caching headers, 404 / 422 naming the
parameter, and the lookup page (plain Chinese). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cityservices.app import create_app
from cityservices.config import Settings

BASE = "/api/v1/insurance/catalogue"


@pytest.fixture(scope="module")
def client(catalogue_db: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=catalogue_db, rate_limit_api_per_minute=0))) as test_client:
        yield test_client


def test_search_answer_and_cache_headers(client: TestClient) -> None:
    response = client.get(f"{BASE}/search", params={"q": "拜新同", "psn_type": "1101"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["understood"]["generic_name"] == "硝苯地平"
    first = body["results"][0]["entry"]
    assert first["name"].startswith("硝苯地平")
    assert first["insurance_class"] in ("甲", "乙")
    assert response.headers["cache-control"].startswith("public")
    again = client.get(
        f"{BASE}/search",
        params={"q": "拜新同", "psn_type": "1101"},
        headers={"If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304


def test_entry_drug_code_and_same_drug(client: TestClient) -> None:
    entry = client.get(f"{BASE}/entries/XY-0632-1").json()
    assert entry["name"] == "阿莫西林"
    assert entry["chrgitm_lv"] == "01"
    code = client.get(f"{BASE}/drug-codes/XM01AEX094D001010101792").json()
    assert (code["class_code"], code["form_code"], code["maker_code"]) == ("M01AE", "D001", "01792")
    same = client.get(f"{BASE}/drug-codes/XM01AEX094D001010101792/same-drug", params={"same_spec": "true"}).json()
    assert same["same_specification_only"]
    assert same["total"] >= 1
    consumable = client.get(f"{BASE}/consumable-codes/C0301010010000100001AB12345/same-class").json()
    assert consumable["total"] == 3
    stats = client.get(f"{BASE}/stats").json()
    assert stats["drugs"] == 3885
    assert stats["consumables"] == 4


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/search", {"q": ""}, "q"),
        ("/search", {"q": "阿莫西林", "psn_type": "12"}, "psn_type"),
        ("/search", {"q": "阿莫西林", "psn_type": "9999"}, "psn_type"),
        ("/search", {"q": "阿莫西林", "limit": "0"}, "limit"),
        ("/search", {"q": "x" * 61}, "q"),
        ("/drug-codes/XA01ABD075A00201010048X", {}, "code"),
        ("/consumable-codes/C03", {}, "code"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(
    client: TestClient, path: str, params: dict[str, str], field: str
) -> None:
    response = client.get(BASE + path, params=params)
    assert response.status_code == 422, response.text
    assert field in [d["field"] for d in response.json()["detail"]]


def test_a_wrong_segment_is_named_in_the_message(client: TestClient) -> None:
    detail = client.get(f"{BASE}/drug-codes/XA01ABD075A00201010048X").json()["detail"][0]
    assert "maker_code" in detail["message"]
    assert "生产企业" in detail["message"]


def test_unknown_entry_is_404(client: TestClient) -> None:
    assert client.get(f"{BASE}/entries/XY-9999-9").status_code == 404


def test_lookup_page_in_plain_chinese(client: TestClient) -> None:
    page = client.get("/insurance/catalogue", params={"q": "注射用艾普拉唑钠", "psn_type": "1201"})
    assert page.status_code == 200
    html = page.text
    assert "乙类" in html
    assert "先由个人自付 10%" in html
    assert "示例参数，未经核实" in html
    assert "限定支付范围" in html
    assert "协议期 2024年1月1日至2025年12月31日" in html
    main = html.split('<main id="main" tabindex="-1">')[1].split("</main>")[0]
    visible = re.sub(r"<[^>]+>", " ", main)
    assert not re.search(r"[A-Za-z]{3,}", visible), visible  # no English, file names or codes in the text
    empty = client.get("/insurance/catalogue", params={"q": "qqqqzzzz"})
    assert "没有找到" in empty.text
    assert "降压药" in client.get("/insurance/catalogue").text


def test_search_groups_dosage_forms_over_http_and_on_the_page(client: TestClient) -> None:
    answer = client.get(f"{BASE}/search", params={"q": "二甲双胍"}).json()
    first = answer["groups"][0]
    assert (first["name"], first["dosage_forms"]) == ("二甲双胍", ["口服常释剂型", "缓释控释剂型"])
    assert [form["insurance_class"] for form in first["forms"]] == ["甲", "乙"]
    html = client.get("/insurance/catalogue", params={"q": "二甲双胍"}).text
    card = html.split('data-group="二甲双胍"')[1].split('data-group="')[0]
    assert "共 2 种剂型" in card
    assert card.count('class="form"') == 2
    assert "口服常释剂型" in card
    assert "缓释控释剂型" in card
