"""Rules of Party dues (2008): the monthly amount by category, payments (never deducted from pay), the ledger
with arrears and the six-month flag. Every failed check names the field and writes nothing; reads are audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor
from cityservices.errors import Conflict, RequestInvalid
from cityservices.kit.audit import Actor, record_audit
from cityservices.party_day.dues import repository as repo
from cityservices.party_day.dues.models import DuesMonth
from cityservices.party_day.dues.rules import (
    BANDED,
    CATEGORIES,
    MAX_BASE_FEN,
    DuesRules,
    banded_amount,
    load_rules,
    to_fen,
)
from cityservices.party_day.dues.schemas import BranchDues, DuesAssess, DuesLedger, DuesMonthRead, DuesPay
from cityservices.party_day.organisation.service import find_in_scope, member_in_scope


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}" if fen >= 0 else f"-{yuan(-fen)}"


def _fen(field: str, text: str, label: str) -> int:
    try:
        value = to_fen(text.strip())
    except ValueError:
        raise RequestInvalid(field, f"{label}应为金额（元，最多两位小数），如 3000.00") from None
    if value < 0:
        raise RequestInvalid(field, f"{label}不能为负数")
    return value


def amount_due(rules: DuesRules, data: DuesAssess) -> tuple[int | None, int]:
    """(base, due) in fen for an assessment, or a RequestInvalid naming the field."""
    if data.category not in CATEGORIES:
        raise RequestInvalid("category", f"未知的党费类别: {data.category}（可选: {'、'.join(CATEGORIES)}）")
    if data.category in BANDED:
        if data.base is None:
            raise RequestInvalid("base", "按工资或离退休费交纳党费须填写计算基数")
        if data.amount is not None:
            raise RequestInvalid("amount", "按比例交纳的党费由计算基数算出，不能另填金额")
        base = _fen("base", data.base, "计算基数")
        if base > MAX_BASE_FEN:
            raise RequestInvalid("base", "计算基数不合理（每月超过 100 万元），请核对")
        return base, banded_amount(rules.wage if data.category == "wage" else rules.retiree, base)
    if data.base is not None:
        raise RequestInvalid("base", f"{CATEGORIES[data.category]}按固定金额交纳，不填计算基数")
    if data.category == "hardship":
        if not (data.approval or "").strip():
            raise RequestInvalid("approval", "少交或免交党费须经上级党委批准，请填写批准文号")
        if data.amount is None:
            raise RequestInvalid("amount", "请填写批准的每月金额（免交填 0）")
        return None, _fen("amount", data.amount, "金额")
    low, high = rules.fixed[data.category]
    due = low if data.amount is None else _fen("amount", data.amount, "金额")
    if not low <= due <= high:
        raise RequestInvalid("amount", f"{CATEGORIES[data.category]}每月交纳 {yuan(low)}–{yuan(high)} 元")
    return None, due


def month_read(row: DuesMonth) -> DuesMonthRead:
    return DuesMonthRead(month=row.month, category=row.category,
                         base=yuan(row.base_fen) if row.base_fen is not None else None, due=yuan(row.due_fen),
                         paid=yuan(row.paid_fen), outstanding=yuan(max(row.due_fen - row.paid_fen, 0)),
                         paid_on=row.paid_on)  # fmt: skip


def assess(session: Session, *, account: StaffAccount, actor: Actor, member_id: int, data: DuesAssess) -> DuesMonthRead:
    """Set a member's dues for a month (from the month of admission as a probationary member)."""
    require_editor(account)
    member = member_in_scope(session, account, member_id)
    if data.month < f"{member.joined_on.year}-{member.joined_on.month:02d}":
        raise RequestInvalid("month", "党员自支部党员大会接收为预备党员之月起交纳党费")
    base, due = amount_due(load_rules(), data)
    if repo.dues_month(session, member.id, data.month) is not None:
        raise Conflict(f"{data.month} 的应交党费已核定")
    row = DuesMonth(member_id=member.id, month=data.month, category=data.category, base_fen=base, due_fen=due,
                    paid_fen=0, approval=(data.approval or "").strip() or None, is_demo=data.is_demo)  # fmt: skip
    session.add(row)
    session.flush()
    record_audit(session, actor=actor, action="party.dues.assess", target_kind="party_member",
                 target_key=str(member.id), detail={"month": data.month, "category": data.category})  # fmt: skip
    return month_read(row)


