"""Rule books and claim builders shared by the settlement tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache

from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.schemas import AnnualCapRule
from cityservices.insurance.rules.service import BUNDLED_RULES, read_rule_file
from cityservices.insurance.settlement.claims import Claim, ClaimLine
from cityservices.insurance.vocabulary import ChrgitmLv, HospLevel
from cityservices.kit.money import Money, Ratio

DAY = dt.date(2026, 3, 10)


@cache
def bundled_book() -> RuleBook:
    parsed = read_rule_file(BUNDLED_RULES)
    return RuleBook.of(parsed.rules, version=parsed.version)


@cache
def small_caps_book() -> RuleBook:
    """The bundled rules with small annual caps, so that short sequences of claims reach them."""
    parsed = read_rule_file(BUNDLED_RULES)
    caps = {"310100": "5000", "330100": "8000", "390100": "3000", "390200": "4000", "320100": "600", "610100": "700"}
    rows = [
        row.model_copy(update={"amount": Money(caps[row.fund_pay_type])}) if isinstance(row, AnnualCapRule) else row
        for row in parsed.rules
    ]
    return RuleBook.of(rows, version="small-caps")


def line(
    code: str,
    lv: ChrgitmLv,
    price: str,
    qty: str = "1",
    *,
    limit: str | None = None,
    selfpay: str | None = None,
) -> ClaimLine:
    return ClaimLine(
        code=code,
        name=f"项目{code}",
        chrgitm_lv=lv,
        unit_price=Money(price),
        quantity=Decimal(qty),
        price_limit=Money(limit) if limit is not None else None,
        selfpay_prop=Ratio(selfpay) if selfpay is not None else None,
    )


def claim(*lines: ClaimLine, med_type: str = "21", hosp_lv: HospLevel = "3", **extra: object) -> Claim:
    return Claim(setl_date=DAY, med_type=med_type, hosp_lv=hosp_lv, lines=tuple(lines), **extra)  # type: ignore[arg-type]
