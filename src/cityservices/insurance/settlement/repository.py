"""Every query on settlements: by request id, locked for reversal, daily totals for reconciliation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cityservices.insurance.settlement.models import (
    InsuranceSettlement,
    InsuranceSettlementAdjustment,
    InsuranceSettlementFund,
    InsuranceSettlementLine,
)


def by_request_id(session: Session, request_id: str) -> InsuranceSettlement | None:
    query = select(InsuranceSettlement).where(InsuranceSettlement.request_id == request_id)
    return session.scalars(query).first()


def for_update(session: Session, setl_id: str) -> InsuranceSettlement | None:
    query = select(InsuranceSettlement).where(InsuranceSettlement.setl_id == setl_id).with_for_update()
    return session.scalars(query).first()


def by_reversal_request_id(session: Session, request_id: str) -> InsuranceSettlement | None:
    query = select(InsuranceSettlement).where(InsuranceSettlement.reversal_request_id == request_id)
    return session.scalars(query).first()


def add_settlement(
    session: Session,
    row: InsuranceSettlement,
    funds: list[tuple[str, Decimal]],
    lines: list[dict[str, Any]] | None = None,
) -> None:
    session.add(row)
    session.flush()
    session.add_all(
        InsuranceSettlementFund(setl_id=row.setl_id, fund_pay_type=fund, fund_payamt=amount) for fund, amount in funds
    )
    session.add_all(InsuranceSettlementLine(setl_id=row.setl_id, **values) for values in lines or ())
    session.flush()


def settled_in_year(session: Session, year: int) -> list[InsuranceSettlement]:
    """The year's settlements still in force, per member in the order they were settled."""
    s = InsuranceSettlement
    query = (
        select(s)
        .where(s.setl_date >= dt.date(year, 1, 1), s.setl_date < dt.date(year + 1, 1, 1), s.status == "settled")
        .order_by(s.psn_no, s.setl_time, s.setl_id)
    )
    return list(session.scalars(query).all())


def lines_in_year(session: Session, year: int) -> dict[str, list[InsuranceSettlementLine]]:
    """The stored claim lines of the year's settlements, by settlement, in line order."""
    s, line = InsuranceSettlement, InsuranceSettlementLine
    query = (
        select(line)
        .join(s, s.setl_id == line.setl_id)
        .where(s.setl_date >= dt.date(year, 1, 1), s.setl_date < dt.date(year + 1, 1, 1), s.status == "settled")
        .order_by(line.setl_id, line.line_no)
    )
    found: dict[str, list[InsuranceSettlementLine]] = {}
    for row in session.scalars(query).all():
        found.setdefault(row.setl_id, []).append(row)
    return found


def lines_of(session: Session, setl_id: str) -> list[InsuranceSettlementLine]:
    query = select(InsuranceSettlementLine).where(InsuranceSettlementLine.setl_id == setl_id)
    return list(session.scalars(query.order_by(InsuranceSettlementLine.line_no)).all())


def institution_totals(session: Session, day: dt.date) -> list[dict[str, Any]]:
    """Per institution: settled (not reversed) settlements of the day and their summed amounts."""
    s = InsuranceSettlement
    query = (
        select(
            s.fixmedins_code,
            func.count(),
            func.sum(s.medfee_sumamt),
            func.sum(s.fund_pay_sumamt),
            func.sum(s.acct_pay),
            func.sum(s.psn_cash_pay),
        )
        .where(s.setl_date == day, s.status == "settled")
        .group_by(s.fixmedins_code)
        .order_by(s.fixmedins_code)
    )
    keys = ("fixmedins_code", "count", "medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay")
    return [dict(zip(keys, row, strict=True)) for row in session.execute(query).all()]


def fund_totals(session: Session, day: dt.date) -> list[tuple[str, str, Decimal]]:
    """Per institution and fund: the day's settled fund payments."""
    s, f = InsuranceSettlement, InsuranceSettlementFund
    query = (
        select(s.fixmedins_code, f.fund_pay_type, func.sum(f.fund_payamt))
        .join(f, f.setl_id == s.setl_id)
        .where(s.setl_date == day, s.status == "settled")
        .group_by(s.fixmedins_code, f.fund_pay_type)
        .order_by(s.fixmedins_code, f.fund_pay_type)
    )
    return [(code, fund, Decimal(total)) for code, fund, total in session.execute(query).all()]


def reversed_count(session: Session, day: dt.date) -> dict[str, int]:
    s = InsuranceSettlement
    query = (
        select(s.fixmedins_code, func.count())
        .where(s.setl_date == day, s.status == "reversed")
        .group_by(s.fixmedins_code)
    )
    return {code: int(n) for code, n in session.execute(query).all()}


def adjustment_totals(session: Session, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Per institution (of the settlement adjusted) and kind: re-settlement adjustments recorded in [start, end)."""
    s, a = InsuranceSettlement, InsuranceSettlementAdjustment
    query = (
        select(
            s.fixmedins_code,
            a.kind,
            func.count(),
            func.sum(a.fund_pay_diff),
            func.sum(a.acct_pay_diff),
            func.sum(a.cash_pay_diff),
        )
        .join(s, s.setl_id == a.setl_id)
        .where(a.created_at >= start, a.created_at < end)
        .group_by(s.fixmedins_code, a.kind)
        .order_by(s.fixmedins_code, a.kind)
    )
    keys = ("fixmedins_code", "kind", "count", "fund_pay_diff", "acct_pay_diff", "cash_pay_diff")
    return [dict(zip(keys, row, strict=True)) for row in session.execute(query).all()]


def count_settlements(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(InsuranceSettlement)) or 0)


def delete_demo(session: Session) -> None:
    demo = select(InsuranceSettlement.setl_id).where(InsuranceSettlement.demo.is_(True))
    session.execute(delete(InsuranceSettlementAdjustment).where(InsuranceSettlementAdjustment.setl_id.in_(demo)))
    session.execute(delete(InsuranceSettlementFund).where(InsuranceSettlementFund.setl_id.in_(demo)))
    session.execute(delete(InsuranceSettlementLine).where(InsuranceSettlementLine.setl_id.in_(demo)))
    session.execute(delete(InsuranceSettlement).where(InsuranceSettlement.demo.is_(True)))


def get(session: Session, setl_id: str) -> InsuranceSettlement | None:
    return session.get(InsuranceSettlement, setl_id)


def adjustments_in_year(session: Session, year: int) -> dict[str, list[InsuranceSettlementAdjustment]]:
    """The applied re-settlement adjustments of the year's settlements, per settlement, oldest first."""
    a = InsuranceSettlementAdjustment
    query = select(a).where(a.year == year).order_by(a.setl_id, a.id)
    found: dict[str, list[InsuranceSettlementAdjustment]] = {}
    for row in session.scalars(query):
        found.setdefault(row.setl_id, []).append(row)
    return found


def adjustments_of(session: Session, setl_id: str) -> list[InsuranceSettlementAdjustment]:
    query = select(InsuranceSettlementAdjustment).where(InsuranceSettlementAdjustment.setl_id == setl_id)
    return list(session.scalars(query.order_by(InsuranceSettlementAdjustment.id)).all())


def add_adjustment(session: Session, row: InsuranceSettlementAdjustment) -> None:
    session.add(row)
    session.flush()
