"""视频办 (rules only, never commits): a member's request (with consent), the agents' queue by skill and
district, acceptance, signalling between the two sides, completion with an outcome. Only the member and the
agent who accepted may see a session or exchange signals; anyone else is refused and the attempt audited."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Final

from sqlalchemy.orm import Session

from cityservices.errors import AppError, Conflict, Forbidden, NotFound, RuleViolation
from cityservices.insurance.archive import repository as archive_repo
from cityservices.insurance.video import repository
from cityservices.insurance.video.models import InsuranceVideoSession, InsuranceVideoSignal
from cityservices.insurance.video.schemas import SignalRead, SignalsRead, SignalWrite, VideoRequest, VideoSessionRead
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.calendar import to_china_time

ITEMS: Final = {
    "elsewhere_filing": "异地就医备案",
    "chronic": "门诊慢特病申请",
    "account": "个人账户与家庭共济",
    "claim": "零星报销",
}
STATUS_ZH: Final = {"waiting": "排队等待中", "active": "通话中", "completed": "已办结", "cancelled": "已取消"}
OPEN: Final = ("waiting", "active")
CITY: Final = "370200"


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def session_read(row: InsuranceVideoSession) -> VideoSessionRead:
    return VideoSessionRead(
        id=row.id, item=row.item, item_label=ITEMS.get(row.item, row.item), status=row.status,
        status_label=STATUS_ZH.get(row.status, row.status), recording=row.recording,
        citizen_masked=row.citizen_masked, agent_name=row.agent_name,
        created_at=to_china_time(_utc(row.created_at)), outcome=row.outcome, demo=row.demo,
    )  # fmt: skip


def request_session(
    session: Session, data: VideoRequest, *, citizen_id: int, citizen_masked: str, certno: str, actor: Actor
) -> InsuranceVideoSession:
    """A member asks for a video session about an item; consent is required, one open session at a time."""
    if data.item not in ITEMS:
        raise RuleViolation("没有这个办理事项")
    if not data.consent:
        raise RuleViolation("视频办理需要您先同意开启摄像头和麦克风")
    if any(row.status in OPEN for row in repository.own_sessions(session, citizen_id)):
        raise Conflict("您已有一个正在排队或进行中的视频办理")
    member = archive_repo.own_member(session, certno)
    now = utc_now()
    row = InsuranceVideoSession(
        id=secrets.token_hex(16), citizen_id=citizen_id, citizen_masked=citizen_masked, item=data.item,
        skill=data.item, district=member.insuplc_admdvs if member else CITY, status="waiting", consent_at=now,
        recording=data.recording, created_at=now,
    )  # fmt: skip
    repository.add(session, row)
    record_audit(session, actor=actor, action="insurance.video.request", target_kind="video_session",
                 target_key=row.id, detail={"item": data.item, "recording": data.recording})  # fmt: skip
    return row


def own_sessions(session: Session, citizen_id: int) -> list[InsuranceVideoSession]:
    return repository.own_sessions(session, citizen_id)


def _refused(session: Session, error: AppError, *, actor: Actor, session_id: str, side: str) -> AppError:
    """A refused access, audited. The error is returned, not raised, so that the audit row is committed with the
    request (routes answer it as the error response)."""
    record_audit(session, actor=actor, action="insurance.video.refused", target_kind="video_session",
                 target_key=session_id[:32], detail={"side": side})  # fmt: skip
    return error


def member_session(
    session: Session, session_id: str, *, citizen_id: int, actor: Actor
) -> InsuranceVideoSession | AppError:
    """The member's own session; for another member's (or none) a 404 error, the attempt audited."""
    row = repository.own(session, session_id, citizen_id)
    if row is None:
        return _refused(session, NotFound("没有这个视频办理"), actor=actor, session_id=session_id, side="member")
    return row


def queue(session: Session, *, skill: str | None, region: str | None) -> list[InsuranceVideoSession]:
    return repository.queue(session, skill=skill, district=region)


def agent_sessions(session: Session, agent_id: int) -> list[InsuranceVideoSession]:
    return repository.recent_for_agent(session, agent_id)


def accept(session: Session, session_id: str, *, agent_id: int, agent_name: str, region: str | None,
           actor: Actor) -> InsuranceVideoSession:  # fmt: skip
    """An agent takes a waiting session (outside the agent's region: not found); a taken one is 409."""
    row = repository.get(session, session_id, lock=True)
    if row is None or (region and not row.district.startswith(region)):
        raise NotFound("没有这个视频办理")
    if row.status != "waiting":
        raise Conflict("该视频办理已被接听或已结束")
    row.status, row.agent_id, row.agent_name, row.accepted_at = "active", agent_id, agent_name, utc_now()
    record_audit(session, actor=actor, action="insurance.video.accept", target_kind="video_session", target_key=row.id)
    return row


def agent_session(
    session: Session, session_id: str, *, agent_id: int, actor: Actor
) -> InsuranceVideoSession | AppError:
    """The session of the agent who accepted it; any other staff member is refused (audited)."""
    row = repository.get(session, session_id)
    if row is None:
        return NotFound("没有这个视频办理")
    if row.agent_id != agent_id:
        return _refused(
            session, Forbidden("这个视频办理由其他工作人员接听"), actor=actor, session_id=row.id, side="agent"
        )
    return row


def send_signal(session: Session, row: InsuranceVideoSession, data: SignalWrite, *, sender: str) -> int:
    if row.status != "active":
        raise RuleViolation("通话尚未接通或已经结束")
    signal = InsuranceVideoSignal(session_id=row.id, sender=sender, kind=data.kind, body=data.body, at=utc_now())
    repository.add(session, signal)
    return signal.id


def read_signals(session: Session, row: InsuranceVideoSession, *, reader: str, after: int) -> SignalsRead:
    """The other side's messages after ``after`` (the last id seen)."""
    other = "agent" if reader == "member" else "member"
    found = repository.signals_after(session, row.id, sender=other, after=after)
    return SignalsRead(status=row.status, signals=[SignalRead(id=s.id, kind=s.kind, body=s.body) for s in found])


def complete(session: Session, row: InsuranceVideoSession, *, outcome: str, actor: Actor) -> InsuranceVideoSession:
    if row.status != "active":
        raise RuleViolation("只有通话中的视频办理可以办结")
    row.status, row.outcome, row.ended_at = "completed", outcome.strip(), utc_now()
    record_audit(session, actor=actor, action="insurance.video.complete", target_kind="video_session",
                 target_key=row.id)  # fmt: skip
    return row


def cancel(session: Session, row: InsuranceVideoSession, *, actor: Actor) -> InsuranceVideoSession:
    if row.status not in OPEN:
        raise RuleViolation("该视频办理已经结束")
    row.status, row.ended_at = "cancelled", utc_now()
    record_audit(session, actor=actor, action="insurance.video.cancel", target_kind="video_session", target_key=row.id)
    return row
