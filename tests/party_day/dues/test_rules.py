"""The 2008 dues rules as data: a flat rate on the whole base by band, retiree bands, fixed amounts."""

from __future__ import annotations

import pytest

from cityservices.party_day.dues.rules import banded_amount, load_rules, parse_rules, to_fen


@pytest.mark.parametrize(
    ("base", "due"),
    [
        ("0.00", "0.00"),
        ("2000.00", "10.00"),
        ("3000.00", "15.00"),  # 0.5 % of the whole base
        ("3000.01", "30.00"),  # 1 % of the whole base, not marginal
        ("5000.00", "50.00"),
        ("5000.01", "75.00"),
        ("10000.00", "150.00"),
        ("10000.01", "200.00"),
        ("12345.67", "246.91"),
        ("4321.50", "43.22"),  # 43.215 rounds half up
    ],
)
def test_wage_bands_apply_to_the_whole_base(base: str, due: str) -> None:
    assert banded_amount(load_rules().wage, to_fen(base)) == to_fen(due)


@pytest.mark.parametrize(("base", "due"), [("5000.00", "25.00"), ("5000.01", "50.00"), ("8000.00", "80.00")])
def test_retiree_bands(base: str, due: str) -> None:
    assert banded_amount(load_rules().retiree, to_fen(base)) == to_fen(due)


def test_the_rules_name_their_source_and_fixed_amounts() -> None:
    rules = load_rules()
    assert "2008" in rules.source
    assert rules.fixed["farmer"] == (20, 100)
    assert rules.fixed["student"] == (20, 20)
    assert rules.lapse_months == 6


def test_amounts_and_bands_are_checked() -> None:
    for bad in ("1.005", "abc", "NaN", "Infinity"):
        with pytest.raises(ValueError, match="not an amount"):
            to_fen(bad)
    raw = {"source": "s", "wage_bands": [{"up_to": "5000.00", "rate": "0.01"}, {"up_to": "3000.00", "rate": "0.005"},
           {"up_to": None, "rate": "0.02"}], "retiree_bands": [{"up_to": None, "rate": "0.01"}], "fixed": {},
           "lapse_months": 6, "large_voluntary": "1000.00", "payment_methods": ["现金"]}  # fmt: skip
    with pytest.raises(ValueError, match="bands"):
        parse_rules(raw)
