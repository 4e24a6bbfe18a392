"""``/api/v1/party/members/{id}/dues`` and ``/api/v1/party/organisations/{code}/dues``: the dues ledger (staff,
scoped, audited, never cached). Amounts are strings in yuan with two decimals."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import error_responses
from cityservices.party_day.compliance.rules import BEIJING
from cityservices.party_day.dues import service
from cityservices.party_day.dues.schemas import BranchDues, DuesAssess, DuesLedger, DuesMonthRead, DuesPay
from cityservices.party_day.organisation.schemas import OrgCodePath

router = APIRouter(prefix="/api/v1/party", tags=["party"])
On = Annotated[dt.date | None, Query(description="按此日期计算欠缴（缺省: 今天，北京时间）")]


def _today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


@router.post("/members/{member_id}/dues", response_model=DuesMonthRead, status_code=201,
             responses=error_responses(403, 404, 409))  # fmt: skip
def assess_dues(session: DbSession, staff: RequireEditor, member_id: int, data: DuesAssess) -> DuesMonthRead:
    """Set a month's dues: by band on the whole base (wage, retiree), a fixed amount, or an approved reduction."""
    return service.assess(session, account=staff.account, actor=staff.actor, member_id=member_id, data=data)


@router.post("/members/{member_id}/dues/payments", response_model=DuesMonthRead, responses=error_responses(403, 404))
def pay_dues(session: DbSession, staff: RequireEditor, member_id: int, data: DuesPay) -> DuesMonthRead:
    """Record a payment (cash, transfer or online; never a payroll deduction)."""
    return service.pay(session, account=staff.account, actor=staff.actor, member_id=member_id, data=data)


@router.get("/members/{member_id}/dues", response_model=DuesLedger, responses=error_responses(403, 404))
def dues_ledger(session: DbSession, staff: CurrentStaff, member_id: int, on: On = None) -> DuesLedger:
    """A member's monthly ledger with arrears and the six-month flag."""
    return service.ledger(session, account=staff.account, actor=staff.actor, member_id=member_id, on=on or _today())


@router.get("/organisations/{code}/dues", response_model=BranchDues, responses=error_responses(403, 404))
def branch_dues(session: DbSession, staff: CurrentStaff, code: OrgCodePath, on: On = None) -> BranchDues:
    """A branch's arrears and the members flagged for six months unpaid."""
    return service.branch_dues(session, account=staff.account, actor=staff.actor, branch_code=code, on=on or _today())
