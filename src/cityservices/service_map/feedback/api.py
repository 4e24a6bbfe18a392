"""``POST /api/v1/feedback``: a citizen's rating (好差评) or "this is wrong" report (public), and the staff queues
it lands in (``/api/staff/feedback``: a staff session; each account sees the queue inside its scopes)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from cityservices.deps import AuditedEditor, CurrentStaff, DbSession, RequireEditor
from cityservices.errors import error_responses
from cityservices.service_map.feedback import service as feedback_service
from cityservices.service_map.feedback.schemas import (
    ContactRead,
    FeedbackCreate,
    FeedbackPage,
    FeedbackRead,
    FeedbackReceipt,
    ResolveRequest,
)
from cityservices.service_map.feedback.service import THANKS, THANKS_REPORT, submit_feedback

router = APIRouter(prefix="/api/v1", tags=["feedback"])
staff_router = APIRouter(prefix="/api/staff", tags=["staff"])


@router.post("/feedback", response_model=FeedbackReceipt, status_code=201, responses=error_responses(404))
def create_feedback(session: DbSession, data: FeedbackCreate) -> FeedbackReceipt:
    """Store a rating from 1 to 5 and/or an error report with a comment (≤ 2000 characters) on a venue, an
    item or its guide; an optional contact phone must be a mainland mobile or landline number. The answer
    says where it was routed and never echoes the contact details."""
    row = submit_feedback(session, data=data, now=dt.datetime.now(dt.UTC))
    return FeedbackReceipt(
        id=row.id,
        target=row.target_kind,
        status=row.status,
        district_code=row.district_code,
        department_code=row.department_code,
        message=THANKS_REPORT if row.reports_error else THANKS,
    )


@staff_router.get("/feedback", response_model=FeedbackPage)
def list_feedback(
    session: DbSession,
    staff: CurrentStaff,
    status: Annotated[Literal["open", "resolved"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> FeedbackPage:
    """The feedback queue of the account's district / department (contact details masked)."""
    rows, total = feedback_service.list_feedback(
        session, account=staff.account, status=status, limit=limit, offset=offset
    )
    return FeedbackPage(total=total, limit=limit, offset=offset, items=[FeedbackRead(**r) for r in rows])


@staff_router.get("/feedback/{feedback_id}", response_model=FeedbackRead)
def read_feedback(session: DbSession, staff: CurrentStaff, feedback_id: int) -> FeedbackRead:
    return FeedbackRead(**feedback_service.feedback_detail(session, account=staff.account, feedback_id=feedback_id))


@staff_router.get("/feedback/{feedback_id}/contact", response_model=ContactRead)
def read_feedback_contact(session: DbSession, staff: AuditedEditor, feedback_id: int) -> ContactRead:
    """The citizen's contact details in full (editors of the queue; every read is audited; the request must carry
    ``X-CSRF-Token``, so that a planted link or image cannot trigger it)."""
    return ContactRead(**feedback_service.reveal_contact(session, account=staff.account, actor=staff.actor,
                                              feedback_id=feedback_id))  # fmt: skip


@staff_router.post("/feedback/{feedback_id}/resolve", response_model=FeedbackRead)
def resolve_feedback(session: DbSession, staff: RequireEditor, feedback_id: int, body: ResolveRequest) -> FeedbackRead:
    row = feedback_service.resolve_feedback(session, account=staff.account, actor=staff.actor, feedback_id=feedback_id,
                                 note=body.note)  # fmt: skip
    return FeedbackRead(**feedback_service.feedback_detail(session, account=staff.account, feedback_id=row["id"]))
