"""Attendance routes: the QR sign-in token (staff), the member's own QR sign-in (public: the token and the
member's ID number prove it; CSRF-checked), roster ticks, leave requests and decisions, make-up study."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request

from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import error_responses
from cityservices.party_day.attendance import service
from cityservices.party_day.attendance.schemas import (
    AttendanceRead,
    AttendanceSummary,
    LeaveDecision,
    LeaveRequest,
    MemberMark,
    QrSignIn,
    SignInToken,
)

router = APIRouter(prefix="/api/v1/party", tags=["party"])


def _secret(request: Request) -> str:
    secret: bytes = request.app.state.security.secret
    return secret.hex()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@router.get("/activities/{activity_id}/sign-in-token", response_model=SignInToken, responses=error_responses(403, 404))
def sign_in_token(request: Request, session: DbSession, staff: CurrentStaff, activity_id: int) -> SignInToken:
    """The token the organiser shows as a QR code; it works only inside the sign-in window."""
    return service.issue_token(session, account=staff.account, activity_id=activity_id, secret=_secret(request))


@router.post("/sign-in", response_model=AttendanceRead, status_code=201, responses=error_responses(409))
def sign_in(request: Request, session: DbSession, data: QrSignIn) -> AttendanceRead:
    """A member signs in with the scanned token and their ID number (public; once per person; never echoed)."""
    return service.sign_in_by_qr(session, token=data.token, id_number=data.id_number, now=_now(),
                                 secret=_secret(request))  # fmt: skip


@router.post("/activities/{activity_id}/roster", response_model=AttendanceRead, status_code=201,
             responses=error_responses(403, 404, 409))  # fmt: skip
def tick_roster(session: DbSession, staff: RequireEditor, activity_id: int, data: MemberMark) -> AttendanceRead:
    return service.tick_roster(session, account=staff.account, actor=staff.actor, activity_id=activity_id,
                               member_id=data.member_id, now=_now())  # fmt: skip


@router.post("/activities/{activity_id}/leave", response_model=AttendanceRead, status_code=201,
             responses=error_responses(403, 404, 409))  # fmt: skip
def request_leave(session: DbSession, staff: RequireEditor, activity_id: int, data: LeaveRequest) -> AttendanceRead:
    return service.request_leave(session, account=staff.account, actor=staff.actor, activity_id=activity_id,
                                 member_id=data.member_id, reason=data.reason, now=_now())  # fmt: skip


@router.post("/attendance/{attendance_id}/decision", response_model=AttendanceRead,
             responses=error_responses(403, 404, 409))  # fmt: skip
def decide_leave(session: DbSession, staff: RequireEditor, attendance_id: int, data: LeaveDecision) -> AttendanceRead:
    """Approve or refuse a leave request (only within the account's scope)."""
    return service.decide_leave(session, account=staff.account, actor=staff.actor, attendance_id=attendance_id,
                                approve=data.approve, now=_now())  # fmt: skip


@router.post("/activities/{activity_id}/make-up", response_model=AttendanceRead, status_code=201,
             responses=error_responses(403, 404, 409))  # fmt: skip
def make_up(session: DbSession, staff: RequireEditor, activity_id: int, data: MemberMark) -> AttendanceRead:
    """Record make-up study (补学) within the window after the activity."""
    return service.record_make_up(session, account=staff.account, actor=staff.actor, activity_id=activity_id,
                                  member_id=data.member_id, now=_now())  # fmt: skip


@router.get("/activities/{activity_id}/attendance", response_model=AttendanceSummary,
            responses=error_responses(403, 404))  # fmt: skip
def attendance(session: DbSession, staff: CurrentStaff, activity_id: int) -> AttendanceSummary:
    return service.summarise(session, account=staff.account, activity_id=activity_id)
