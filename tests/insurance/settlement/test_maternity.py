"""Maternity settlements (生育门诊 51, 生育住院 52, 计划生育手术 53) worked by hand from the bundled example rules."""

from __future__ import annotations

import pytest

from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.schemas import MaternityFeeRule
from cityservices.insurance.settlement.claims import ClaimInvalid, Counters, MemberFacts
from cityservices.insurance.settlement.engine import reverse_counters, settle_claim, settled_insutype
from cityservices.kit.money import Money, Ratio
from tests.insurance.settlement.engine_data import DAY, bundled_book, claim, line

WORKER = MemberFacts(psn_no="P2", psn_type="1101", insutype="310", account_balance=Money("100"))
RESIDENT = MemberFacts(psn_no="P3", psn_type="1501", insutype="390")
YEAR = Counters(year=2026, admissions=2, hifp_paid=Money("1234.56"))


def test_an_employees_delivery_stay_is_paid_by_the_maternity_fund() -> None:
    result = settle_claim(
        claim(line("A", "01", "3000"), line("B", "02", "1000"), line("D", "03", "200"), med_type="52"),
        WORKER,
        YEAR,
        bundled_book(),
    )
    assert result.medfee_sumamt == Money("4200")
    assert result.fulamt_ownpay_amt == Money("200")
    assert result.preselfpay_amt == Money("100")  # preself-310-b: 10 % of 1000
    assert result.inscp_scp_amt == Money("3900")
    assert result.act_pay_dedc == Money("0")
    assert result.pool_prop_selfpay == Ratio("1")  # mat-310-inp-l3
    assert result.hifp_pay == result.fund_pay_sumamt == Money("3900")  # 3900 × 100 %, under the 4,500 limit
    assert result.psn_part_amt == Money("300")
    assert (result.acct_pay, result.psn_cash_pay, result.balc) == (Money("100"), Money("200"), Money("0"))
    assert [(d.fund_pay_type, d.fund_payamt) for d in result.setldetail] == [("510100", Money("3900"))]
    assert result.delta == Counters(year=2026)  # the basic insurance's counters are untouched
    assert reverse_counters(YEAR.apply(result.delta), result) == YEAR
    assert "mat-310-inp-l3" in result.rule_ids
    text = "\n".join(step.text for step in result.trace)
    assert "生育住院，三级医院" in text
    assert "生育基金：(¥3,900.00 − 起付线 ¥0.00) × 100% = ¥3,900.00，支付 ¥3,900.00" in text
    assert "（规则 mat-310-inp-l3：示例参数，未经核实）" in text
    assert settled_insutype("52", "310") == "510"


def test_the_per_case_limit() -> None:
    result = settle_claim(claim(line("A", "01", "6000"), med_type="52"), WORKER, YEAR, bundled_book())
    assert result.hifp_pay == Money("4500")  # 6000 × 100 % capped at mat-310-inp-l3's 4,500
    assert result.psn_part_amt == Money("1500")
    assert "超过每次最高支付 ¥4,500.00" in result.trace[-2].text


def test_a_residents_delivery_stay_has_a_deductible_and_the_resident_fund_pays() -> None:
    result = settle_claim(
        claim(line("A", "01", "2400"), line("D", "03", "100"), med_type="52", hosp_lv="2"),
        RESIDENT,
        YEAR,
        bundled_book(),
    )
    assert result.act_pay_dedc == Money("400")  # mat-390-inp-l2
    assert result.hifp_pay == Money("1400")  # (2400 − 400) × 70 %
    assert result.psn_part_amt == result.psn_cash_pay == Money("1100")
    assert [d.fund_pay_type for d in result.setldetail] == ["390100"]
    assert settled_insutype("52", "390") == "390"


@pytest.mark.parametrize(
    ("med_type", "hosp_lv", "member", "amount", "paid"),
    [
        ("51", "1", RESIDENT, "800", "300"),  # 800 × 50 % = 400, limit 300
        ("51", "3", WORKER, "900", "900"),  # 100 %, limit 1,200
        ("53", "2", WORKER, "2000", "1500"),  # 100 %, limit 1,500
        ("53", "1", RESIDENT, "1000", "700"),  # 70 %, limit 800
    ],
)
def test_prenatal_visits_and_family_planning(
    med_type: str, hosp_lv: str, member: MemberFacts, amount: str, paid: str
) -> None:
    result = settle_claim(
        claim(line("A", "01", amount), med_type=med_type, hosp_lv=hosp_lv),  # type: ignore[arg-type]
        member,
        YEAR,
        bundled_book(),
    )
    assert result.fund_pay_sumamt == Money(paid)
    assert result.medfee_sumamt == result.fund_pay_sumamt + result.psn_part_amt


def test_without_a_maternity_rule_the_claim_is_refused() -> None:
    rows = [row for row in bundled_book().all_rows() if not isinstance(row, MaternityFeeRule)]
    with pytest.raises(ClaimInvalid) as caught:
        settle_claim(claim(line("A", "01", "10"), med_type="52"), WORKER, YEAR, RuleBook.of(rows))
    assert caught.value.field == "rules"
    assert "生育医疗费用支付标准" in caught.value.message


def test_a_maternity_row_must_name_its_fund() -> None:
    good = next(row for row in bundled_book().all_rows() if isinstance(row, MaternityFeeRule))
    data = good.model_dump(mode="json") | {"fund_pay_type": "390100" if good.insutype == "310" else "510100"}
    with pytest.raises(ValueError, match="生育医疗费用"):
        MaternityFeeRule.model_validate(data)
    assert DAY.year == 2026
