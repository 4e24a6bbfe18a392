"""The 乙类 pre-self-pay ratio in catalogue answers comes from the rule rows for the asking member's type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cityservices.insurance.catalogue.service import EXAMPLE_LABEL, example_preselfpay, rules_preselfpay
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.schemas import PreSelfPayRule
from cityservices.insurance.rules.service import BUNDLED_RULES, read_rule_file

DAY = dt.date(2026, 6, 1)


def bundled_book() -> RuleBook:
    return RuleBook.of(read_rule_file(BUNDLED_RULES).rules)


def test_each_member_type_gets_its_schemes_ratio() -> None:
    rows = {r.insutype: r for r in bundled_book().all_rows() if isinstance(r, PreSelfPayRule)}
    lookup = rules_preselfpay(bundled_book(), DAY)
    employee, retiree, resident = lookup("1101"), lookup("1201"), lookup("1501")
    assert employee.ratio == retiree.ratio == rows["310"].ratio.value
    assert resident.ratio == rows["390"].ratio.value
    assert employee.ratio != resident.ratio
    assert "职工医保" in employee.label
    assert "城乡居民医保" in resident.label
    assert lookup(None).ratio == employee.ratio  # no type given: the employees' row


def test_an_unverified_row_is_labelled_an_example_and_no_row_falls_back() -> None:
    lookup = rules_preselfpay(bundled_book(), DAY)
    found = lookup("1501")
    assert not found.verified
    assert EXAMPLE_LABEL in found.label
    empty = rules_preselfpay(RuleBook.of([]), DAY)
    assert empty("1501") == example_preselfpay("1501")
    assert empty("1501").ratio == Decimal("0.1000")
