"""Rule rows and the rule book: validation naming the field, validity lookup, overlaps refused, the bundled file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cityservices.errors import RequestInvalid
from cityservices.insurance.rules.book import RuleBook, RuleMissing, RuleOverlap, find_overlaps
from cityservices.insurance.rules.schemas import DeductibleRule, PoolRatioRule
from cityservices.insurance.rules.service import BUNDLED_RULES, parse_rule_file, read_rule_file
from cityservices.kit.money import Money, Ratio


def pool_row(rule_id: str, ratio: str, valid_from: str, valid_to: str | None = None) -> dict[str, Any]:
    return {
        "id": rule_id,
        "table": "pool_ratio",
        "insutype": "310",
        "med_kind": "inpatient",
        "psn_group": "retired",
        "hosp_lv": "3",
        "ratio": ratio,
        "source": "测试",
        "valid_from": valid_from,
        "valid_to": valid_to,
        "verified": False,
    }


def rule_file(*rows: dict[str, Any]) -> dict[str, Any]:
    return {"version": "t1", "region": "370200", "provenance": "测试", "rules": list(rows)}


def test_the_bundled_file_is_valid_and_marks_local_figures_unverified() -> None:
    parsed = read_rule_file(BUNDLED_RULES)
    book = RuleBook.of(parsed.rules, version=parsed.version)
    assert len(book.all_rows()) == len(parsed.rules) > 50
    verified = {row.id for row in parsed.rules if row.verified}
    assert "contrib-310-employee" in verified
    assert "elsewhere-cap-temporary" in verified
    assert not any(
        row.id.startswith(("pool-", "ded-", "cap-", "layer-", "preself-")) for row in parsed.rules if row.verified
    )
    assert all(row.source for row in parsed.rules)


def test_lookup_by_validity() -> None:
    parsed = parse_rule_file(
        rule_file(pool_row("old", "0.85", "2024-01-01", "2025-01-01"), pool_row("new", "0.9", "2025-01-01"))
    )
    book = RuleBook.of(parsed.rules)
    key = ("310", "inpatient", "retired", "3")
    assert book.get(PoolRatioRule, key, dt.date(2024, 12, 31)).ratio == Ratio("0.85")
    assert book.get(PoolRatioRule, key, dt.date(2025, 1, 1)).id == "new"
    with pytest.raises(RuleMissing, match="统筹基金支付比例"):
        book.get(PoolRatioRule, key, dt.date(2023, 6, 1))
    assert book.find(DeductibleRule, key, dt.date(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("2024-01-01", None), ("2025-01-01", None)),
        (("2024-01-01", "2025-06-01"), ("2025-01-01", None)),
        (("2024-01-01", "2026-01-01"), ("2024-06-01", "2024-07-01")),
    ],
)
def test_overlapping_validity_is_refused(first: tuple[str, str | None], second: tuple[str, str | None]) -> None:
    parsed = parse_rule_file(rule_file(pool_row("a", "0.85", *first), pool_row("b", "0.9", *second)))
    assert find_overlaps(parsed.rules)
    with pytest.raises(RuleOverlap, match="有效期重叠"):
        RuleBook.of(parsed.rules)


def test_adjacent_periods_and_other_keys_do_not_overlap() -> None:
    other = {**pool_row("c", "0.9", "2024-01-01"), "hosp_lv": "2"}
    parsed = parse_rule_file(
        rule_file(pool_row("a", "0.85", "2024-01-01", "2025-01-01"), pool_row("b", "0.9", "2025-01-01"), other)
    )
    assert find_overlaps(parsed.rules) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ratio": "1.5"}, "rules[0].ratio"),
        ({"ratio": 0.85}, "rules[0].ratio"),
        ({"hosp_lv": "4"}, "rules[0].hosp_lv"),
        ({"valid_from": "2025-13-01"}, "rules[0].valid_from"),
        ({"valid_to": "2023-01-01"}, "rules[0]"),
        ({"source": ""}, "rules[0].source"),
        ({"verified": None}, "rules[0].verified"),
        ({"extra": 1}, "rules[0].extra"),
    ],
)
def test_bad_rows_are_refused_naming_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(RequestInvalid) as caught:
        parse_rule_file(rule_file({**pool_row("a", "0.85", "2024-01-01", "2024-06-01"), **change}))
    assert field in [name for name, _ in caught.value.fields]


def test_negative_amounts_are_refused() -> None:
    row = {
        "id": "d1",
        "table": "deductible",
        "insutype": "310",
        "med_kind": "inpatient",
        "hosp_lv": "3",
        "per": "admission",
        "amount": "-1",
        "source": "测试",
        "valid_from": "2025-01-01",
        "verified": False,
    }
    with pytest.raises(RequestInvalid, match="不能为负数"):
        parse_rule_file(rule_file(row))
    assert parse_rule_file(rule_file({**row, "amount": "800"})).rules[0].amount == Money("800")  # type: ignore[union-attr]


def test_citation_marks_example_parameters() -> None:
    parsed = parse_rule_file(rule_file(pool_row("a", "0.85", "2024-01-01")))
    assert "示例参数，未经核实" in parsed.rules[0].citation()
