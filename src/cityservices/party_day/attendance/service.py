"""Rules of attendance: sign-in once per person inside the window (a signed QR token or the organiser's roster
tick), leave requests decided by staff whose scope covers the branch, make-up study (补学) within a window after
the activity. Windows come from the requirement template (示例参数)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor
from cityservices.errors import Conflict, NotFound, RequestInvalid, RuleViolation
from cityservices.kit.audit import SYSTEM, Actor, record_audit
from cityservices.party_day.activities.models import Activity
from cityservices.party_day.activities.repository import activity_by_id, participant_ids
from cityservices.party_day.activities.requirements import Requirements, load_requirements
from cityservices.party_day.activities.service import activity_in_scope
from cityservices.party_day.attendance import repository as repo
from cityservices.party_day.attendance.models import STATES, Attendance
from cityservices.party_day.attendance.schemas import AttendanceRead, AttendanceSummary, SignInToken
from cityservices.party_day.attendance.tokens import make_token, read_token


def window(activity: Activity, req: Requirements | None = None) -> tuple[dt.datetime, dt.datetime]:
    req = req or load_requirements()
    starts = _aware(activity.starts_at)
    return (
        starts - dt.timedelta(minutes=req.opens_minutes_before),
        starts + dt.timedelta(minutes=req.closes_minutes_after),
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite hands back naive UTC


def attendance_read(row: Attendance) -> AttendanceRead:
    return AttendanceRead(id=row.id, activity_id=row.activity_id, member_id=row.member_id, state=row.state,
                          state_name=STATES[row.state], how=row.how, at=row.at)  # fmt: skip


def issue_token(session: Session, *, account: StaffAccount, activity_id: int, secret: str) -> SignInToken:
    activity, _ = activity_in_scope(session, account, activity_id)
    opens, closes = window(activity)
    return SignInToken(token=make_token(secret, activity.id, closes), opens=opens, closes=closes)


def _mark_present(session: Session, activity: Activity, member_id: int, *, how: str, now: dt.datetime) -> Attendance:
    opens, closes = window(activity)
    if now < opens:
        raise RuleViolation("签到尚未开始")
    if now > closes:
        raise RuleViolation("签到已结束；未签到的党员可在活动后补学")
    row = repo.attendance_of(session, activity.id, member_id)
    if row is not None and row.state in ("present", "made_up"):
        raise Conflict("已签到，不能重复签到")
    if row is None:
        row = Attendance(activity_id=activity.id, member_id=member_id, state="present", how=how, at=now)
        session.add(row)
    else:  # came after asking for leave
        row.state, row.how, row.at = "present", how, now
    session.flush()
    return row


def sign_in_by_qr(session: Session, *, token: str, id_number: str, now: dt.datetime, secret: str) -> AttendanceRead:
    """A member signs in with the QR code's token and their own ID number."""
    read = read_token(secret, token)
    if read is None:
        raise RequestInvalid("token", "签到码无效")
    activity_id, closes = read
    activity = activity_by_id(session, activity_id)
    if activity is None:
        raise RequestInvalid("token", "签到码无效")
    if now > closes:
        raise RuleViolation("签到已结束；未签到的党员可在活动后补学")
    member = repo.member_with_id_number(session, id_number.strip().upper())
    if member is None or member.id not in participant_ids(session, activity.id):
        raise RequestInvalid("id_number", "您不在本次活动的参加人员名单中")
    row = _mark_present(session, activity, member.id, how="qr", now=now)
    record_audit(session, actor=SYSTEM, action="party.attendance.qr", target_kind="party_activity",
                 target_key=str(activity.id), detail={"member": member.id})  # fmt: skip
    return attendance_read(row)


def _participant(session: Session, activity: Activity, member_id: int) -> None:
    if member_id not in participant_ids(session, activity.id):
        raise RequestInvalid("member_id", "该党员不在本次活动的参加人员名单中")


def tick_roster(
    session: Session, *, account: StaffAccount, actor: Actor, activity_id: int, member_id: int, now: dt.datetime
) -> AttendanceRead:
    """The organiser ticks a member present on the roster (same window, once per person)."""
    require_editor(account)
    activity, _ = activity_in_scope(session, account, activity_id)
    _participant(session, activity, member_id)
    row = _mark_present(session, activity, member_id, how="roster", now=now)
    record_audit(session, actor=actor, action="party.attendance.roster", target_kind="party_activity",
                 target_key=str(activity.id), detail={"member": member_id})  # fmt: skip
    return attendance_read(row)


