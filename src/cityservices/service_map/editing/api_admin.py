"""Staff JSON API for feedback queues, the dashboard, the audit log and accounts (``/api/staff``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from cityservices.auth import repository as repo
from cityservices.auth.service import create_account, reveal_phone, set_active
from cityservices.auth.web import staff_read
from cityservices.deps import CurrentRuntime, CurrentStaff, DbSession, RequireAdmin, RequireEditor
from cityservices.kit.audit import list_audit, utc_now
from cityservices.service_map.editing.schemas import (
    AccountCreate,
    AuditPage,
    AuditRead,
    ContactRead,
    DashboardRead,
    FeedbackPage,
    FeedbackRead,
    PhoneRead,
    ResolveRequest,
    SatisfactionRead,
    StaffRead,
    StaleGuideRead,
)
from cityservices.service_map.feedback import service as queue

router = APIRouter(prefix="/api/staff", tags=["staff"])


@router.get("/feedback", response_model=FeedbackPage)
def list_feedback(
    session: DbSession,
    staff: CurrentStaff,
    status: Annotated[Literal["open", "resolved"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> FeedbackPage:
    """The feedback queue of the account's district / department (contact details masked)."""
    rows, total = queue.list_feedback(session, account=staff.account, status=status, limit=limit, offset=offset)
    return FeedbackPage(total=total, limit=limit, offset=offset, items=[FeedbackRead(**r) for r in rows])


@router.get("/feedback/{feedback_id}", response_model=FeedbackRead)
def read_feedback(session: DbSession, staff: CurrentStaff, feedback_id: int) -> FeedbackRead:
    return FeedbackRead(**queue.feedback_detail(session, account=staff.account, feedback_id=feedback_id))


@router.get("/feedback/{feedback_id}/contact", response_model=ContactRead)
def read_feedback_contact(session: DbSession, staff: RequireEditor, feedback_id: int) -> ContactRead:
    """The citizen's contact details in full (editors of the queue; every read is audited)."""
    return ContactRead(**queue.reveal_contact(session, account=staff.account, actor=staff.actor,
                                              feedback_id=feedback_id))  # fmt: skip


@router.post("/feedback/{feedback_id}/resolve", response_model=FeedbackRead)
def resolve_feedback(session: DbSession, staff: RequireEditor, feedback_id: int, body: ResolveRequest) -> FeedbackRead:
    row = queue.resolve_feedback(session, account=staff.account, actor=staff.actor, feedback_id=feedback_id,
                                 note=body.note)  # fmt: skip
    return FeedbackRead(**queue.feedback_detail(session, account=staff.account, feedback_id=row["id"]))


@router.get("/dashboard", response_model=DashboardRead)
def dashboard(
    session: DbSession,
    staff: CurrentStaff,
    runtime: CurrentRuntime,
    stale_days: Annotated[int | None, Query(ge=1, le=3650)] = None,
) -> DashboardRead:
    """Satisfaction by venue and by item, and current guides not verified for ``stale_days`` days."""
    days = stale_days or runtime.settings.guide_stale_days
    account = staff.account
    _, open_count = queue.list_feedback(session, account=account, status="open", limit=1, offset=0)
    return DashboardRead(
        open_feedback=open_count,
        stale_days=days,
        venues=[SatisfactionRead.model_validate(s) for s in queue.satisfaction(session, account=account, by="venue")],
        items=[SatisfactionRead.model_validate(s) for s in queue.satisfaction(session, account=account, by="item")],
        stale_guides=[StaleGuideRead(**g) for g in queue.stale_guides(session, account=account, days=days,
                                                                       today=utc_now().date())],
    )  # fmt: skip


@router.get("/audit", response_model=AuditPage)
def audit_log(
    session: DbSession,
    staff: RequireAdmin,
    action: Annotated[str | None, Query(max_length=60)] = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditPage:
    """Every staff action, newest first (admins)."""
    rows, total = list_audit(session, action=action, actor_name=actor, limit=limit, offset=offset)
    return AuditPage(total=total, limit=limit, offset=offset, items=[AuditRead.model_validate(r) for r in rows])


@router.get("/accounts", response_model=list[StaffRead])
def list_accounts(session: DbSession, staff: RequireAdmin) -> list[StaffRead]:
    return [staff_read(a) for a in repo.list_accounts(session)]


@router.post("/accounts", response_model=StaffRead, status_code=201)
def add_account(session: DbSession, staff: RequireAdmin, body: AccountCreate) -> StaffRead:
    account = create_account(session, **body.model_dump(), actor=staff.actor)
    return staff_read(account)


@router.post("/accounts/{account_id}/active", response_model=StaffRead)
def change_active(session: DbSession, staff: RequireAdmin, account_id: int, active: bool) -> StaffRead:
    return staff_read(set_active(session, account_id=account_id, active=active, actor=staff.actor))


@router.get("/accounts/{account_id}/phone", response_model=PhoneRead)
def read_phone(session: DbSession, staff: RequireAdmin, account_id: int) -> PhoneRead:
    """A staff member's phone number in full (admins; every read is audited)."""
    return PhoneRead(id=account_id, phone=reveal_phone(session, account_id=account_id, actor=staff.actor))
