"""Worked settlements with figures computed by hand from the bundled (example) rules, and bad input."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from cityservices.insurance.settlement.claims import ClaimInvalid, Counters, MemberFacts
from cityservices.insurance.settlement.engine import reverse_counters, settle_claim
from cityservices.kit.money import Money, Ratio
from tests.insurance.settlement.engine_data import DAY, bundled_book, claim, line

RETIRED = MemberFacts(psn_no="P1", psn_type="1201", insutype="310", account_balance=Money("500"))
WORKER = MemberFacts(psn_no="P2", psn_type="1101", insutype="310")
YEAR = Counters(year=2026)


def test_a_retired_employees_first_stay_at_a_level_3_hospital() -> None:
    result = settle_claim(
        claim(
            line("A", "01", "1000"),
            line("B", "02", "200", "2"),
            line("C", "02", "550", limit="500"),
            line("D", "03", "300"),
        ),
        RETIRED,
        YEAR,
        bundled_book(),
    )
    assert result.medfee_sumamt == Money("2250")
    assert result.fulamt_ownpay_amt == Money("300")
    assert result.overlmt_selfpay == Money("50")
    assert result.preselfpay_amt == Money("90")  # 10 % of 400 and of 500
    assert result.inscp_scp_amt == Money("1810")
    assert result.act_pay_dedc == Money("800")  # ded-310-inp-l3-n1
    assert result.pool_prop_selfpay == Ratio("0.90")  # pool-310-inp-ret-l3
    assert result.hifp_pay == Money("909")  # (1810 − 800) × 90 %
    assert result.fund_pay_sumamt == Money("909")
    assert result.psn_part_amt == Money("1341")
    assert (result.acct_pay, result.psn_cash_pay, result.balc) == (Money("500"), Money("841"), Money("0"))
    assert result.delta == Counters(year=2026, admissions=1, hifp_paid=Money("909"))
    assert {"ded-310-inp-l3-n1", "pool-310-inp-ret-l3", "preself-310-b", "cap-310100"} <= set(result.rule_ids)
    assert result.example_parameters
    text = "\n".join(step.text for step in result.trace)
    assert "起付线：三级医院本年度第1次住院起付标准 ¥800.00" in text
    assert "（规则 ded-310-inp-l3-n1：示例参数，未经核实）" in text
    assert "第3项 项目C（C，乙类）¥550.00：单价超出限价 ¥500.00，超出部分 ¥50.00 自费" in text
    assert [d.fund_pay_type for d in result.setldetail] == ["310100"]


def test_the_cap_then_the_large_amount_layer() -> None:
    counters = Counters(year=2026, hifp_paid=Money("299900"))
    result = settle_claim(claim(line("A", "01", "100000")), WORKER, counters, bundled_book())
    assert result.hifp_pay == Money("100")  # cap-310100 300,000 less 299,900
    # 100 / 85 % = 117.65 covered; (99,200 − 117.65) × 90 % = 89,174.115 → 89,174.12
    assert result.hifob_pay == Money("89174.12")
    assert result.hifmi_pay == Money("0")
    assert result.psn_part_amt == Money("10725.88")
    assert [d.fund_pay_type for d in result.setldetail] == ["310100", "330100"]
    assert result.setldetail[0].crt_payb_lmt_amt == Money("100")
    assert any("达到年度最高支付限额" in step.text for step in result.trace)


def test_a_later_admission_has_the_lower_deductible() -> None:
    result = settle_claim(claim(line("A", "01", "1000")), WORKER, Counters(year=2026, admissions=2), bundled_book())
    assert result.act_pay_dedc == Money("400")  # ded-310-inp-l3-n2 applies from the 2nd admission on
    assert "ded-310-inp-l3-n2" in result.rule_ids


def test_the_outpatient_deductible_is_annual() -> None:
    counters = Counters(year=2026, dedc_year_outpatient=Money("700"))
    result = settle_claim(claim(line("A", "01", "300"), med_type="11", hosp_lv="1"), WORKER, counters, bundled_book())
    assert result.act_pay_dedc == Money("100")
    assert result.hifp_pay == Money("120")  # (300 − 100) × 60 %
    assert result.delta.dedc_year_outpatient == Money("100")
    assert result.delta.admissions == 0


def test_civil_servant_subsidy_and_medical_assistance() -> None:
    member = MemberFacts(psn_no="P3", psn_type="1102", insutype="310", civil_servant=True, assistance=True)
    result = settle_claim(claim(line("A", "01", "2000")), member, YEAR, bundled_book())
    assert result.hifp_pay == Money("1020")  # (2000 − 800) × 85 %
    assert result.cvlserv_pay == Money("294")  # (2000 − 1020) × 30 %
    assert result.maf_pay == Money("480.20")  # (980 − 294) × 70 %
    assert result.psn_part_amt == Money("205.80")
    assert [d.fund_pay_type for d in result.setldetail] == ["310100", "320100", "610100"]


def test_treatment_elsewhere_lowers_the_ratio_within_the_national_cap() -> None:
    result = settle_claim(claim(line("A", "01", "1800"), elsewhere="temporary"), WORKER, YEAR, bundled_book())
    assert result.pool_prop_selfpay == Ratio("0.75")  # 85 % less 10 points (national cap 20)
    assert result.hifp_pay == Money("750")
    assert {"elsewhere-local-temporary", "elsewhere-cap-temporary"} <= set(result.rule_ids)


def test_a_resident_uses_the_resident_funds_and_no_account() -> None:
    resident = MemberFacts(psn_no="P4", psn_type="1501", insutype="390", account_balance=Money("100"))
    result = settle_claim(claim(line("A", "02", "3000"), hosp_lv="2"), resident, YEAR, bundled_book())
    assert result.preselfpay_amt == Money("450")  # preself-390-b 15 %
    assert result.act_pay_dedc == Money("600")
    assert result.hifp_pay == Money("1365")  # (2550 − 600) × 70 %
    assert result.acct_pay == Money("0")
    assert result.setldetail[0].fund_pay_type == "390100"


def test_an_items_own_preselfpay_ratio_wins() -> None:
    result = settle_claim(claim(line("A", "02", "1000", selfpay="0.2")), WORKER, YEAR, bundled_book())
    assert result.preselfpay_amt == Money("200")


def test_settle_then_reverse_restores_the_counters() -> None:
    start = Counters(year=2026, admissions=1, hifp_paid=Money("1000"))
    result = settle_claim(claim(line("A", "01", "5000")), WORKER, start, bundled_book())
    after = start.apply(result.delta)
    assert after.admissions == 2
    assert reverse_counters(after, result) == start


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"med_type": "99"}, "med_type"),
        ({"lines": ()}, "lines"),
        ({"setl_date": dt.date(2027, 1, 5)}, "counters.year"),
        ({"setl_date": dt.date(2024, 1, 5)}, "rules"),
    ],
)
def test_bad_claims_name_the_field(change: dict[str, object], field: str) -> None:
    bad = replace(claim(line("A", "01", "10")), **change)  # type: ignore[arg-type]
    counters = Counters(year=bad.setl_date.year if field == "rules" else DAY.year)
    with pytest.raises(ClaimInvalid) as caught:
        settle_claim(bad, WORKER, counters, bundled_book())
    assert caught.value.field == field


def test_bad_lines_and_members_name_the_field() -> None:
    with pytest.raises(ClaimInvalid) as caught:
        settle_claim(claim(line("A", "01", "10", "0")), WORKER, YEAR, bundled_book())
    assert caught.value.field == "lines[0].quantity"
    with pytest.raises(ClaimInvalid) as caught:
        settle_claim(claim(line("A", "01", "-10")), WORKER, YEAR, bundled_book())
    assert caught.value.field == "lines[0].unit_price"
    with pytest.raises(ClaimInvalid) as caught:
        settle_claim(claim(line("A", "01", "10")), replace(WORKER, insutype="510"), YEAR, bundled_book())
    assert caught.value.field == "insutype"
