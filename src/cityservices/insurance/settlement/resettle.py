"""Settling a whole year again after a rule change (重新结算): every settlement still in force, from its stored
claim lines and header, per member in the order it was settled, with the member's counters rebuilt from zero and
the account balance the member had before each settlement. Nothing is written but an audit entry: the answer is
the difference, per member, between what was paid and what the current rules would pay. A settlement is compared
as it now stands: its row plus the adjustments already applied to it.

``apply_differences`` then records each differing settlement's adjustment (补付 when the fund owes the member, 追回
when the member owes the fund) as its own row linked to the settlement, moves the member's annual counters by the
difference of the counter deltas and the personal account by the difference of the account share, with an audit
entry each. Applying again finds nothing left to adjust. Never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy.orm import Session

from cityservices.errors import AppError
from cityservices.insurance.members import service as members
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.settlement import repository
from cityservices.insurance.settlement.claims import Claim, ClaimInvalid, ClaimLine, Counters, MemberFacts, Settlement
from cityservices.insurance.settlement.engine import settle_claim
from cityservices.insurance.settlement.models import (
    InsuranceSettlement,
    InsuranceSettlementAdjustment,
    InsuranceSettlementLine,
)
from cityservices.insurance.settlement.schemas import settlement_read
from cityservices.insurance.settlement.service import delta_json, delta_of
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.money import Money, Ratio, money_min

ZERO = Money(0)


@dataclass
class MemberDifference:
    """One member's year: what the funds and the member paid, as settled and under the current rules."""

    psn_no: str
    settlements: int = 0
    changed: int = 0
    fund_before: Money = ZERO
    fund_after: Money = ZERO
    psn_before: Money = ZERO
    psn_after: Money = ZERO
    errors: list[str] = field(default_factory=list)

    @property
    def fund_difference(self) -> Money:
        return self.fund_after - self.fund_before


@dataclass(frozen=True)
class Standing:
    """A settlement as it now stands: its row plus the adjustments applied to it."""

    fund: Money
    psn: Money
    acct: Money
    cash: Money
    delta: Counters

    @classmethod
    def of(cls, row: InsuranceSettlement, adjustments: list[InsuranceSettlementAdjustment]) -> Standing:
        delta = delta_of(row.delta)
        for adjustment in adjustments:
            delta = delta.apply(delta_of(adjustment.delta))
        return cls(
            fund=Money(row.fund_pay_sumamt) + Money.sum(Money(a.fund_pay_diff) for a in adjustments),
            psn=Money(row.psn_part_amt) + Money.sum(Money(a.psn_part_diff) for a in adjustments),
            acct=Money(row.acct_pay) + Money.sum(Money(a.acct_pay_diff) for a in adjustments),
            cash=Money(row.psn_cash_pay) + Money.sum(Money(a.cash_pay_diff) for a in adjustments),
            delta=delta,
        )

    def differs_from(self, result: Settlement) -> bool:
        now = (result.fund_pay_sumamt, result.psn_part_amt, result.acct_pay, result.psn_cash_pay, result.delta)
        return now != (self.fund, self.psn, self.acct, self.cash, self.delta)


@dataclass(frozen=True)
class SettlementChange:
    """One settlement whose result under the current rules differs from how it stands."""

    row: InsuranceSettlement
    result: Settlement
    before: Standing


@dataclass
class ResettleReport:
    year: int
    rules_version: str
    settlements: int = 0
    resettled: int = 0
    without_lines: int = 0  # settled before lines were stored: cannot be settled again
    members: list[MemberDifference] = field(default_factory=list)
    changes: list[SettlementChange] = field(default_factory=list)

    @property
    def changed_members(self) -> list[MemberDifference]:
        return [m for m in self.members if m.changed or m.errors]

    @property
    def fund_before(self) -> Money:
        return Money.sum(m.fund_before for m in self.members)

    @property
    def fund_after(self) -> Money:
        return Money.sum(m.fund_after for m in self.members)


def _claim(row: InsuranceSettlement, lines: list[InsuranceSettlementLine]) -> Claim:
    return Claim(
        setl_date=row.setl_date,
        med_type=row.med_type,
        hosp_lv=row.hosp_lv,  # type: ignore[arg-type]
        fixmedins_code=row.fixmedins_code,
        use_account=bool(row.use_account),
        elsewhere=row.elsewhere,  # type: ignore[arg-type]
        lines=tuple(
            ClaimLine(
                code=line.code,
                name=line.name,
                chrgitm_lv=line.chrgitm_lv,  # type: ignore[arg-type]
                unit_price=Money(line.unit_price),
                quantity=Decimal(line.quantity),
                price_limit=Money(line.price_limit) if line.price_limit is not None else None,
                selfpay_prop=Ratio(line.selfpay_prop) if line.selfpay_prop is not None else None,
            )
            for line in lines
        ),
    )


def _balance_before(row: InsuranceSettlement) -> Money:
    return Money(str(row.result["balc"])) + Money(row.acct_pay)


