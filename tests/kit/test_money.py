"""Money and Ratio: exact decimals, rounding, and a ratio that can never be summed as money."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cityservices.kit.money import Money, Ratio, money_max, money_min

cents = st.integers(min_value=-(10**9), max_value=10**9).map(lambda c: Money(Decimal(c) / 100))
ratios = st.integers(min_value=0, max_value=10_000).map(lambda r: Ratio(Decimal(r) / 10_000))


def test_money_is_two_decimals_rounded_half_up() -> None:
    assert Money("1.005").amount == Decimal("1.01")
    assert Money("1.004").amount == Decimal("1.00")
    assert Money(3).amount == Decimal("3.00")
    assert Money("-0.005").amount == Decimal("-0.01")


def test_ratio_is_four_decimals_between_zero_and_one() -> None:
    assert Ratio("0.85").value == Decimal("0.8500")
    assert Ratio("0.12345").value == Decimal("0.1235")
    with pytest.raises(ValueError, match="between 0 and 1"):
        Ratio("1.2")
    with pytest.raises(ValueError, match="between 0 and 1"):
        Ratio("-0.1")


@pytest.mark.parametrize("bad", [0.1, True, None, [1]])
def test_floats_and_other_types_are_refused(bad: object) -> None:
    with pytest.raises(TypeError):
        Money(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Ratio(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["abc", "", "NaN", "Infinity"])
def test_non_numbers_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="number"):
        Money(bad)


def test_a_ratio_cannot_be_added_to_money_at_run_time() -> None:
    with pytest.raises(TypeError, match="Money can only be added to Money"):
        Money("10") + Ratio("0.5")  # type: ignore[operator]
    with pytest.raises(TypeError):
        Ratio("0.5") + Money("10")  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money("10") - Ratio("0.5")  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money.sum([Money("1"), Ratio("0.5")])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        sum([Money("1"), Money("2")])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        Money("1") + Decimal("1")  # type: ignore[operator]
    with pytest.raises(TypeError):
        assert Money("1") < Ratio("0.5")  # type: ignore[operator]


def test_money_times_ratio_is_money_rounded_to_the_cent() -> None:
    assert Money("100.01") * Ratio("0.85") == Money("85.01")  # 85.0085 → 85.01
    assert Ratio("0.85") * Money("100.01") == Money("85.01")
    assert Money("10") * 3 == Money("30")
    assert Money("85.00").divide_by(Ratio("0.85")) == Money("100")
    with pytest.raises(ZeroDivisionError):
        Money("1").divide_by(Ratio(0))


def test_ratio_arithmetic_stays_a_ratio() -> None:
    assert Ratio("0.85").complement() == Ratio("0.15")
    assert Ratio("0.85").reduced_by_points(Ratio("0.10")) == Ratio("0.75")
    assert Ratio("0.05").reduced_by_points(Ratio("0.10")) == Ratio(0)
    assert Ratio("0.9").scaled(Ratio("0.8")) == Ratio("0.72")
    assert Ratio("0.075").percent() == "7.5%"
    assert Ratio("0.85").percent() == "85%"


def test_display_and_equality() -> None:
    assert Money("1234.5").yuan() == "¥1,234.50"
    assert Money("-3").yuan() == "-¥3.00"
    assert Money("1") != Ratio("1")
    assert money_min(Money("2"), Money("1")) == Money("1")
    assert money_max(Money("2"), Money("1")) == Money("2")
    assert not Money(0)
    with pytest.raises(AttributeError):
        Money("1").amount = Decimal(2)


@given(st.lists(cents, max_size=30))
def test_sums_are_exact(amounts: list[Money]) -> None:
    assert Money.sum(amounts).amount == sum((m.amount for m in amounts), Decimal(0))


@given(cents, ratios)
def test_a_split_by_ratio_and_its_complement_adds_up_within_a_cent(amount: Money, ratio: Ratio) -> None:
    part = amount * ratio
    rest = amount - part
    assert part + rest == amount
    assert abs((rest - amount * ratio.complement()).amount) <= Decimal("0.01")


def test_mypy_refuses_a_ratio_summed_as_money(tmp_path: Path) -> None:
    from mypy import api

    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        textwrap.dedent(
            """
            from money import Money, Ratio
            total: Money = Money("1") + Ratio("0.5")
            """
        ),
        encoding="utf-8",
    )
    module = tmp_path / "money.py"
    source = Path(__file__).resolve().parents[2] / "src/cityservices/kit/money.py"
    module.write_text(source.read_text("utf-8"), "utf-8")
    out, err, status = api.run(
        [str(snippet), str(module), "--strict", "--no-incremental", "--cache-dir=/dev/null", "--config-file="]
    )
    assert status == 1, out + err
    assert 'Unsupported operand types for + ("Money" and "Ratio")' in out
