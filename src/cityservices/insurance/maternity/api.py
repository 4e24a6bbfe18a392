"""Maternity allowance routes: an enterprise's app applies for its employee and follows the application over the
signed open API (``/api/open/v1/maternity-applications``); staff list, review and pay
(``/api/v1/insurance/maternity-applications``). Audited, masked, never cached."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy.orm import Session

from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import AppError, Conflict, NotFound, RuleViolation, error_responses
from cityservices.insurance.maternity import service as maternity
from cityservices.insurance.maternity.models import PAID
from cityservices.insurance.maternity.schemas import MaternityApply, MaternityPage, MaternityRead, Payment, Review
from cityservices.insurance.members import service as members
from cityservices.insurance.open_api.guard import OpenCall, answer, audit_call, idempotent, signed
from cityservices.insurance.rules.service import rule_book
from cityservices.insurance.scopes import region_of
from cityservices.kit.audit import record_audit, utc_now

MATERNITY_APPLY = "maternity.apply"
ApplicationNo = Annotated[str, Path(pattern=r"^M[0-9]{8}[0-9A-F]{8}$", description="申请编号 application_no")]

open_router = APIRouter(
    prefix="/api/open/v1/maternity-applications",
    tags=["open-platform"],
    responses=error_responses(401, 403, 404, 409, 422),
)
staff_router = APIRouter(
    prefix="/api/v1/insurance/maternity-applications", tags=["insurance"], responses=error_responses(401, 403, 404)
)
_CODES: dict[type[AppError], str] = {
    NotFound: "employee_not_found",
    Conflict: "duplicate_application",
    RuleViolation: "not_eligible",
}


def _payload(session: Session, row: Any) -> dict[str, Any]:
    return dict(json.loads(maternity.application_read(session, row).model_dump_json()))


@open_router.post("", response_model=MaternityRead, status_code=201)
def apply(
    session: DbSession, call: Annotated[OpenCall, Depends(signed(MATERNITY_APPLY))], data: MaternityApply
) -> Response:
    """Apply for an employee of the app's enterprise: enrolment checked, days and amount computed from the rule
    rows (each line cited); idempotent under ``Idempotency-Key``. Refusals: 404 ``employee_not_found``, 409
    ``duplicate_application``, 422 ``not_eligible`` — nothing written."""
    app_id = call.verified.app.app_id

    def write() -> tuple[int, dict[str, Any]]:
        try:
            with session.begin_nested():
                row = maternity.apply(
                    session,
                    data,
                    emp_no=call.emp_no,
                    book=rule_book(session),
                    now=utc_now(),
                    by=f"app:{app_id}",
                    app_id=app_id,
                )
        except (NotFound, Conflict, RuleViolation) as exc:
            code = next(c for kind, c in _CODES.items() if isinstance(exc, kind))
            audit_call(session, app_id, MATERNITY_APPLY, code, data.psn_no)
            return exc.status_code, {"error": code, "detail": exc.detail}
        audit_call(session, app_id, MATERNITY_APPLY, "ok", row.application_no)
        return 201, _payload(session, row)

    return idempotent(session, call, write)


@open_router.get("/{application_no}", response_model=MaternityRead)
def follow(
    session: DbSession, application_no: ApplicationNo, call: Annotated[OpenCall, Depends(signed(MATERNITY_APPLY))]
) -> Response:
    """An application of the app's enterprise with its status history (another unit's: 404)."""
    app_id = call.verified.app.app_id
    try:
        row = maternity.application_or_404(session, application_no, emp_no=call.emp_no)
    except NotFound:
        audit_call(session, app_id, "maternity.read", "not_found", application_no)
        return answer(call, {"error": "application_not_found", "detail": "没有这份生育津贴申请"}, 404)
    audit_call(session, app_id, "maternity.read", "ok", application_no)
    return answer(call, _payload(session, row))


# ---- staff ---------------------------------------------------------------------------------------------------


def _in_scope(session: Session, staff: CurrentStaff, application_no: str) -> Any:
    row = maternity.application_or_404(session, application_no)
    members.member_or_404(session, row.psn_no, region=region_of(staff.account))  # outside the region: 404
    return row


def _audit(session: Session, staff: CurrentStaff, action: str, application_no: str, **detail: object) -> None:
    record_audit(
        session,
        actor=staff.actor,
        action=action,
        target_kind="maternity",
        target_key=application_no,
        detail=detail,
    )


@staff_router.get("", response_model=MaternityPage)
def list_applications(
    session: DbSession,
    staff: CurrentStaff,
    response: Response,
    status: Annotated[str | None, Query(pattern=r"^(submitted|reviewed|paid|refused)$")] = None,
) -> MaternityPage:
    """The latest applications (at most 100), optionally of one status, within the account's region scope."""
    response.headers["Cache-Control"] = "no-store"
    region = region_of(staff.account)
    rows = [
        row
        for row in maternity.list_applications(session, status=status)
        if region is None or not members.outside_region(session, row.psn_no, region)
    ]
    _audit(session, staff, "insurance.maternity.list", "-", status=status, count=len(rows))
    return MaternityPage(items=[maternity.application_read(session, row) for row in rows])


@staff_router.get("/{application_no}", response_model=MaternityRead)
def read_application(
    session: DbSession, staff: CurrentStaff, application_no: ApplicationNo, response: Response
) -> MaternityRead:
    response.headers["Cache-Control"] = "no-store"
    row = _in_scope(session, staff, application_no)
    members.audit_member_read(session, actor=staff.actor, action="insurance.maternity.read", psn_no=row.psn_no,
                              application_no=application_no)  # fmt: skip
    return maternity.application_read(session, row)


@staff_router.post("/{application_no}/review", response_model=MaternityRead)
def review_application(
    session: DbSession, staff: RequireEditor, application_no: ApplicationNo, data: Review, response: Response
) -> MaternityRead:
    """Approve (→ reviewed) or refuse (→ refused, with the reason) a submitted application."""
    response.headers["Cache-Control"] = "no-store"
    _in_scope(session, staff, application_no)
    row = maternity.review(
        session, application_no, approve=data.approve, by=staff.account.username, now=utc_now(), note=data.note
    )
    _audit(session, staff, "insurance.maternity.review", application_no, status=row.status)
    return maternity.application_read(session, row)


@staff_router.post("/{application_no}/payment", response_model=MaternityRead)
def record_payment(
    session: DbSession, staff: RequireEditor, application_no: ApplicationNo, data: Payment, response: Response
) -> MaternityRead:
    """Record that a reviewed application was paid (→ paid)."""
    response.headers["Cache-Control"] = "no-store"
    _in_scope(session, staff, application_no)
    row = maternity.move(session, application_no, to=PAID, by=staff.account.username, now=utc_now(), note=data.note)
    _audit(session, staff, "insurance.maternity.pay", application_no, amount=str(row.amount))
    return maternity.application_read(session, row)
