"""The Party dues rules of 2008 as data (``data/rules_2008.json``, with the source), and the amount due.

Amounts are whole fen (分) everywhere: a band's rate applies to the whole base (not marginally) and the result
is rounded half up to the fen. Wages and pensions: by band; farmers, students, the unemployed and 低保
recipients: a fixed amount; hardship: a reduced amount (possibly nothing) approved by the committee above.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "rules_2008.json"
BANDED = ("wage", "retiree")
CATEGORIES = {
    "wage": "在职（按税后工资）",
    "retiree": "离退休（按离退休费）",
    "farmer": "农民党员",
    "student": "学生党员",
    "unemployed": "下岗失业党员",
    "low_income": "领取最低生活保障金的党员",
    "hardship": "生活困难（经上级党委批准少交或免交）",
}
MAX_BASE_FEN = 100_000_000  # ¥1,000,000 a month: anything above is an input error


@dataclass(frozen=True)
class Band:
    up_to_fen: int | None  # inclusive; None: no upper bound
    rate: Decimal


@dataclass(frozen=True)
class DuesRules:
    source: str
    wage: tuple[Band, ...]
    retiree: tuple[Band, ...]
    fixed: dict[str, tuple[int, int]]  # category → (min, max) fen
    lapse_months: int
    large_voluntary_fen: int
    payment_methods: tuple[str, ...]


def to_fen(text: str) -> int:
    """``"3000.01"`` → 300001; more than two decimals or a non-number is a ValueError."""
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValueError(f"not an amount in fen: {text!r}")
    return int(value * 100)


def _bands(raw: list[dict[str, Any]]) -> tuple[Band, ...]:
    bands = tuple(Band(to_fen(b["up_to"]) if b["up_to"] is not None else None, Decimal(b["rate"])) for b in raw)
    bounded = [b.up_to_fen for b in bands[:-1] if b.up_to_fen is not None]
    if bands[-1].up_to_fen is not None or len(bounded) != len(bands) - 1 or bounded != sorted(set(bounded)):
        raise ValueError("bands must rise and end unbounded")
    return bands


def parse_rules(raw: dict[str, Any]) -> DuesRules:
    fixed = {name: (to_fen(v["min"]), to_fen(v["max"])) for name, v in raw["fixed"].items()}
    return DuesRules(
        source=raw["source"],
        wage=_bands(raw["wage_bands"]),
        retiree=_bands(raw["retiree_bands"]),
        fixed=fixed,
        lapse_months=int(raw["lapse_months"]),
        large_voluntary_fen=to_fen(raw["large_voluntary"]),
        payment_methods=tuple(raw["payment_methods"]),
    )


@lru_cache(maxsize=1)
def load_rules() -> DuesRules:
    return parse_rules(json.loads(DATA.read_text(encoding="utf-8")))


def banded_amount(bands: tuple[Band, ...], base_fen: int) -> int:
    """The monthly dues on ``base_fen``: the band's rate times the whole base, rounded half up to the fen."""
    for band in bands:
        if band.up_to_fen is None or base_fen <= band.up_to_fen:
            amount = (Decimal(base_fen) * band.rate).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            return int(amount)
    raise AssertionError("the last band is unbounded")
