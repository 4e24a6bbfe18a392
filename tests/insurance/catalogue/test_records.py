"""Reading the catalogue files: the bundled files are complete and clean; a bad row is reported with its
file, row and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cityservices.insurance.catalogue import CATALOGUE_DIR
from cityservices.insurance.catalogue.records import parse_period, pinyin_of, read_catalogue
from cityservices.insurance.catalogue.service import link_rules
from tests.insurance.catalogue.conftest import catalogue_folder


def test_the_bundled_catalogue_reads_without_issues() -> None:
    data = read_catalogue(CATALOGUE_DIR)
    assert data.issues == []
    assert (len(data.drugs), len(data.herbal), len(data.rules), len(data.products)) == (3885, 892, 901, 13827)
    assert len({d.code for d in data.drugs}) == 3885
    sections = {d.section for d in data.drugs}
    assert len(sections) == 5
    negotiated = [d for d in data.drugs if d.negotiated and d.agreement_start]
    assert negotiated
    assert all(d.agreement_start <= d.agreement_end for d in negotiated if d.agreement_end)
    assert sum(d.insurance_class == "甲" for d in data.drugs if not d.is_repeat_entry) > 600


def test_rules_are_linked_to_catalogue_rows_by_name_or_class() -> None:
    data = read_catalogue(CATALOGUE_DIR)
    linked = link_rules(data)
    names = {data.rules[i].generic_name: data.drugs[at].name for i, at in enumerate(linked) if at is not None}
    assert names["小儿布洛芬栓"] == "小儿布洛芬"  # found inside the rule's name, in its products' class
    assert names["儿童清肺口服液"] == "儿童清肺口服液"
    assert sum(at is not None for at in linked) >= 400


def test_period_and_pinyin() -> None:
    assert parse_period("2024年1月1日至2025年12月31日") == (dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    assert parse_period("2025年12月31日至2024年1月1日") is None
    assert parse_period("2025年2月30日至2026年1月1日") is None
    assert pinyin_of("硝苯地平") == ("xiaobendiping", "xbdp")


def _replace_line(path: Path, number: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "line", "old", "new", "field"),
    [
        ("drug_catalog.csv", 2, ",甲,复方硼砂", ",丁,复方硼砂", "insurance_class"),
        ("drug_catalog.csv", 3, "口腔科制剂,2,", "口腔科制剂,x,", "number"),
        ("drug_catalog.csv", 4, "西药,XA,", "西药,YA,", "category_code"),
        ("drug_catalog.csv", 5, ",false,", ",maybe,", "is_repeat_entry"),
        ("drug_catalog_tcm_pieces.csv", 2, "一枝黄花", "", "name"),
        ("drug_payment_rules.csv", 2, ",儿童,", ",,", "restricted_to"),
        (
            "drug_rule_product_codes.csv",
            2,
            "ZA04CAE0023010100166",
            "ZA04CAE002301010016X",
            "national_drug_code.maker_code",
        ),
    ],
)
def test_a_bad_row_names_file_row_and_field(
    tmp_path: Path, file: str, line: int, old: str, new: str, field: str
) -> None:
    folder = catalogue_folder(tmp_path, consumables=None)
    _replace_line(folder / file, line, old, new)
    issues = read_catalogue(folder).issues
    assert [(i.file, i.row, i.field) for i in issues] == [(file, line, field)]
    assert file in str(issues[0])
    assert f"第 {line} 行" in str(issues[0])


def test_a_bad_agreement_period_is_refused(tmp_path: Path) -> None:
    folder = catalogue_folder(tmp_path, consumables=None)
    path = folder / "drug_catalog.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("2024年1月1日至2025年12月31日", "2024年13月1日至2025年12月31日", 1), encoding="utf-8")
    issues = read_catalogue(folder).issues
    assert [i.field for i in issues] == ["agreement_period"]


def test_missing_file_and_missing_column(tmp_path: Path) -> None:
    folder = catalogue_folder(tmp_path, consumables=None)
    (folder / "drug_payment_rules.csv").unlink()
    assert [(i.file, i.field) for i in read_catalogue(folder).issues] == [("drug_payment_rules.csv", "file")]
    folder = catalogue_folder(tmp_path / "b", consumables="code,name\nC0301010010000100001AB12345,x\n")
    assert [(i.file, i.row, i.field) for i in read_catalogue(folder).issues] == [
        ("consumables.csv", 1, "specification")
    ]


def test_a_bad_consumable_code_names_its_segment(tmp_path: Path) -> None:
    rows = (
        "code,name,specification,maker_name,source\n"
        "C0301010010000100001AB12345,甲,1,x,测试\n"
        "C03X1010010000100001AB12345,乙,1,x,测试\n"
    )
    folder = catalogue_folder(tmp_path, consumables=rows)
    issues = read_catalogue(folder).issues
    assert [(i.row, i.field) for i in issues] == [(3, "code.level2")]


def test_an_unknown_rule_type_is_refused_and_its_products_lose_their_rule(tmp_path: Path) -> None:
    folder = catalogue_folder(tmp_path, consumables=None)
    _replace_line(folder / "drug_payment_rules.csv", 2, "限定年龄对象", "限定心情对象")
    issues = read_catalogue(folder).issues
    assert issues[0].field == "rule_type"
    assert issues[0].row == 2
    assert {i.field for i in issues[1:]} == {"drug_generic_name"}  # the products listed under the old rule
