"""视频办 (rules only, never commits): a member's request (with consent) about a business item, the agents' queue
by skill and district (an agent is offered the sessions of their skills, and any session that has waited longer
than ``FALLBACK_WAIT``), acceptance, signalling between the two sides, the files shown in the call, completion
with an outcome. Only the member and the agent who accepted may see a session, its files or exchange signals;
anyone else is refused and the attempt audited. Each change of a session is published (``TOPIC``) after commit,
so that the other side's WebSocket, in whichever worker, reads the database again at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Collection
from typing import BinaryIO, Final

from sqlalchemy.orm import Session

from cityservices.errors import AppError, Conflict, Forbidden, NotFound, RequestInvalid, RuleViolation
from cityservices.insurance.archive import repository as archive_repo
from cityservices.insurance.video import repository
from cityservices.insurance.video.models import InsuranceVideoFile, InsuranceVideoSession, InsuranceVideoSignal
from cityservices.insurance.video.schemas import (
    SignalRead,
    SignalsRead,
    SignalWrite,
    VideoFileRead,
    VideoRequest,
    VideoSessionRead,
)
from cityservices.kit import events
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.calendar import to_china_time

ITEMS: Final = {  # the business items, which are also the agents' skills
    "elsewhere_filing": "异地就医备案",
    "enrolment": "参保登记",
    "maternity": "生育津贴",
    "claim": "医保报销（零星报销）",
    "chronic": "门诊慢特病申请",
    "account": "个人账户与家庭共济",
}
TOPIC: Final = "insurance.video"  # payload {"session": id}: a session's status, signals or files changed
FALLBACK_WAIT: Final = dt.timedelta(minutes=2)  # then any agent in scope is offered the session
FILE_RETENTION: Final = dt.timedelta(days=180)  # files are kept this long after the session ends
MAX_FILE_BYTES: Final = 1024 * 1024
MAX_FILES: Final = 10
FILE_SIGNATURES: Final = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"),
                          (b"\x89PNG\r\n\x1a\n", "image/png"))  # fmt: skip
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
    repository.delete_files_ended_before(session, now - FILE_RETENTION)
    _changed(session, row)
    record_audit(session, actor=actor, action="insurance.video.request", target_kind="video_session",
                 target_key=row.id, detail={"item": data.item, "recording": data.recording})  # fmt: skip
    return row


def _changed(session: Session, row: InsuranceVideoSession) -> None:
    events.publish_after_commit(session, TOPIC, {"session": row.id})


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


def agent_skills(session: Session, agent_id: int) -> list[str]:
    """The items an agent handles; none recorded means every item."""
    return repository.skills_of(session, agent_id)


def set_agent_skills(session: Session, agent_id: int, skills: Collection[str], *, actor: Actor) -> list[str]:
    unknown = sorted(set(skills) - set(ITEMS))
    if unknown:
        raise RequestInvalid("skills", "没有这些办理事项：" + "、".join(unknown))
    before = repository.skills_of(session, agent_id)
    repository.set_skills(session, agent_id, skills)
    after = repository.skills_of(session, agent_id)
    record_audit(session, actor=actor, action="insurance.video.skills", target_kind="account", target_key=str(agent_id),
                 detail={"before": before, "after": after})  # fmt: skip
    return after


def queue(session: Session, *, agent_id: int, region: str | None, now: dt.datetime | None = None,
          skill: str | None = None) -> list[InsuranceVideoSession]:  # fmt: skip
    """The waiting sessions offered to an agent: of the agent's skills (all, without any recorded), and any that
    has waited longer than ``FALLBACK_WAIT``; within the agent's region; optionally of one item only."""
    skills: Collection[str] | None = repository.skills_of(session, agent_id) or None
    since = (now or utc_now()) - FALLBACK_WAIT
    rows = repository.queue(session, skills=skills, waited_since=since, district=region)
    return [row for row in rows if skill is None or row.skill == skill]


def offered(row: InsuranceVideoSession, skills: Collection[str], now: dt.datetime) -> bool:
    """Whether a waiting session is offered to an agent with these skills (by skill, or after the fallback wait)."""
    return not skills or row.skill in skills or _utc(row.created_at) <= now - FALLBACK_WAIT


def agent_sessions(session: Session, agent_id: int) -> list[InsuranceVideoSession]:
    return repository.recent_for_agent(session, agent_id)


def region_history(session: Session, region: str | None) -> list[InsuranceVideoSession]:
    """The latest finished sessions of the agent's region (masked member, item, outcome)."""
    return repository.ended_in(session, region)


