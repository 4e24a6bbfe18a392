"""视频办 API. Members (``/api/v1/insurance/video``, a citizen session, ``X-CSRF-Token`` on POST): request a
session, follow it, exchange signalling messages (a WebSocket, ``…/live``; the HTTP routes when it cannot
connect), show files, cancel. Agents (``/api/staff/insurance/video``, a staff session; editors act): the queue by
skill, accept, signalling, files, complete; administrators set agents' skills. Nothing here is cached."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, File, Path, Query, Response, UploadFile, WebSocket
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from cityservices.auth.citizens.service import CitizenKeys, resolve_citizen_session
from cityservices.auth.citizens.web import CITIZEN_COOKIE, CurrentCitizen
from cityservices.auth.service import resolve_session
from cityservices.db import session_scope
from cityservices.deps import CurrentStaff, DbSession, RequireAdmin, RequireEditor
from cityservices.errors import AppError
from cityservices.insurance.video import live, service
from cityservices.insurance.video.models import InsuranceVideoSession
from cityservices.insurance.video.schemas import (
    OutcomeWrite,
    SignalsRead,
    SignalWrite,
    SkillsRead,
    SkillsWrite,
    VideoFileRead,
    VideoRequest,
    VideoSessionRead,
)
from cityservices.platform.runtime import Runtime
from cityservices.platform.security import SESSION_COOKIE, SecurityConfig

router = APIRouter(prefix="/api/v1/insurance/video", tags=["insurance video"])
staff_router = APIRouter(prefix="/api/staff/insurance/video", tags=["insurance video"])
SessionId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="视频办理编号")]
FileId = Annotated[int, Path(ge=1, le=2**31, description="文件编号")]
AccountId = Annotated[int, Path(ge=1, le=2**31, description="工作人员账户编号")]
After = Annotated[int, Query(ge=0, le=2**62, description="已收到的最后一条信令编号")]
SkillQuery = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]+$")]
Upload = Annotated[UploadFile, File(description="PDF、JPG 或 PNG，不超过 1 MB")]
CITIZEN: dict[int | str, dict[str, Any]] = {401: {"description": "未登录"}, 403: {"description": "缺少 X-CSRF-Token"}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "没有这个视频办理"}}
MEMBER: dict[int | str, dict[str, Any]] = {**CITIZEN, **NOT_FOUND}
TAKEN: dict[int | str, dict[str, Any]] = {**NOT_FOUND, 403: {"description": "由其他工作人员接听"}}
T = TypeVar("T")
MEMBER_FILES = "/api/v1/insurance/video/sessions/{id}/files"
AGENT_FILES = "/api/staff/insurance/video/sessions/{id}/files"


def _no_store(response: Response) -> None:
    response.headers["Cache-Control"] = "no-store"


def _answer(row: InsuranceVideoSession | AppError, act: Callable[[InsuranceVideoSession], T]) -> T | JSONResponse:
    """``act`` on the session, or the refusal answered without raising, so that its audit row is kept."""
    if isinstance(row, AppError):
        return JSONResponse(row.body(), status_code=row.status_code, headers={"Cache-Control": "no-store"})
    return act(row)


def _file_response(session: Session, row: InsuranceVideoSession, file_id: int, actor: Any) -> Response:
    found = service.read_file(session, row, file_id, actor=actor)
    return Response(found.content, media_type=found.content_type,
                    headers={"Cache-Control": "no-store", "Content-Disposition": "attachment"})  # fmt: skip


def _reader(session: Session, side: str, after: int) -> Callable[[InsuranceVideoSession], SignalsRead]:
    """Reads the other side's signalling messages after ``after`` for ``side``."""
    return lambda row: service.read_signals(session, row, reader=side, after=after)


def _sender(session: Session, side: str, body: SignalWrite) -> Callable[[InsuranceVideoSession], dict[str, int]]:
    """Stores ``side``'s signalling message."""
    return lambda row: {"id": service.send_signal(session, row, body, sender=side)}


def _listing(session: Session, row: InsuranceVideoSession, actor: Any, files: str) -> list[VideoFileRead]:
    return service.list_files(session, row, actor=actor, base=files.format(id=row.id))


@router.get("/items")
def list_items() -> dict[str, str]:
    """The business items that can be handled by video (code → name); they are also the agents' skills."""
    return dict(service.ITEMS)


@router.post(
    "/sessions",
    status_code=201,
    response_model=VideoSessionRead,
    responses={**CITIZEN, 409: {"description": "已有进行中的视频办理"}},
)
def request_session(
    session: DbSession, citizen: CurrentCitizen, body: VideoRequest, response: Response
) -> VideoSessionRead:
    """Ask for a video session about an item; ``consent`` must be true."""
    _no_store(response)
    account = citizen.account
    row = service.request_session(session, body, citizen_id=account.id, citizen_masked=account.id_masked,
                                  certno=citizen.id_number, actor=citizen.actor)  # fmt: skip
    return service.session_read(row)