def resettle_year(
    session: Session,
    year: int,
    *,
    book: RuleBook,
    actor: Actor,
    progress: Callable[[int, int], None] | None = None,
) -> ResettleReport:
    """Settle every settlement of ``year`` still in force again under ``book``; report the differences."""
    rows = repository.settled_in_year(session, year)
    lines = repository.lines_in_year(session, year)
    adjustments = repository.adjustments_in_year(session, year)
    report = ResettleReport(year=year, rules_version=book.version, settlements=len(rows))
    facts_cache: dict[tuple[str, dt.date], MemberFacts] = {}
    current: MemberDifference | None = None
    counters = Counters(year=year)
    for done, row in enumerate(rows, start=1):
        if current is None or current.psn_no != row.psn_no:
            current = MemberDifference(row.psn_no)
            report.members.append(current)
            counters = Counters(year=year)
        current.settlements += 1
        standing = Standing.of(row, adjustments.get(row.setl_id, []))
        current.fund_before += standing.fund
        current.psn_before += standing.psn
        stored_lines = lines.get(row.setl_id)
        if row.hosp_lv is None or not stored_lines:
            report.without_lines += 1
            current.fund_after += standing.fund  # kept as it stands
            current.psn_after += standing.psn
        else:
            key = (row.psn_no, row.setl_date.replace(day=1))
            try:
                if key not in facts_cache:
                    facts_cache[key] = members.member_facts(session, row.psn_no, row.setl_date)
                facts = replace(facts_cache[key], account_balance=_balance_before(row))
                result = settle_claim(_claim(row, stored_lines), facts, counters, book)
            except (ClaimInvalid, AppError) as exc:
                current.errors.append(f"{row.setl_id}: {exc}")
                current.fund_after += standing.fund
                current.psn_after += standing.psn
            else:
                counters = counters.apply(result.delta)
                report.resettled += 1
                current.fund_after += result.fund_pay_sumamt
                current.psn_after += result.psn_part_amt
                if standing.differs_from(result):
                    current.changed += 1
                    report.changes.append(SettlementChange(row, result, standing))
        if progress is not None:
            progress(done, len(rows))
    record_audit(
        session,
        actor=actor,
        action="insurance.settlement.resettle",
        target_kind="settlement_year",
        target_key=str(year),
        detail={
            "rules_version": book.version,
            "settlements": report.settlements,
            "resettled": report.resettled,
            "members_changed": len(report.changed_members),
        },
    )
    return report


ADJUSTMENT_ZH = {"pay": "补付", "reclaim": "追回", "counters": "累计更正"}


def apply_differences(session: Session, report: ResettleReport, *, actor: Actor) -> list[InsuranceSettlementAdjustment]:
    """Record an adjustment for each settlement of ``report`` that differs (see the module's description)."""
    done: list[InsuranceSettlementAdjustment] = []
    for change in report.changes:
        row, result, before = change.row, change.result, change.before
        delta = result.delta.apply(before.delta, -1)
        counter_row, counters = members.locked_counters(session, row.psn_no, report.year)
        members.store_counters(counter_row, counters.apply(delta))
        acct_diff = result.acct_pay - before.acct
        cash_diff = result.psn_cash_pay - before.cash
        if acct_diff > ZERO:  # more from the account: as far as its balance goes now, the rest in cash
            taken = money_min(acct_diff, members.account_balance(session, row.psn_no))
            cash_diff += acct_diff - taken
            acct_diff = taken
        if acct_diff:
            members.move_account(session, row.psn_no, -acct_diff, kind="resettle", ref=row.setl_id)
        fund_diff = result.fund_pay_sumamt - before.fund
        kind = "pay" if fund_diff > ZERO else "reclaim" if fund_diff < ZERO else "counters"
        adjustment = InsuranceSettlementAdjustment(
            setl_id=row.setl_id,
            psn_no=row.psn_no,
            year=report.year,
            kind=kind,
            fund_pay_diff=fund_diff.amount,
            psn_part_diff=(result.psn_part_amt - before.psn).amount,
            acct_pay_diff=acct_diff.amount,
            cash_pay_diff=cash_diff.amount,
            delta=delta_json(delta),
            result=settlement_read(result, psn_no=row.psn_no, setl_date=row.setl_date).model_dump(mode="json"),
            rules_version=report.rules_version,
            created_at=utc_now(),
            created_by=actor.name,
            demo=row.demo,
        )
        repository.add_adjustment(session, adjustment)
        record_audit(
            session,
            actor=actor,
            action="insurance.settlement.adjust",
            target_kind="settlement",
            target_key=row.setl_id,
            detail={
                "kind": kind,
                "fund_pay_diff": str(fund_diff),
                "acct_pay_diff": str(acct_diff),
                "cash_pay_diff": str(cash_diff),
                "rules_version": report.rules_version,
            },
        )
        done.append(adjustment)
    record_audit(
        session,
        actor=actor,
        action="insurance.settlement.resettle.apply",
        target_kind="settlement_year",
        target_key=str(report.year),
        detail={
            "rules_version": report.rules_version,
            "adjustments": len(done),
            "paid": str(Money.sum(Money(a.fund_pay_diff) for a in done if a.kind == "pay")),
            "reclaimed": str(-Money.sum(Money(a.fund_pay_diff) for a in done if a.kind == "reclaim")),
        },
    )
    return done