def request_leave(
    session: Session, *, account: StaffAccount, actor: Actor, activity_id: int, member_id: int, reason: str,
    now: dt.datetime,
) -> AttendanceRead:  # fmt: skip
    require_editor(account)
    activity, _ = activity_in_scope(session, account, activity_id)
    _participant(session, activity, member_id)
    if not reason.strip():
        raise RequestInvalid("reason", "请填写请假事由")
    if now >= _aware(activity.ends_at):
        raise RuleViolation("活动已结束，不能再请假；请安排补学")
    if repo.attendance_of(session, activity.id, member_id) is not None:
        raise Conflict("该党员已签到或已请假")
    row = Attendance(activity_id=activity.id, member_id=member_id, state="leave_requested", how=None, at=now,
                     reason=reason.strip())  # fmt: skip
    session.add(row)
    session.flush()
    record_audit(session, actor=actor, action="party.leave.request", target_kind="party_activity",
                 target_key=str(activity.id), detail={"member": member_id})  # fmt: skip
    return attendance_read(row)


def decide_leave(
    session: Session, *, account: StaffAccount, actor: Actor, attendance_id: int, approve: bool, now: dt.datetime
) -> AttendanceRead:
    """Approve or refuse a leave request: only staff whose scope covers the branch (else 403, nothing written)."""
    require_editor(account)
    row = repo.attendance_by_id(session, attendance_id)
    if row is None:
        raise NotFound(f"未找到请假记录: {attendance_id}")
    activity_in_scope(session, account, row.activity_id)
    if row.state != "leave_requested":
        raise Conflict("该请假已处理")
    row.state = "leave_approved" if approve else "leave_refused"
    row.decided_by, row.decided_at = account.id, now
    session.flush()
    record_audit(session, actor=actor, action="party.leave.decide", target_kind="party_activity",
                 target_key=str(row.activity_id), detail={"member": row.member_id, "approved": approve})  # fmt: skip
    return attendance_read(row)


def record_make_up(
    session: Session, *, account: StaffAccount, actor: Actor, activity_id: int, member_id: int, now: dt.datetime
) -> AttendanceRead:
    """Make-up study (补学) by a participant who missed the activity, within the window after it ends."""
    require_editor(account)
    req = load_requirements()
    activity, _ = activity_in_scope(session, account, activity_id)
    _participant(session, activity, member_id)
    ends = _aware(activity.ends_at)
    if now < ends:
        raise RuleViolation("活动尚未结束，不能补学")
    if now > ends + dt.timedelta(days=req.make_up_days):
        raise RuleViolation(f"已超过补学期限（活动结束后 {req.make_up_days} 天内）")
    row = repo.attendance_of(session, activity.id, member_id)
    if row is not None and row.state in ("present", "made_up"):
        raise Conflict("该党员已参加或已补学")
    if row is None:
        row = Attendance(activity_id=activity.id, member_id=member_id, state="made_up", how="makeup", at=now)
        session.add(row)
    else:
        row.state, row.how, row.at = "made_up", "makeup", now
    session.flush()
    record_audit(session, actor=actor, action="party.attendance.makeup", target_kind="party_activity",
                 target_key=str(activity.id), detail={"member": member_id})  # fmt: skip
    return attendance_read(row)


def summarise(session: Session, *, account: StaffAccount, activity_id: int) -> AttendanceSummary:
    activity, _ = activity_in_scope(session, account, activity_id)
    rows = repo.attendances(session, activity.id)
    return AttendanceSummary(activity_id=activity.id, expected=len(participant_ids(session, activity.id)),
                             states=repo.state_counts(session, activity.id),
                             items=[attendance_read(r) for r in rows])  # fmt: skip


def window_of(session: Session, activity_id: int) -> tuple[dt.datetime, dt.datetime]:
    activity = activity_by_id(session, activity_id)
    if activity is None:
        raise NotFound(f"未找到活动: {activity_id}")
    return window(activity)