def _own(session: Session, citizen: Any, session_id: str) -> InsuranceVideoSession | AppError:
    return service.member_session(session, session_id, citizen_id=citizen.account.id, actor=citizen.actor)


@router.get("/sessions/{session_id}", response_model=VideoSessionRead, responses=MEMBER)
def read_session(session: DbSession, citizen: CurrentCitizen, session_id: SessionId) -> Any:
    return _answer(_own(session, citizen, session_id), service.session_read)


@router.get("/sessions/{session_id}/signals", response_model=SignalsRead, responses=MEMBER)
def member_signals(session: DbSession, citizen: CurrentCitizen, session_id: SessionId, after: After = 0) -> Any:
    """The agent's signalling messages after ``after``, and the session's status (when the WebSocket cannot
    connect)."""
    return _answer(_own(session, citizen, session_id), _reader(session, "member", after))


@router.post("/sessions/{session_id}/signals", status_code=201, response_model=dict[str, int], responses=MEMBER)
def member_send(session: DbSession, citizen: CurrentCitizen, session_id: SessionId, body: SignalWrite) -> Any:
    return _answer(_own(session, citizen, session_id), _sender(session, "member", body))


@router.post("/sessions/{session_id}/cancel", response_model=VideoSessionRead, responses=MEMBER)
def member_cancel(session: DbSession, citizen: CurrentCitizen, session_id: SessionId) -> Any:
    return _answer(_own(session, citizen, session_id),
                   lambda row: service.session_read(service.cancel(session, row, actor=citizen.actor)))  # fmt: skip


@router.post("/sessions/{session_id}/files", status_code=201, response_model=VideoFileRead, responses=MEMBER)
def member_upload(session: DbSession, citizen: CurrentCitizen, session_id: SessionId, file: Upload) -> Any:
    """Keep a file shown in the call with the session (PDF, JPEG or PNG by content; at most 1 MB)."""
    return _answer(_own(session, citizen, session_id),
                   lambda row: service.add_file(session, row, name=file.filename or "", upload=file.file,
                                                sender="member", actor=citizen.actor,
                                                base=MEMBER_FILES.format(id=row.id)))  # fmt: skip


@router.get("/sessions/{session_id}/files", response_model=list[VideoFileRead], responses=MEMBER)
def member_files(session: DbSession, citizen: CurrentCitizen, session_id: SessionId, response: Response) -> Any:
    """The files of the session (the read is audited)."""
    _no_store(response)
    return _answer(_own(session, citizen, session_id), lambda row: _listing(session, row, citizen.actor, MEMBER_FILES))


@router.get("/sessions/{session_id}/files/{file_id}", response_class=Response, responses=MEMBER)
def member_file(session: DbSession, citizen: CurrentCitizen, session_id: SessionId, file_id: FileId) -> Any:
    """One file's content, as an attachment (the read is audited)."""
    return _answer(_own(session, citizen, session_id), lambda row: _file_response(session, row, file_id, citizen.actor))


@staff_router.get("/queue", response_model=list[VideoSessionRead])
def read_queue(session: DbSession, staff: CurrentStaff, skill: SkillQuery = None) -> list[VideoSessionRead]:
    """Waiting sessions offered to this account, oldest first: of its skills (every item without any recorded)
    and any that has waited past the fallback wait, within its insurance region; optionally of one item."""
    region = staff.account.scopes.get("insurance_region")
    rows = service.queue(session, agent_id=staff.account.id, region=region, skill=skill)
    return [service.session_read(row) for row in rows]


@staff_router.post("/sessions/{session_id}/accept", response_model=VideoSessionRead,
                   responses={**NOT_FOUND, 409: {"description": "已被接听或已结束"}})  # fmt: skip
def accept(session: DbSession, staff: RequireEditor, session_id: SessionId) -> VideoSessionRead:
    row = service.accept(session, session_id, agent_id=staff.account.id, agent_name=staff.account.display_name,
                         region=staff.account.scopes.get("insurance_region"), actor=staff.actor)  # fmt: skip
    return service.session_read(row)


def _taken(session: Session, staff: Any, session_id: str) -> InsuranceVideoSession | AppError:
    return service.agent_session(session, session_id, agent_id=staff.account.id, actor=staff.actor)


@staff_router.get("/sessions/{session_id}/signals", response_model=SignalsRead, responses=TAKEN)
def agent_signals(session: DbSession, staff: RequireEditor, session_id: SessionId, after: After = 0) -> Any:
    return _answer(_taken(session, staff, session_id), _reader(session, "agent", after))


@staff_router.post("/sessions/{session_id}/signals", status_code=201, response_model=dict[str, int], responses=TAKEN)
def agent_send(session: DbSession, staff: RequireEditor, session_id: SessionId, body: SignalWrite) -> Any:
    return _answer(_taken(session, staff, session_id), _sender(session, "agent", body))