def pay(session: Session, *, account: StaffAccount, actor: Actor, member_id: int, data: DuesPay) -> DuesMonthRead:
    """Record a member's payment for a month: in person, by transfer or online; never deducted from pay."""
    require_editor(account)
    rules = load_rules()
    member = member_in_scope(session, account, member_id)
    if data.method not in rules.payment_methods:
        hint = (
            "不得从工资中代扣党费，须由党员本人交纳"
            if "扣" in data.method
            else f"可选: {'、'.join(rules.payment_methods)}"
        )
        raise RequestInvalid("method", f"交纳方式无效（{hint}）")
    row = repo.dues_month(session, member.id, data.month)
    if row is None:
        raise RequestInvalid("month", f"{data.month} 尚未核定应交党费")
    amount = _fen("amount", data.amount, "交纳金额")
    outstanding = row.due_fen - row.paid_fen
    if amount == 0:
        raise RequestInvalid("amount", "交纳金额应大于 0")
    if amount > outstanding:
        extra = (
            f"；自愿一次多交 {yuan(rules.large_voluntary_fen)} 元以上的另行办理"
            if amount >= rules.large_voluntary_fen
            else ""
        )
        raise RequestInvalid("amount", f"超过该月未交金额 {yuan(max(outstanding, 0))} 元{extra}")
    row.paid_fen += amount
    row.paid_on, row.method = data.paid_on, data.method
    session.flush()
    record_audit(session, actor=actor, action="party.dues.pay", target_kind="party_member",
                 target_key=str(member.id), detail={"month": data.month})  # fmt: skip
    return month_read(row)


def previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def unpaid_run(rows: list[DuesMonth], on: dt.date) -> int:
    """Consecutive months unpaid (something due, nothing paid) ending with the month before ``on``'s month."""
    by_month = {row.month: row for row in rows}
    month, run = previous_month(f"{on.year}-{on.month:02d}"), 0
    while (row := by_month.get(month)) is not None and row.due_fen > 0 and row.paid_fen == 0:
        run += 1
        month = previous_month(month)
    return run


def ledger(session: Session, *, account: StaffAccount, actor: Actor, member_id: int, on: dt.date) -> DuesLedger:
    rules = load_rules()
    member = member_in_scope(session, account, member_id)
    rows = list(repo.ledger_of(session, member.id))
    current = f"{on.year}-{on.month:02d}"
    arrears = sum(max(r.due_fen - r.paid_fen, 0) for r in rows if r.month < current)
    run = unpaid_run(rows, on)
    record_audit(session, actor=actor, action="party.dues.read", target_kind="party_member",
                 target_key=str(member.id), detail={})  # fmt: skip
    return DuesLedger(member_id=member.id, months=[month_read(r) for r in rows], arrears=yuan(arrears),
                      unpaid_months=run, lapse_flag=run >= rules.lapse_months, source=rules.source)  # fmt: skip


def branch_dues(session: Session, *, account: StaffAccount, actor: Actor, branch_code: str, on: dt.date) -> BranchDues:
    """A branch's arrears and the members flagged for six months unpaid (ids only)."""
    rules = load_rules()
    branch = find_in_scope(session, account, branch_code)
    current = f"{on.year}-{on.month:02d}"
    ledgers = repo.ledgers_of_branch(session, branch.id)
    arrears = sum(max(r.due_fen - r.paid_fen, 0) for rows in ledgers.values() for r in rows if r.month < current)
    flagged = sorted(m for m, rows in ledgers.items() if unpaid_run(rows, on) >= rules.lapse_months)
    record_audit(session, actor=actor, action="party.dues.branch", target_kind="party_organisation",
                 target_key=branch.code, detail={"flagged": len(flagged)})  # fmt: skip
    return BranchDues(branch_code=branch.code, members=len(ledgers), arrears=yuan(arrears), flagged_member_ids=flagged)
