"""Staff pages of the feedback queues (``/staff/feedback``): the account's queue (inside its scopes, contact
details masked), an entry, the audited full read of a contact, resolution."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse

from cityservices.auth.web import RecentEditor, render_staff_page, see_other
from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import AppError
from cityservices.service_map.feedback import service as feedback_service

router = APIRouter(prefix="/staff", tags=["staff pages"], include_in_schema=False)


@router.get("/feedback", response_class=HTMLResponse)
def feedback_list(
    request: Request,
    session: DbSession,
    staff: CurrentStaff,
    status: Annotated[Literal["open", "resolved"] | None, Query()] = "open",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    rows, total = feedback_service.list_feedback(session, account=staff.account, status=status, limit=50, offset=offset)
    context = {"staff": staff, "rows": rows, "total": total, "status": status, "offset": offset}
    return render_staff_page(request, "staff/feedback_list.html", context)


@router.get("/feedback/{feedback_id}", response_class=HTMLResponse)
def feedback_page(request: Request, session: DbSession, staff: CurrentStaff, feedback_id: int) -> HTMLResponse:
    row = feedback_service.feedback_detail(session, account=staff.account, feedback_id=feedback_id)
    return render_staff_page(
        request, "staff/feedback_detail.html", {"staff": staff, "row": row, "contact": None, "error": None}
    )


@router.post("/feedback/{feedback_id}/contact", response_class=HTMLResponse)
def feedback_contact(request: Request, session: DbSession, staff: RecentEditor, feedback_id: int) -> HTMLResponse:
    """Show the contact details in full (a POST: the read is audited)."""
    contact = feedback_service.reveal_contact(
        session, account=staff.account, actor=staff.actor, feedback_id=feedback_id
    )
    row = feedback_service.feedback_detail(session, account=staff.account, feedback_id=feedback_id)
    return render_staff_page(
        request, "staff/feedback_detail.html", {"staff": staff, "row": row, "contact": contact, "error": None}
    )


@router.post("/feedback/{feedback_id}/resolve", response_class=HTMLResponse)
def feedback_resolve(
    request: Request,
    session: DbSession,
    staff: RequireEditor,
    feedback_id: int,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        feedback_service.resolve_feedback(
            session, account=staff.account, actor=staff.actor, feedback_id=feedback_id, note=note
        )
    except AppError as exc:
        if exc.status_code == 404:
            raise
        row = feedback_service.feedback_detail(session, account=staff.account, feedback_id=feedback_id)
        context = {"staff": staff, "row": row, "contact": None, "error": exc.detail}
        return render_staff_page(request, "staff/feedback_detail.html", context, status=exc.status_code)
    return see_other(f"/staff/feedback/{feedback_id}")
