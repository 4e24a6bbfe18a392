"""``POST /api/v1/feedback``: a citizen's rating (好差评) or "this is wrong" report. Public; stored for staff."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from cityservices.deps import DbSession
from cityservices.errors import error_responses
from cityservices.service_map.feedback.schemas import FeedbackCreate, FeedbackReceipt
from cityservices.service_map.feedback.service import THANKS, THANKS_REPORT, submit_feedback

router = APIRouter(prefix="/api/v1", tags=["feedback"])


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