@staff_router.get("/sessions/{session_id}/files", response_model=list[VideoFileRead], responses=TAKEN)
def agent_files(session: DbSession, staff: RequireEditor, session_id: SessionId) -> Any:
    """The files the member showed in the call (the read is audited)."""
    return _answer(_taken(session, staff, session_id), lambda row: _listing(session, row, staff.actor, AGENT_FILES))


@staff_router.get("/sessions/{session_id}/files/{file_id}", response_class=Response, responses=TAKEN)
def agent_file(session: DbSession, staff: RequireEditor, session_id: SessionId, file_id: FileId) -> Any:
    return _answer(_taken(session, staff, session_id), lambda row: _file_response(session, row, file_id, staff.actor))


@staff_router.post("/sessions/{session_id}/complete", response_model=VideoSessionRead, responses=TAKEN)
def complete(session: DbSession, staff: RequireEditor, session_id: SessionId, body: OutcomeWrite) -> Any:
    return _answer(_taken(session, staff, session_id),
                   lambda row: service.session_read(service.complete(session, row, outcome=body.outcome,
                                                                     actor=staff.actor)))  # fmt: skip


@staff_router.get("/agents/{account_id}/skills", response_model=SkillsRead)
def read_skills(session: DbSession, staff: CurrentStaff, account_id: AccountId) -> SkillsRead:
    """The items an agent handles (none: every item)."""
    return SkillsRead(account_id=account_id, skills=service.agent_skills(session, account_id))


@staff_router.put(
    "/agents/{account_id}/skills", response_model=SkillsRead, responses={422: {"description": "未知事项"}}
)
def write_skills(session: DbSession, staff: RequireAdmin, account_id: AccountId, body: SkillsWrite) -> SkillsRead:
    """Set the items an agent handles (audited, with the skills before and after)."""
    skills = service.set_agent_skills(session, account_id, body.skills, actor=staff.actor)
    return SkillsRead(account_id=account_id, skills=skills)


# ---- signalling over WebSocket -------------------------------------------------------------------------------


def _member_peer(websocket: WebSocket, runtime: Runtime, session: Session, session_id: str) -> live.Peer | None:
    token = websocket.cookies.get(CITIZEN_COOKIE, "")
    if not token or len(token) > 100:
        return None
    security: SecurityConfig = websocket.app.state.security
    keys, ip = CitizenKeys.from_secret(security.secret), websocket.client.host if websocket.client else None
    citizen = resolve_citizen_session(session, token=token, ip=ip, settings=runtime.settings, keys=keys)
    if citizen is None:
        return None
    account_id, actor = citizen.account.id, citizen.actor
    return live.Peer("member", actor, lambda s: service.member_session(s, session_id, citizen_id=account_id,
                                                                        actor=actor))  # fmt: skip


def _agent_peer(websocket: WebSocket, runtime: Runtime, session: Session, session_id: str) -> live.Peer | None:
    token = websocket.cookies.get(SESSION_COOKIE, "")
    if not token or len(token) > 200:
        return None
    staff = resolve_session(session, token=token, ip=websocket.client.host if websocket.client else None,
                            settings=runtime.settings)  # fmt: skip
    if staff is None or staff.account.role not in ("admin", "editor"):
        return None
    agent_id, actor = staff.account.id, staff.actor
    return live.Peer("agent", actor, lambda s: service.agent_session(s, session_id, agent_id=agent_id, actor=actor))


PeerMaker = Callable[[WebSocket, Runtime, Session, str], "live.Peer | None"]


def _connect(websocket: WebSocket, runtime: Runtime, session_id: str, make: PeerMaker) -> live.Peer | None:
    """The side of a socket when its cookie is live and the session is its own (a refusal is audited)."""
    with session_scope(runtime.sessions) as session:
        peer = make(websocket, runtime, session, session_id)
        if peer is None or isinstance(peer.load(session), AppError):
            return None
        return peer


async def _live(websocket: WebSocket, session_id: str, after: int, make: PeerMaker) -> None:
    runtime: Runtime = websocket.app.state.runtime
    if not live.origin_allowed(websocket, runtime.settings.public_origin):
        await websocket.close(code=live.POLICY_VIOLATION)
        return
    peer = await run_in_threadpool(_connect, websocket, runtime, session_id, make)
    if peer is None:
        await websocket.close(code=live.POLICY_VIOLATION)
        return
    await websocket.accept()
    await live.serve(websocket, runtime, peer, session_id, after)


@router.websocket("/sessions/{session_id}/live")
async def member_live(websocket: WebSocket, session_id: SessionId, after: After = 0) -> None:
    """Signalling with the agent over a WebSocket (the citizen's session cookie; this site's ``Origin``)."""
    await _live(websocket, session_id, after, _member_peer)


@staff_router.websocket("/sessions/{session_id}/live")
async def agent_live(websocket: WebSocket, session_id: SessionId, after: After = 0) -> None:
    """Signalling with the member over a WebSocket (the staff session cookie; this site's ``Origin``)."""
    await _live(websocket, session_id, after, _agent_peer)
