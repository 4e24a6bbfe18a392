"""Rules of minutes: every fixed element present, the counts consistent with the participants and with the
sign-in records (present + absent = expected), each absence with its reason."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import require_editor
from cityservices.errors import Conflict, NotFound, RequestInvalid, RuleViolation
from cityservices.kit.audit import Actor, record_audit
from cityservices.party_day.activities.repository import participant_ids
from cityservices.party_day.activities.service import activity_in_scope
from cityservices.party_day.attendance.repository import attendances
from cityservices.party_day.records import repository as repo
from cityservices.party_day.records.models import Minutes
from cityservices.party_day.records.schemas import Absence, MinutesCreate, MinutesRead


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def check_minutes(data: MinutesCreate, participants: set[int], present_ids: set[int]) -> None:
    if data.host_id not in participants:
        raise RequestInvalid("host_id", "主持人应为本次活动的参加人员")
    if data.recorder_id not in participants:
        raise RequestInvalid("recorder_id", "记录人应为本次活动的参加人员")
    if data.expected != len(participants):
        raise RequestInvalid("expected", f"应到人数应为参加人员数 {len(participants)}")
    if data.present + data.absent != data.expected:
        raise RequestInvalid("absent", f"实到 {data.present} 人 + 缺席 {data.absent} 人 ≠ 应到 {data.expected} 人")
    if data.present != len(present_ids):
        raise RequestInvalid("present", f"实到人数与签到记录不一致：已签到 {len(present_ids)} 人")
    if len(data.absences) != data.absent:
        raise RequestInvalid("absences", f"缺席 {data.absent} 人，应逐一列出缺席人员及原因")
    seen: set[int] = set()
    for absence in data.absences:
        if absence.member_id not in participants or absence.member_id in present_ids or absence.member_id in seen:
            raise RequestInvalid("absences", f"缺席人员有误: {absence.member_id}（应为未签到的参加人员，且不重复）")
        if not absence.reason.strip():
            raise RequestInvalid("absences", "每位缺席人员须注明原因")
        seen.add(absence.member_id)
    if not data.content.strip():
        raise RequestInvalid("content", "请填写活动内容")


def record_minutes(
    session: Session, *, account: StaffAccount, actor: Actor, activity_id: int, data: MinutesCreate, now: dt.datetime
) -> MinutesRead:
    require_editor(account)
    activity, branch = activity_in_scope(session, account, activity_id)
    if now < _aware(activity.starts_at):
        raise RuleViolation("活动尚未开始，不能填写记录")
    if repo.minutes_of(session, activity.id) is not None:
        raise Conflict("本次活动已有记录")
    participants = set(participant_ids(session, activity.id))
    present_ids = {row.member_id for row in attendances(session, activity.id) if row.state == "present"}
    check_minutes(data, participants, present_ids)
    minutes = Minutes(
        activity_id=activity.id, host_id=data.host_id, recorder_id=data.recorder_id, expected=data.expected,
        present=data.present, absent=data.absent,
        absences=[{"member_id": a.member_id, "reason": a.reason.strip()} for a in data.absences],
        content=data.content.strip(), resolutions=[r.strip() for r in data.resolutions if r.strip()],
        follow_up=[f.strip() for f in data.follow_up if f.strip()], attachments=list(data.attachments),
        recorded_at=now,
    )  # fmt: skip
    session.add(minutes)
    activity.status = "held"
    session.flush()
    record_audit(session, actor=actor, action="party.minutes.record", target_kind="party_activity",
                 target_key=str(activity.id), detail={"branch": branch.code, "present": data.present})  # fmt: skip
    return minutes_read(minutes)


def minutes_read(minutes: Minutes) -> MinutesRead:
    return MinutesRead(
        activity_id=minutes.activity_id, host_id=minutes.host_id, recorder_id=minutes.recorder_id,
        expected=minutes.expected, present=minutes.present, absent=minutes.absent,
        absences=[Absence.model_validate(a) for a in minutes.absences], content=minutes.content,
        resolutions=list(minutes.resolutions), follow_up=list(minutes.follow_up),
        attachments=list(minutes.attachments), recorded_at=minutes.recorded_at,
    )  # fmt: skip


def read_minutes(session: Session, *, account: StaffAccount, actor: Actor, activity_id: int) -> MinutesRead:
    activity, branch = activity_in_scope(session, account, activity_id)
    minutes = repo.minutes_of(session, activity.id)
    if minutes is None:
        raise NotFound("本次活动尚无记录")
    record_audit(session, actor=actor, action="party.minutes.read", target_kind="party_activity",
                 target_key=str(activity.id), detail={"branch": branch.code})  # fmt: skip
    return minutes_read(minutes)


def find_minutes(session: Session, activity_id: int) -> MinutesRead | None:
    """The minutes' counts for the secretary's page (the caller has checked the scope)."""
    minutes = repo.minutes_of(session, activity_id)
    return minutes_read(minutes) if minutes else None
