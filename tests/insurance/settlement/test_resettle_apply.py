"""Re-settlement differences applied: each differing settlement gets its own adjustment (补付 / 追回) linked to it,
the annual counters and the personal account move by the difference, every adjustment is audited, applying twice
changes nothing, a reversal afterwards restores everything, and the member's archive shows the adjustments. Figures
computed by hand; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.insurance.archive.service import read_own_archive
from cityservices.insurance.members import service as members
from cityservices.insurance.members.schemas import ContributionCreate
from cityservices.insurance.settlement import repository, service
from cityservices.insurance.settlement.models import InsuranceSettlementAdjustment
from cityservices.insurance.settlement.resettle import apply_differences, resettle_year
from cityservices.kit.audit import SYSTEM, Actor, AuditEntry
from cityservices.kit.money import Money
from tests.insurance.builders import certno, member
from tests.insurance.settlement.engine_data import bundled_book
from tests.insurance.settlement.test_cli import _cli
from tests.insurance.settlement.test_resettle import _raised_inpatient_ratio
from tests.insurance.settlement.test_service import request

DAY = dt.date(2026, 3, 10)
CLERK = Actor(id=None, name="医保经办")


def _settled_twice(session: Session) -> tuple[str, str, str]:
    """A member with ¥2,200 in the account and two level-3 stays of ¥1,700 each (¥1,000 甲, ¥400 乙 with 10 %
    pre-self-pay, ¥300 outside the catalogue): the fund pays (1360 − 800) × 85 % = 476 and (1360 − 400) × 85 % =
    816; the account pays the member's 1,224 and 884, leaving 2,200 − 1,224 − 884 = 92."""
    psn_no = member(session)
    members.record_contribution(
        session, ContributionCreate(psn_no=psn_no, insutype="310", month=DAY, base=Money("10000")), book=bundled_book()
    )  # ¥200 into the account
    members.move_account(session, psn_no, Money("2000"), kind="mutual_aid")
    first = service.settle(session, request(), request_id="req-0001", book=bundled_book(), actor=SYSTEM)
    second = service.settle(session, request(), request_id="req-0002", book=bundled_book(), actor=SYSTEM)
    assert (first.hifp_pay, first.acct_pay, first.psn_cash_pay) == ("476.00", "1224.00", "0.00")
    assert (second.hifp_pay, second.acct_pay, second.psn_cash_pay) == ("816.00", "884.00", "0.00")
    assert members.account_balance(session, psn_no) == Money("92")
    return psn_no, str(first.setl_id), str(second.setl_id)


def _adjustments(session: Session) -> list[InsuranceSettlementAdjustment]:
    query = select(InsuranceSettlementAdjustment).order_by(InsuranceSettlementAdjustment.id)
    return list(session.scalars(query))


def test_differences_paid_out_then_reclaimed_idempotently(session: Session) -> None:
    psn_no, first, second = _settled_twice(session)
    raised = resettle_year(session, 2026, book=_raised_inpatient_ratio(), actor=CLERK)
    assert [c.row.setl_id for c in raised.changes] == [first, second]
    paid = apply_differences(session, raised, actor=CLERK)
    # 95 %: (1360 − 800) × 95 % = 532 (+56), (1360 − 400) × 95 % = 912 (+96); the account paid the member's whole
    # share, so the smaller share (1,168 and 788) gives 56 and 96 back to the account: 92 + 152 = 244
    assert [
        (a.setl_id, a.kind, Money(a.fund_pay_diff), Money(a.acct_pay_diff), Money(a.cash_pay_diff)) for a in paid
    ] == [
        (first, "pay", Money("56"), Money("-56"), Money("0")),
        (second, "pay", Money("96"), Money("-96"), Money("0")),
    ]
    assert [Money(a.psn_part_diff) for a in paid] == [Money("-56"), Money("-96")]
    assert paid[0].delta["hifp_paid"] == "56.00"
    assert paid[0].result["hifp_pay"] == "532.00"
    assert members.read_counters(session, psn_no, 2026).hifp_paid == "1444.00"
    assert members.account_balance(session, psn_no) == Money("244")
    assert [(m.kind, Money(m.amount)) for m in members.account_movements(session, psn_no)][-2:] == [
        ("resettle", Money("56")),
        ("resettle", Money("96")),
    ]

    again = resettle_year(session, 2026, book=_raised_inpatient_ratio(), actor=CLERK)
    assert again.changes == []
    assert again.changed_members == []
    assert again.fund_before == again.fund_after == Money("1444")
    assert apply_differences(session, again, actor=CLERK) == []
    assert len(_adjustments(session)) == 2
    assert members.read_counters(session, psn_no, 2026).hifp_paid == "1444.00"
    assert members.account_balance(session, psn_no) == Money("244")

    back = resettle_year(session, 2026, book=bundled_book(), actor=CLERK)  # the rule change withdrawn
    reclaimed = apply_differences(session, back, actor=CLERK)
    assert [(a.kind, Money(a.fund_pay_diff), Money(a.acct_pay_diff)) for a in reclaimed] == [
        ("reclaim", Money("-56"), Money("56")),
        ("reclaim", Money("-96"), Money("96")),
    ]
    assert members.read_counters(session, psn_no, 2026).hifp_paid == "1292.00"
    assert members.account_balance(session, psn_no) == Money("92")
    assert service.count_settlements(session) == 2  # the settlements themselves are untouched
    assert [len(repository.adjustments_of(session, s)) for s in (first, second)] == [2, 2]

    audits = session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("insurance.settlement.%")).order_by(AuditEntry.id)
    ).all()
    adjusted = [(e.target_key, e.actor_name) for e in audits if e.action == "insurance.settlement.adjust"]
    assert adjusted == [(first, "医保经办"), (second, "医保经办")] * 2
    applied = [e.detail for e in audits if e.action == "insurance.settlement.resettle.apply"]
    assert [(d["adjustments"], d["paid"], d["reclaimed"]) for d in applied] == [
        (2, "152.00", "0.00"),
        (0, "0.00", "0.00"),
        (2, "0.00", "152.00"),
    ]


