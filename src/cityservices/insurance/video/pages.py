"""视频办 pages. The member's (``/insurance/video``): choose an item, consent, wait in the queue, then the call,
showing files; earlier sessions listed. The agent's (``/insurance/agent/video``): the queue by skill, accept, the
call with the member's files, complete with an outcome; the region's finished sessions. Administrators set the
agents' skills (``/insurance/agent/video-skills``). The call pages allow the camera and microphone for this site
only (``Permissions-Policy``) and load ``js/video.js`` (WebSocket signalling, polling as the fallback)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cityservices.auth.citizens.web import OptionalCitizen, csrf_for_citizen
from cityservices.auth.service import acting_accounts
from cityservices.auth.web import render_staff_page, see_other
from cityservices.deps import CurrentStaff, DbSession, RequireAdmin, RequireEditor
from cityservices.errors import AppError
from cityservices.insurance.video import service
from cityservices.insurance.video.schemas import VideoRequest
from cityservices.platform.security import csrf_token
from cityservices.platform.templating import templates

router = APIRouter(tags=["insurance pages"], include_in_schema=False)
SessionId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
MEDIA_POLICY = "camera=(self), microphone=(self), payment=(), geolocation=(self)"


def _call_headers(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Permissions-Policy"] = MEDIA_POLICY
    return response


def _member_home(request: Request, session: DbSession, citizen_id: int, error: str | None = None) -> Response:
    sessions = [service.session_read(r) for r in service.own_sessions(session, citizen_id)]
    context = {"items": service.ITEMS, "sessions": sessions, "error": error}
    status = 200 if error is None else 400
    return _call_headers(templates.TemplateResponse(request, "insurance/video.html", context, status_code=status))


def _refusal(request: Request, error: AppError) -> Response:
    """A refusal answered without raising, so that its audit row is kept."""
    context = {"status": error.status_code, "detail": error.page_text()}
    return templates.TemplateResponse(request, "error.html", context, status_code=error.status_code)


@router.get("/insurance/video", response_class=HTMLResponse)
def member_page(request: Request, session: DbSession, citizen: OptionalCitizen) -> Response:
    if citizen is None:
        return RedirectResponse("/citizen/login?next=/insurance/video", status_code=303)
    return _member_home(request, session, citizen.account.id)


@router.post("/insurance/video", response_class=HTMLResponse)
def member_request(
    request: Request,
    session: DbSession,
    citizen: OptionalCitizen,
    item: Annotated[str, Form(max_length=40)] = "",
    consent: Annotated[str, Form(max_length=5)] = "",
    recording: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    if citizen is None:
        return RedirectResponse("/citizen/login?next=/insurance/video", status_code=303)
    data = VideoRequest(item=item or "-", consent=consent == "yes", recording=recording == "yes")
    try:
        row = service.request_session(session, data, citizen_id=citizen.account.id,
                                      citizen_masked=citizen.account.id_masked, certno=citizen.id_number,
                                      actor=citizen.actor)  # fmt: skip
    except AppError as exc:
        return _member_home(request, session, citizen.account.id, exc.detail)
    return see_other(f"/insurance/video/{row.id}")


@router.get("/insurance/video/{session_id}", response_class=HTMLResponse)
def member_call(request: Request, session: DbSession, citizen: OptionalCitizen, session_id: SessionId) -> Response:
    if citizen is None:
        return RedirectResponse("/citizen/login?next=/insurance/video", status_code=303)
    row = service.member_session(session, session_id, citizen_id=citizen.account.id, actor=citizen.actor)
    if isinstance(row, AppError):
        return _refusal(request, row)
    base = f"/api/v1/insurance/video/sessions/{row.id}"
    context = {"video": service.session_read(row), "role": "member", "csrf": csrf_for_citizen(request), "api": base,
               "files": service.list_files(session, row, actor=citizen.actor, base=f"{base}/files")}  # fmt: skip
    return _call_headers(templates.TemplateResponse(request, "insurance/video_call.html", context))


@router.get("/insurance/agent/video", response_class=HTMLResponse)
def agent_queue(request: Request, session: DbSession, staff: CurrentStaff) -> Response:
    region = staff.account.scopes.get("insurance_region")
    waiting = [service.session_read(r) for r in service.queue(session, agent_id=staff.account.id, region=region)]
    mine = [service.session_read(r) for r in service.agent_sessions(session, staff.account.id)]
    skills = [service.ITEMS.get(s, s) for s in service.agent_skills(session, staff.account.id)]
    history = [service.session_read(r) for r in service.region_history(session, region)]
    context = {"staff": staff, "queue": waiting, "mine": mine, "skills": skills, "history": history}
    return render_staff_page(request, "insurance/video_queue.html", context)


@router.post("/insurance/agent/video/{session_id}/accept")
def agent_accept(session: DbSession, staff: RequireEditor, session_id: SessionId) -> Response:
    service.accept(session, session_id, agent_id=staff.account.id, agent_name=staff.account.display_name,
                   region=staff.account.scopes.get("insurance_region"), actor=staff.actor)  # fmt: skip
    return see_other(f"/insurance/agent/video/{session_id}")


@router.get("/insurance/agent/video/{session_id}", response_class=HTMLResponse)
def agent_call(request: Request, session: DbSession, staff: RequireEditor, session_id: SessionId) -> Response:
    row = service.agent_session(session, session_id, agent_id=staff.account.id, actor=staff.actor)
    if isinstance(row, AppError):
        return _refusal(request, row)
    base = f"/api/staff/insurance/video/sessions/{row.id}"
    files = service.list_files(session, row, actor=staff.actor, base=f"{base}/files")
    context = {"staff": staff, "video": service.session_read(row), "role": "agent", "csrf": csrf_token(request),
               "api": base, "files": files}  # fmt: skip
    return _call_headers(render_staff_page(request, "insurance/video_agent.html", context))


@router.post("/insurance/agent/video/{session_id}/complete")
def agent_complete(
    request: Request,
    session: DbSession,
    staff: RequireEditor,
    session_id: SessionId,
    outcome: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    row = service.agent_session(session, session_id, agent_id=staff.account.id, actor=staff.actor)
    if isinstance(row, AppError):
        return _refusal(request, row)
    if not outcome.strip():
        outcome = "已办结"
    service.complete(session, row, outcome=outcome, actor=staff.actor)
    return see_other(f"/insurance/agent/video/{session_id}")


@router.get("/insurance/agent/video-skills", response_class=HTMLResponse)
def skills_page(request: Request, session: DbSession, staff: RequireAdmin) -> Response:
    """Administrators set which items each agent handles (none ticked: every item)."""
    agents = [(a, set(service.agent_skills(session, a.id))) for a in acting_accounts(session)]
    context = {"staff": staff, "agents": agents, "items": service.ITEMS}
    return render_staff_page(request, "insurance/video_skills.html", context)


@router.post("/insurance/agent/video-skills/{account_id}")
def skills_save(
    session: DbSession,
    staff: RequireAdmin,
    account_id: Annotated[int, Path(ge=1, le=2**31)],
    skill: Annotated[list[str] | None, Form(max_length=20)] = None,
) -> Response:
    service.set_agent_skills(session, account_id, skill or [], actor=staff.actor)
    return see_other("/insurance/agent/video-skills")