def accept(session: Session, session_id: str, *, agent_id: int, agent_name: str, region: str | None,
           actor: Actor) -> InsuranceVideoSession:  # fmt: skip
    """An agent takes a waiting session (outside the agent's region, or of another skill before the fallback
    wait: not found); a taken one is 409."""
    row = repository.get(session, session_id, lock=True)
    if row is None or (region and not row.district.startswith(region)):
        raise NotFound("没有这个视频办理")
    if row.status == "waiting" and not offered(row, repository.skills_of(session, agent_id), utc_now()):
        raise NotFound("没有这个视频办理")
    if row.status != "waiting":
        raise Conflict("该视频办理已被接听或已结束")
    row.status, row.agent_id, row.agent_name, row.accepted_at = "active", agent_id, agent_name, utc_now()
    _changed(session, row)
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
    _changed(session, row)
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
    _changed(session, row)
    record_audit(session, actor=actor, action="insurance.video.complete", target_kind="video_session",
                 target_key=row.id)  # fmt: skip
    return row


def cancel(session: Session, row: InsuranceVideoSession, *, actor: Actor) -> InsuranceVideoSession:
    if row.status not in OPEN:
        raise RuleViolation("该视频办理已经结束")
    row.status, row.ended_at = "cancelled", utc_now()
    _changed(session, row)
    record_audit(session, actor=actor, action="insurance.video.cancel", target_kind="video_session", target_key=row.id)
    return row


def _file_read(row: InsuranceVideoFile, base: str) -> VideoFileRead:
    return VideoFileRead(id=row.id, name=row.name, content_type=row.content_type, size=row.size, sender=row.sender,
                         uploaded_at=to_china_time(_utc(row.uploaded_at)), url=f"{base}/{row.id}")  # fmt: skip


def _file_name(name: str) -> str:
    """A shown name: the last path part, without control characters, at most 120 characters."""
    cleaned = "".join(ch for ch in name.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable()).strip()
    return cleaned[:120] or "文件"


def add_file(
    session: Session, row: InsuranceVideoSession, *, name: str, upload: BinaryIO, sender: str, actor: Actor, base: str
) -> VideoFileRead:
    """Keep a file shown during the call: PDF, JPEG or PNG by its first bytes, not empty, at most 1 MB, at most
    ``MAX_FILES`` per session; refused with nothing stored otherwise."""
    if row.status != "active":
        raise RuleViolation("通话尚未接通或已经结束，不能上传文件")
    data = upload.read(MAX_FILE_BYTES + 1)
    if not data:
        raise RequestInvalid("file", "文件是空的")
    if len(data) > MAX_FILE_BYTES:
        raise RequestInvalid("file", "文件不能超过 1 MB")
    content_type = next((ctype for magic, ctype in FILE_SIGNATURES if data.startswith(magic)), None)
    if content_type is None:
        raise RequestInvalid("file", "只接受 PDF、JPG 或 PNG 文件")
    if len(repository.files_of(session, row.id)) >= MAX_FILES:
        raise Conflict(f"每次视频办理最多上传 {MAX_FILES} 个文件")
    stored = InsuranceVideoFile(session_id=row.id, name=_file_name(name), content_type=content_type, size=len(data),
                                sha256=hashlib.sha256(data).hexdigest(), content=data, sender=sender,
                                uploaded_at=utc_now())  # fmt: skip
    repository.add(session, stored)
    _changed(session, row)
    record_audit(session, actor=actor, action="insurance.video.file", target_kind="video_session", target_key=row.id,
                 detail={"file": stored.id, "size": stored.size, "type": content_type})  # fmt: skip
    return _file_read(stored, base)


def list_files(session: Session, row: InsuranceVideoSession, *, actor: Actor, base: str) -> list[VideoFileRead]:
    record_audit(session, actor=actor, action="insurance.video.files", target_kind="video_session", target_key=row.id)
    return [_file_read(f, base) for f in repository.files_of(session, row.id)]


def read_file(session: Session, row: InsuranceVideoSession, file_id: int, *, actor: Actor) -> InsuranceVideoFile:
    found = repository.file_of(session, row.id, file_id)
    if found is None:
        raise NotFound("没有这个文件")
    record_audit(session, actor=actor, action="insurance.video.file_read", target_kind="video_session",
                 target_key=row.id, detail={"file": file_id})  # fmt: skip
    return found
