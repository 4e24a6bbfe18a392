"""Staff pages for feedback queues, the audit log and accounts (``/staff``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse

from cityservices.auth import repository as repo
from cityservices.auth.service import create_account, reveal_phone, set_active
from cityservices.deps import CurrentStaff, DbSession, RequireAdmin, RequireEditor
from cityservices.errors import AppError
from cityservices.kit.audit import list_audit
from cityservices.kit.masking import mask_phone
from cityservices.service_map.editing.pages import render, see_other
from cityservices.service_map.feedback import service as queue

router = APIRouter(prefix="/staff", tags=["staff pages"], include_in_schema=False)


@router.get("/feedback", response_class=HTMLResponse)
def feedback_list(
    request: Request,
    session: DbSession,
    staff: CurrentStaff,
    status: Annotated[Literal["open", "resolved"] | None, Query()] = "open",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    rows, total = queue.list_feedback(session, account=staff.account, status=status, limit=50, offset=offset)
    context = {"staff": staff, "rows": rows, "total": total, "status": status, "offset": offset}
    return render(request, "feedback_list.html", context)


@router.get("/feedback/{feedback_id}", response_class=HTMLResponse)
def feedback_page(request: Request, session: DbSession, staff: CurrentStaff, feedback_id: int) -> HTMLResponse:
    row = queue.feedback_detail(session, account=staff.account, feedback_id=feedback_id)
    return render(request, "feedback_detail.html", {"staff": staff, "row": row, "contact": None, "error": None})


@router.post("/feedback/{feedback_id}/contact", response_class=HTMLResponse)
def feedback_contact(request: Request, session: DbSession, staff: RequireEditor, feedback_id: int) -> HTMLResponse:
    """Show the contact details in full (a POST: the read is audited)."""
    contact = queue.reveal_contact(session, account=staff.account, actor=staff.actor, feedback_id=feedback_id)
    row = queue.feedback_detail(session, account=staff.account, feedback_id=feedback_id)
    return render(request, "feedback_detail.html", {"staff": staff, "row": row, "contact": contact, "error": None})


@router.post("/feedback/{feedback_id}/resolve", response_class=HTMLResponse)
def feedback_resolve(
    request: Request,
    session: DbSession,
    staff: RequireEditor,
    feedback_id: int,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        queue.resolve_feedback(session, account=staff.account, actor=staff.actor, feedback_id=feedback_id, note=note)
    except AppError as exc:
        if exc.status_code == 404:
            raise
        row = queue.feedback_detail(session, account=staff.account, feedback_id=feedback_id)
        context = {"staff": staff, "row": row, "contact": None, "error": exc.detail}
        return render(request, "feedback_detail.html", context, status=exc.status_code)
    return see_other(f"/staff/feedback/{feedback_id}")


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: DbSession,
    staff: RequireAdmin,
    action: Annotated[str | None, Query(max_length=60)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    rows, total = list_audit(session, action=action or None, limit=100, offset=offset)
    context = {"staff": staff, "rows": rows, "total": total, "action": action or "", "offset": offset}
    return render(request, "audit.html", context)


@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, session: DbSession, staff: RequireAdmin) -> HTMLResponse:
    return _accounts(request, session, staff, error=None, phone=None)


def _accounts(
    request: Request,
    session: DbSession,
    staff: RequireAdmin,
    *,
    error: str | None,
    phone: tuple[int, str | None] | None,
) -> HTMLResponse:
    accounts = [(a, mask_phone(a.phone)) for a in repo.list_accounts(session)]
    context = {"staff": staff, "accounts": accounts, "error": error, "revealed": phone}
    return render(request, "accounts.html", context, status=422 if error else 200)


@router.post("/accounts", response_class=HTMLResponse)
def accounts_create(
    request: Request,
    session: DbSession,
    staff: RequireAdmin,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    role: Annotated[Literal["admin", "editor", "viewer"], Form()],
    display_name: Annotated[str, Form(max_length=100)] = "",
    district_code: Annotated[str, Form(max_length=12)] = "",
    department_code: Annotated[str, Form(max_length=64)] = "",
    phone: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        create_account(session, username=username, password=password, display_name=display_name, role=role,
                       district_code=district_code.strip() or None, department_code=department_code.strip() or None,
                       phone=phone.strip() or None, actor=staff.actor)  # fmt: skip
    except AppError as exc:
        session.rollback()
        return _accounts(request, session, staff, error=exc.detail, phone=None)
    return see_other("/staff/accounts")


@router.post("/accounts/{account_id}/phone", response_class=HTMLResponse)
def accounts_phone(request: Request, session: DbSession, staff: RequireAdmin, account_id: int) -> HTMLResponse:
    phone = reveal_phone(session, account_id=account_id, actor=staff.actor)
    return _accounts(request, session, staff, error=None, phone=(account_id, phone))


@router.post("/accounts/{account_id}/active")
def accounts_active(
    session: DbSession, staff: RequireAdmin, account_id: int, active: Annotated[bool, Form()]
) -> Response:
    set_active(session, account_id=account_id, active=active, actor=staff.actor)
    return see_other("/staff/accounts")
