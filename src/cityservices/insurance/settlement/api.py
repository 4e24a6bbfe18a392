"""``/api/v1/insurance/estimate`` (public: a hypothetical case, no person) and the staff settlement operations
under ``/api/v1/insurance/settlements`` (personal data: staff session, region scope, audit, never cached)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query
from sqlalchemy.orm import Session

from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import error_responses
from cityservices.insurance.members import service as members
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.service import rule_book
from cityservices.insurance.scopes import region_of
from cityservices.insurance.settlement import service
from cityservices.insurance.settlement.schemas import (
    ClaimRequest,
    DeclaredTotals,
    EstimateRequest,
    ReconciliationRead,
    SettlementRead,
)
from cityservices.kit.audit import record_audit
from cityservices.kit.calendar import now_in_china

router = APIRouter(prefix="/api/v1/insurance", tags=["insurance"])
staff_router = APIRouter(
    prefix="/api/v1/insurance/settlements", tags=["insurance"], responses=error_responses(401, 403, 404, 409)
)
RequestId = Annotated[str, Header(alias="X-Request-Id", min_length=8, max_length=64, description="幂等请求编号")]


def _book(session: Session) -> RuleBook:
    return rule_book(session)


@router.post("/estimate", response_model=SettlementRead, responses=error_responses())
def estimate(session: DbSession, data: EstimateRequest) -> SettlementRead:
    """Estimate what a member type pays for a stay or visit: amounts by class, the full explanation."""
    return service.estimate(data, book=_book(session), today=now_in_china().date())


@staff_router.post("/preview", response_model=SettlementRead)
def preview(session: DbSession, staff: CurrentStaff, data: ClaimRequest) -> SettlementRead:
    """Pre-settlement (预结算): the result now; nothing is written except the audit entry."""
    members.member_or_404(session, data.psn_no, region=region_of(staff.account))
    result = service.pre_settle(session, data, book=_book(session))
    members.audit_member_read(session, actor=staff.actor, action="insurance.settlement.preview", psn_no=data.psn_no)
    return result


@staff_router.post("", response_model=SettlementRead, status_code=201)
def settle(session: DbSession, staff: RequireEditor, data: ClaimRequest, request_id: RequestId) -> SettlementRead:
    """Settle (结算): counters and account updated atomically; the same X-Request-Id answers the same result."""
    members.member_or_404(session, data.psn_no, region=region_of(staff.account))
    return service.settle(session, data, request_id=request_id, book=_book(session), actor=staff.actor)


@staff_router.post("/{setl_id}/reversal", response_model=SettlementRead)
def reverse(
    session: DbSession,
    staff: RequireEditor,
    setl_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")],
    request_id: RequestId,
) -> SettlementRead:
    """Reverse (冲正) a settlement: counters and account restored exactly; idempotent by X-Request-Id."""
    return service.reverse(session, setl_id, request_id=request_id, actor=staff.actor, region=region_of(staff.account))


@staff_router.post("/reconciliation", response_model=ReconciliationRead)
def reconcile(
    session: DbSession,
    staff: CurrentStaff,
    day: Annotated[dt.date, Query(description="对账日期")],
    declared: list[DeclaredTotals] | None = None,
) -> ReconciliationRead:
    """Daily reconciliation (对总账): totals per institution and fund, compared with declared totals if given."""
    record_audit(session, actor=staff.actor, action="insurance.settlement.reconcile", target_kind="day",
                 target_key=day.isoformat())  # fmt: skip
    return service.reconcile(session, day, declared)


@staff_router.get("/{setl_id}/fhir", response_model=dict[str, Any])
def read_settlement_fhir(
    session: DbSession, staff: CurrentStaff, setl_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
) -> dict[str, Any]:
    """The settlement as an HL7 FHIR ``ExplanationOfBenefit`` (totals per category and fund, the trace as notes)."""
    return service.settlement_fhir(session, setl_id, actor=staff.actor, region=region_of(staff.account))
