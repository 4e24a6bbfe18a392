"""The staff review queue of 生育津贴 applications (``/staff/insurance/maternity/queue``): applications within the
account's region scope (name and ID number masked), by status, each with its days and amount; a submitted one is
approved (→ 已审核) or refused with a reason, a reviewed one is marked paid. Forms post back and redirect (303);
a refusal is shown on the page (422, nothing written). Every read and change is audited; pages are ``no-store``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from cityservices.auth.service import SignedIn
from cityservices.auth.web import render_staff_page, see_other
from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import AppError
from cityservices.insurance.maternity import service as maternity
from cityservices.insurance.maternity.models import PAID
from cityservices.insurance.maternity.schemas import STATUS_ZH, Review
from cityservices.insurance.members import service as members
from cityservices.insurance.scopes import region_of
from cityservices.kit.audit import record_audit, utc_now

router = APIRouter(tags=["insurance pages"], include_in_schema=False)
BASE = "/staff/insurance/maternity"
ApplicationNo = Annotated[str, Path(pattern=r"^[A-Z0-9]{6,32}$")]
Note = Annotated[str, Form(max_length=200)]
DONE = {"reviewed": "已审核通过。", "refused": "已不予支付，理由已记录。", "paid": "已记为支付。"}


def _audit(session: DbSession, staff: SignedIn, action: str, key: str, **detail: object) -> None:
    record_audit(session, actor=staff.actor, action=action, target_kind="maternity", target_key=key, detail=detail)


def _queue(
    request: Request, session: DbSession, staff: SignedIn, status: str, *, error: str | None = None, done: str = ""
) -> HTMLResponse:
    region = region_of(staff.account)
    rows = [
        row
        for row in maternity.list_applications(session, status=status or None)
        if region is None or not members.outside_region(session, row.psn_no, region)
    ]
    _audit(session, staff, "insurance.maternity.list", "-", status=status or None, count=len(rows), page=True)
    context = {
        "staff": staff, "items": [maternity.application_read(session, row) for row in rows], "status": status,
        "STATUS_ZH": STATUS_ZH, "error": error, "done": DONE.get(done),
    }  # fmt: skip
    response = render_staff_page(request, "insurance/maternity_queue.html", context, status=422 if error else 200)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(BASE + "/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    session: DbSession,
    staff: CurrentStaff,
    status: Annotated[str, Query(pattern=r"^(|submitted|reviewed|paid|refused)$")] = "submitted",
    done: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    return _queue(request, session, staff, status, done=done)


def _in_scope(session: DbSession, staff: SignedIn, application_no: str) -> None:
    row = maternity.application_or_404(session, application_no)
    members.member_or_404(session, row.psn_no, region=region_of(staff.account))  # outside the region: 404


@router.post(BASE + "/{application_no}/review", response_class=HTMLResponse)
def review(
    request: Request,
    session: DbSession,
    staff: RequireEditor,
    application_no: ApplicationNo,
    approve: Annotated[str, Form(pattern=r"^[01]$")],
    note: Note = "",
) -> Response:
    try:
        data = Review(approve=approve == "1", note=note)
        with session.begin_nested():
            _in_scope(session, staff, application_no)
            row = maternity.review(
                session, application_no, approve=data.approve, by=staff.account.username, now=utc_now(), note=data.note
            )
            _audit(session, staff, "insurance.maternity.review", application_no, status=row.status)
    except ValidationError:
        return _queue(request, session, staff, "submitted", error="不予支付须写明理由")
    except AppError as exc:
        return _queue(request, session, staff, "submitted", error=exc.detail)
    return see_other(f"{BASE}/queue?status=submitted&done={row.status}")


@router.post(BASE + "/{application_no}/payment", response_class=HTMLResponse)
def pay(
    request: Request, session: DbSession, staff: RequireEditor, application_no: ApplicationNo, note: Note = ""
) -> Response:
    try:
        with session.begin_nested():
            _in_scope(session, staff, application_no)
            row = maternity.move(session, application_no, to=PAID, by=staff.account.username, now=utc_now(), note=note)
            _audit(session, staff, "insurance.maternity.pay", application_no, amount=str(row.amount))
    except AppError as exc:
        return _queue(request, session, staff, "reviewed", error=exc.detail)
    return see_other(f"{BASE}/queue?status=reviewed&done=paid")
