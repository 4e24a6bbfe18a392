"""Properties of the settlement engine over generated claims, members and sequences of settlements and reversals:
the parts add up to the cent, nothing is negative, annual caps and the deductible are never exceeded, and a
settlement followed by its reversal changes nothing."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cityservices.insurance.rules.schemas import AnnualCapRule, MaternityFeeRule
from cityservices.insurance.settlement.claims import Claim, ClaimLine, Counters, MemberFacts, Settlement
from cityservices.insurance.settlement.engine import FUNDS, MATERNITY_MED_TYPES, reverse_counters, settle_claim
from cityservices.kit.money import Money, Ratio, money_min
from tests.insurance.settlement.engine_data import DAY, small_caps_book

BOOK = small_caps_book()
YEAR_DEDUCTIBLE = {"310": Money("800"), "390": Money("200")}  # ded-*-out-l* in the bundled rules
ADMISSION_DEDUCTIBLE_MAX = Money("1000")


def cap(fund: str) -> Money:
    return BOOK.get(AnnualCapRule, (fund,), DAY).amount


money = st.integers(min_value=0, max_value=2_000_000).map(lambda c: Money(Decimal(c) / 100))
lines = st.builds(
    ClaimLine,
    code=st.sampled_from(["X1", "X2", "C3"]),
    name=st.just("项目"),
    chrgitm_lv=st.sampled_from(["01", "02", "03"]),
    unit_price=money,
    quantity=st.sampled_from([Decimal(1), Decimal(2), Decimal("0.5"), Decimal("3.333")]),
    price_limit=st.none() | money,
    selfpay_prop=st.none() | st.integers(0, 10_000).map(lambda r: Ratio(Decimal(r) / 10_000)),
)
claims = st.builds(
    Claim,
    setl_date=st.just(DAY),
    med_type=st.sampled_from(["11", "13", "14", "21", "24", "51", "52", "53"]),
    hosp_lv=st.sampled_from(["1", "2", "3"]),
    lines=st.lists(lines, min_size=1, max_size=30).map(tuple),
    use_account=st.booleans(),
    elsewhere=st.sampled_from([None, "referral", "emergency", "temporary"]),
)
members = st.one_of(
    st.builds(
        MemberFacts,
        psn_no=st.just("P"),
        psn_type=st.sampled_from(["1101", "1102", "1103", "1201", "1202", "1300"]),
        insutype=st.just("310"),
        account_balance=money,
        civil_servant=st.booleans(),
        assistance=st.booleans(),
    ),
    st.builds(
        MemberFacts,
        psn_no=st.just("P"),
        psn_type=st.sampled_from(["1401", "1404", "1501"]),
        insutype=st.just("390"),
        assistance=st.booleans(),
    ),
)


def check_parts(result: Settlement) -> None:
    assert all(not amount.is_negative for amount in result.money_fields().values()), result.money_fields()
    assert result.medfee_sumamt == (
        result.fulamt_ownpay_amt + result.overlmt_selfpay + result.preselfpay_amt + result.inscp_scp_amt
    )
    assert result.fund_pay_sumamt == (
        result.hifp_pay + result.hifob_pay + result.hifmi_pay + result.cvlserv_pay + result.maf_pay
    )
    assert result.medfee_sumamt == result.fund_pay_sumamt + result.psn_part_amt
    assert result.psn_part_amt == result.acct_pay + result.psn_cash_pay
    assert result.act_pay_dedc <= result.inscp_scp_amt
    assert result.act_pay_dedc <= ADMISSION_DEDUCTIBLE_MAX
    assert result.hifp_pay <= result.inscp_scp_amt - result.act_pay_dedc
    assert sum(d.fund_payamt.amount for d in result.setldetail) == result.fund_pay_sumamt.amount
    for detail in result.setldetail:
        assert detail.fund_payamt <= detail.crt_payb_lmt_amt
    for line in result.lines:
        assert line.det_item_fee_sumamt == (
            line.fulamt_ownpay_amt + line.overlmt_selfpay + line.preselfpay_amt + line.inscp_scp_amt
        )
        assert not line.inscp_scp_amt.is_negative


def check_counters(counters: Counters, member: MemberFacts) -> None:
    pool, layer = FUNDS[member.insutype]
    assert counters.hifp_paid <= cap(pool)
    assert counters.layer_paid <= cap(layer)
    assert counters.cvlserv_paid <= cap("320100")
    assert counters.maf_paid <= cap("610100")
    assert counters.dedc_year_outpatient <= YEAR_DEDUCTIBLE[member.insutype]
    assert counters.admissions >= 0
    assert all(not getattr(counters, name).is_negative for name in ("hifp_paid", "layer_paid", "maf_paid"))


@settings(max_examples=150, deadline=None)
@given(claims, members)
def test_every_settlement_adds_up(claim: Claim, member: MemberFacts) -> None:
    check_parts(settle_claim(claim, member, Counters(year=2026), BOOK))


@settings(max_examples=60, deadline=None)
@given(members, st.lists(st.tuples(claims, st.booleans(), st.integers(0, 100)), min_size=1, max_size=12))
def test_sequences_of_settlements_and_reversals(member: MemberFacts, steps: list[tuple[Claim, bool, int]]) -> None:
    start = Counters(year=2026)
    counters, balance = start, member.account_balance
    open_settlements: list[Settlement] = []
    for claim, reverse_one, pick in steps:
        if reverse_one and open_settlements:
            taken = open_settlements.pop(pick % len(open_settlements))
            counters = reverse_counters(counters, taken)
            balance = balance + taken.acct_pay
        else:
            result = settle_claim(claim, replace(member, account_balance=balance), counters, BOOK)
            check_parts(result)
            before = counters
            counters = counters.apply(result.delta)
            assert reverse_counters(counters, result) == before  # settle + reverse = no change
            assert result.balc == balance - result.acct_pay
            balance = result.balc
            open_settlements.append(result)
        check_counters(counters, member)
        assert not balance.is_negative
    for taken in open_settlements:
        counters = reverse_counters(counters, taken)
        balance = balance + taken.acct_pay
    assert counters == start
    assert balance == member.account_balance


@settings(max_examples=150, deadline=None)
@given(claims.filter(lambda c: c.med_type in MATERNITY_MED_TYPES), members, st.integers(0, 5), money)
def test_maternity_stays_within_the_case_limit_and_leaves_the_counters(
    claim: Claim, member: MemberFacts, admissions: int, paid: Money
) -> None:
    counters = Counters(year=2026, admissions=admissions, hifp_paid=money_min(paid, cap(FUNDS[member.insutype][0])))
    result = settle_claim(claim, member, counters, BOOK)
    check_parts(result)
    rule = BOOK.get(MaternityFeeRule, (member.insutype, claim.med_type, claim.hosp_lv), DAY)
    assert result.fund_pay_sumamt <= rule.case_cap
    assert result.act_pay_dedc <= rule.deductible
    assert [d.fund_pay_type for d in result.setldetail] == [rule.fund_pay_type]
    assert counters.apply(result.delta) == counters