def test_a_reclaim_the_account_cannot_cover_is_cash_and_a_reversal_restores_all(session: Session) -> None:
    psn_no = member(session)
    members.record_contribution(
        session, ContributionCreate(psn_no=psn_no, insutype="310", month=DAY, base=Money("10000")), book=bundled_book()
    )  # ¥200 into the account, all of it used by the first stay
    raised = _raised_inpatient_ratio()
    first = service.settle(session, request(), request_id="req-0001", book=raised, actor=SYSTEM)
    assert (first.hifp_pay, first.acct_pay, first.psn_cash_pay) == ("532.00", "200.00", "968.00")
    (reclaim,) = apply_differences(session, resettle_year(session, 2026, book=bundled_book(), actor=CLERK), actor=CLERK)
    # 85 %: 476, 56 less from the fund; the account (empty now) already paid all it had, so the member owes cash
    assert (reclaim.kind, Money(reclaim.fund_pay_diff), Money(reclaim.acct_pay_diff), Money(reclaim.cash_pay_diff)) == (
        "reclaim",
        Money("-56"),
        Money("0"),
        Money("56"),
    )
    assert members.read_counters(session, psn_no, 2026).hifp_paid == "476.00"

    archive = read_own_archive(
        session, certno=certno(1), year=2026, book=bundled_book(), today=dt.date(2026, 12, 7), actor=SYSTEM
    )
    (shown,) = archive.settlements
    (adjustment,) = shown.adjustments
    assert (adjustment.kind_label, adjustment.fund_pay_diff, adjustment.cash_pay_diff) == ("追回", "-56.00", "56.00")
    assert adjustment.text == "按调整后的政策重新结算，医保应少支付 ¥56.00，需由您补缴现金 ¥56.00。"

    service.reverse(session, str(first.setl_id), request_id="rev-0001", actor=SYSTEM)
    counters = members.read_counters(session, psn_no, 2026)
    assert (counters.hifp_paid, counters.admissions) == ("0.00", 0)
    assert members.account_balance(session, psn_no) == Money("200")
    assert resettle_year(session, 2026, book=bundled_book(), actor=CLERK).changes == []


def test_the_command_asks_and_applies(fresh_db_url: str) -> None:
    assert _cli(fresh_db_url, "rules", "load").returncode == 0
    refused = _cli(fresh_db_url, "settlement", "resettle", "--year", "2026", "--apply", "--json")
    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    applied = _cli(fresh_db_url, "settlement", "resettle", "--year", "2026", "--apply", "--yes", "--json")
    assert applied.returncode == 0, applied.stderr
    body = json.loads(applied.stdout)
    assert (body["changed_settlements"], body["applied"]["adjustments"]) == (0, 0)


def test_the_daily_reconciliation_lists_the_adjustments_of_the_day(session: Session) -> None:
    """Adjustments are dated when they are applied (Beijing day), per institution of the settlement and kind."""
    _settled_twice(session)
    apply_differences(session, resettle_year(session, 2026, book=_raised_inpatient_ratio(), actor=CLERK), actor=CLERK)
    applied_on = max(a.created_at for a in _adjustments(session))
    if applied_on.tzinfo is None:  # SQLite gives the stored UTC wall clock back without its zone
        applied_on = applied_on.replace(tzinfo=dt.UTC)
    today = applied_on.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    totals = service.reconcile(session, today).adjustments
    assert [(t.fixmedins_code, t.kind, t.kind_zh, t.count) for t in totals] == [("H001", "pay", "补付", 2)]
    assert (totals[0].fund_pay_diff, totals[0].acct_pay_diff, totals[0].cash_pay_diff) == ("152.00", "-152.00", "0.00")
    assert service.reconcile(session, today - dt.timedelta(days=1)).adjustments == []
    assert service.reconcile(session, today + dt.timedelta(days=1)).adjustments == []
    # the stays' own day still balances: its totals are the settlements as made
    assert service.reconcile(session, DAY).institutions[0].count == 2
