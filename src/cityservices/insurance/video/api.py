"""视频办 API. Members (``/api/v1/insurance/video``, a citizen session, ``X-CSRF-Token`` on POST): request a
session, follow it, exchange signalling messages, cancel. Agents (``/api/staff/insurance/video``, a staff session;
editors act): the queue, accept, signalling, complete. Nothing here is cached."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from cityservices.auth.citizens.service import SignedInCitizen
from cityservices.auth.citizens.web import CurrentCitizen
from cityservices.auth.service import SignedIn
from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import AppError
from cityservices.insurance.video import service
from cityservices.insurance.video.models import InsuranceVideoSession
from cityservices.insurance.video.schemas import (
    OutcomeWrite,
    SignalsRead,
    SignalWrite,
    VideoRequest,
    VideoSessionRead,
)

router = APIRouter(prefix="/api/v1/insurance/video", tags=["insurance video"])
staff_router = APIRouter(prefix="/api/staff/insurance/video", tags=["insurance video"])
SessionId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="视频办理编号")]
After = Annotated[int, Query(ge=0, le=2**62, description="已收到的最后一条信令编号")]
SkillQuery = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]+$")]
CITIZEN: dict[int | str, dict[str, Any]] = {401: {"description": "未登录"}, 403: {"description": "缺少 X-CSRF-Token"}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "没有这个视频办理"}}
MEMBER: dict[int | str, dict[str, Any]] = {**CITIZEN, **NOT_FOUND}
TAKEN: dict[int | str, dict[str, Any]] = {**NOT_FOUND, 403: {"description": "由其他工作人员接听"}}


def _no_store(response: Response) -> None:
    response.headers["Cache-Control"] = "no-store"


def _member_row(session: Session, citizen: SignedInCitizen, session_id: str) -> InsuranceVideoSession | AppError:
    return service.member_session(session, session_id, citizen_id=citizen.account.id, actor=citizen.actor)


def _agent_row(session: Session, staff: SignedIn, session_id: str) -> InsuranceVideoSession | AppError:
    return service.agent_session(session, session_id, agent_id=staff.account.id, actor=staff.actor)


def _refusal(error: AppError) -> JSONResponse:
    """A refusal answered without raising, so that its audit row is kept."""
    return JSONResponse(error.body(), status_code=error.status_code)


@router.get("/items")
def list_items() -> dict[str, str]:
    """The business items that can be handled by video (code → name)."""
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


@router.get("/sessions/{session_id}", response_model=VideoSessionRead, responses=MEMBER)
def read_session(
    session: DbSession, citizen: CurrentCitizen, session_id: SessionId, response: Response
) -> VideoSessionRead | JSONResponse:
    _no_store(response)
    row = _member_row(session, citizen, session_id)
    if isinstance(row, AppError):
        return _refusal(row)
    return service.session_read(row)


@router.get("/sessions/{session_id}/signals", response_model=SignalsRead, responses=MEMBER)
def member_signals(
    session: DbSession,
    citizen: CurrentCitizen,
    session_id: SessionId,
    response: Response,
    after: After = 0,
) -> SignalsRead | JSONResponse:
    """The agent's signalling messages after ``after``, and the session's status."""
    _no_store(response)
    row = _member_row(session, citizen, session_id)
    if isinstance(row, AppError):
        return _refusal(row)
    return service.read_signals(session, row, reader="member", after=after)


@router.post("/sessions/{session_id}/signals", status_code=201, response_model=dict[str, int], responses=MEMBER)
def member_send(
    session: DbSession, citizen: CurrentCitizen, session_id: SessionId, body: SignalWrite
) -> dict[str, int] | JSONResponse:
    row = _member_row(session, citizen, session_id)
    if isinstance(row, AppError):
        return _refusal(row)
    return {"id": service.send_signal(session, row, body, sender="member")}


@router.post("/sessions/{session_id}/cancel", response_model=VideoSessionRead, responses=MEMBER)
def member_cancel(
    session: DbSession, citizen: CurrentCitizen, session_id: SessionId
) -> VideoSessionRead | JSONResponse:
    row = _member_row(session, citizen, session_id)
    if isinstance(row, AppError):
        return _refusal(row)
    return service.session_read(service.cancel(session, row, actor=citizen.actor))


@staff_router.get("/queue", response_model=list[VideoSessionRead])
def read_queue(session: DbSession, staff: CurrentStaff, skill: SkillQuery = None) -> list[VideoSessionRead]:
    """Waiting sessions, oldest first, within the account's insurance region; optionally of one skill."""
    region = staff.account.scopes.get("insurance_region")
    return [service.session_read(row) for row in service.queue(session, skill=skill, region=region)]


@staff_router.post("/sessions/{session_id}/accept", response_model=VideoSessionRead,
                   responses={**NOT_FOUND, 409: {"description": "已被接听或已结束"}})  # fmt: skip
def accept(session: DbSession, staff: RequireEditor, session_id: SessionId) -> VideoSessionRead:
    row = service.accept(session, session_id, agent_id=staff.account.id, agent_name=staff.account.display_name,
                         region=staff.account.scopes.get("insurance_region"), actor=staff.actor)  # fmt: skip
    return service.session_read(row)


@staff_router.get("/sessions/{session_id}/signals", response_model=SignalsRead,
                  responses=TAKEN)  # fmt: skip
def agent_signals(
    session: DbSession, staff: RequireEditor, session_id: SessionId, after: After = 0
) -> SignalsRead | JSONResponse:
    row = _agent_row(session, staff, session_id)
    if isinstance(row, AppError):
        return _refusal(row)
    return service.read_signals(session, row, reader="agent", after=after)


@staff_router.post("/sessions/{session_id}/signals", status_code=201, response_model=dict[str, int], responses=TAKEN)
def agent_send(
    session: DbSession, staff: RequireEditor, session_id: SessionId, body: SignalWrite
) -> dict[str, int] | JSONResponse:
    row = _agent_row(session, staff, session_id)
    if isinstance(row, AppError):
        return _refusal(row)
    return {"id": service.send_signal(session, row, body, sender="agent")}


@staff_router.post("/sessions/{session_id}/complete", response_model=VideoSessionRead,
                   responses=TAKEN)  # fmt: skip
def complete(
    session: DbSession, staff: RequireEditor, session_id: SessionId, body: OutcomeWrite
) -> VideoSessionRead | JSONResponse:
    row = _agent_row(session, staff, session_id)
    if isinstance(row, AppError):
        return _refusal(row)
    return service.session_read(service.complete(session, row, outcome=body.outcome, actor=staff.actor))
