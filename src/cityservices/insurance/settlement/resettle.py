"""Settling a whole year again after a rule change (重新结算): every settlement still in force, from its stored
claim lines and header, per member in the order it was settled, with the member's counters rebuilt from zero and
the account balance the member had before each settlement. Nothing is written but an audit entry: the answer is
the difference, per member, between what was paid and what the current rules would pay. Never commits."""

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
from cityservices.insurance.settlement.claims import Claim, ClaimInvalid, ClaimLine, Counters, MemberFacts
from cityservices.insurance.settlement.engine import settle_claim
from cityservices.insurance.settlement.models import InsuranceSettlement, InsuranceSettlementLine
from cityservices.kit.audit import Actor, record_audit
from cityservices.kit.money import Money, Ratio

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


@dataclass
class ResettleReport:
    year: int
    rules_version: str
    settlements: int = 0
    resettled: int = 0
    without_lines: int = 0  # settled before lines were stored: cannot be settled again
    members: list[MemberDifference] = field(default_factory=list)

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
        current.fund_before += Money(row.fund_pay_sumamt)
        current.psn_before += Money(row.psn_part_amt)
        stored_lines = lines.get(row.setl_id)
        if row.hosp_lv is None or not stored_lines:
            report.without_lines += 1
            current.fund_after += Money(row.fund_pay_sumamt)  # kept as settled
            current.psn_after += Money(row.psn_part_amt)
        else:
            key = (row.psn_no, row.setl_date.replace(day=1))
            try:
                if key not in facts_cache:
                    facts_cache[key] = members.member_facts(session, row.psn_no, row.setl_date)
                facts = replace(facts_cache[key], account_balance=_balance_before(row))
                result = settle_claim(_claim(row, stored_lines), facts, counters, book)
            except (ClaimInvalid, AppError) as exc:
                current.errors.append(f"{row.setl_id}: {exc}")
                current.fund_after += Money(row.fund_pay_sumamt)
                current.psn_after += Money(row.psn_part_amt)
            else:
                counters = counters.apply(result.delta)
                report.resettled += 1
                current.fund_after += result.fund_pay_sumamt
                current.psn_after += result.psn_part_amt
                if (result.fund_pay_sumamt, result.psn_part_amt) != (
                    Money(row.fund_pay_sumamt),
                    Money(row.psn_part_amt),
                ):
                    current.changed += 1
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
