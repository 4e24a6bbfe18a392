"""Phone-first pages for branch secretaries (``/party/manage``): the activity list, the plan form, and one page
per activity that runs it in order — sign-in (QR and roster), minutes, the five-standard self-check."""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Any

import segno
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from cityservices.auth.web import render_staff_page, see_other
from cityservices.deps import CurrentRuntime, CurrentStaff, DbSession, RequireEditor
from cityservices.errors import AppError, RequestInvalid
from cityservices.party_day.activities import service
from cityservices.party_day.activities.models import CONTENTS, METHODS, STANDARDS, STATUSES
from cityservices.party_day.activities.requirements import load_requirements
from cityservices.party_day.activities.schemas import ActivityCreate
from cityservices.party_day.attendance import service as attendance
from cityservices.party_day.compliance.rules import BEIJING
from cityservices.party_day.notices import service as notices
from cityservices.party_day.organisation import members as members_service
from cityservices.party_day.organisation import service as organisation
from cityservices.party_day.organisation.schemas import ORG_CODE
from cityservices.party_day.records import photos
from cityservices.party_day.records import service as records
from cityservices.party_day.records.schemas import MinutesCreate
from cityservices.party_day.review import service as review
from cityservices.party_day.review.schemas import SelfCheckCreate

router = APIRouter(prefix="/party/manage", tags=["party pages"], include_in_schema=False)
FIELD_NAMES = {
    "theme": "主题", "starts_at": "开始时间", "ends_at": "结束时间", "method": "组织方式", "place": "地点",
    "contents": "内容", "own_contents": "自选内容", "steps": "程序", "counts_as": "三会一课",
    "participant_ids": "参加人员", "lecturer_id": "讲课人", "branch_code": "党支部", "day": "日期",
    "host_id": "主持人", "recorder_id": "记录人", "expected": "应到人数", "present": "实到人数", "absent": "缺席人数",
    "absences": "缺席人员", "content": "活动内容", "scores": "自评",
}  # fmt: skip


def beijing(moment: dt.datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(BEIJING).strftime("%Y年%m月%d日 %H:%M")


def explain(error: AppError) -> str:
    if isinstance(error, RequestInvalid):
        return "；".join(f"{FIELD_NAMES.get(field, field)}：{message}" for field, message in error.fields)
    return error.detail


def _context(staff: Any, **values: Any) -> dict[str, Any]:
    req = load_requirements()
    return {"staff": staff, "beijing": beijing, "STATUSES": STATUSES, "METHODS": METHODS, "CONTENTS": CONTENTS,
            "STANDARDS": STANDARDS, "STEPS": req.steps, "LINKAGE": req.linkage, **values}  # fmt: skip


@router.get("", response_class=HTMLResponse)
def home(request: Request, session: DbSession, staff: CurrentStaff,
         branch: Annotated[str | None, Query(max_length=32, pattern=ORG_CODE)] = None) -> HTMLResponse:  # fmt: skip
    """The secretary's start page: the branch's reminders, then the activities in scope."""
    branches = _branches(session, staff)
    code = branch or (branches[0].code if len(branches) == 1 else None)
    page = service.list_activities(session, account=staff.account, branch_code=code, start=None, end=None,
                                   limit=30, offset=0)  # fmt: skip
    reminders = None
    if code:
        reminders = notices.branch_notices(session, account=staff.account, actor=staff.actor, branch_code=code,
                                           now=dt.datetime.now(dt.UTC))  # fmt: skip
    context = _context(staff, page=page, branches=branches, reminders=reminders, branch=code)
    return render_staff_page(request, "party_day/home.html", context)


def _branches(session: DbSession, staff: Any) -> list[Any]:
    return organisation.list_organisations(session, account=staff.account, level="branch", kind=None, under=None,
                                           limit=500, offset=0).items  # fmt: skip


@router.get("/plan", response_class=HTMLResponse)
def plan_form(request: Request, session: DbSession, staff: RequireEditor) -> HTMLResponse:
    req = load_requirements()
    form = {"steps": list(req.fixed_steps), "contents": [], "counts_as": [], "method": METHODS[0]}
    context = _context(staff, branches=_branches(session, staff), form=form, error=None)
    return render_staff_page(request, "party_day/plan.html", context)


@router.post("/plan", response_class=HTMLResponse)
def plan_submit(
    request: Request, session: DbSession, staff: RequireEditor, branch: Annotated[str, Form()],
    theme: Annotated[str, Form()], day: Annotated[str, Form()], start: Annotated[str, Form()],
    hours: Annotated[int, Form(ge=1, le=12)], method: Annotated[str, Form()], place: Annotated[str, Form()] = "",
    contents: Annotated[list[str] | None, Form()] = None, steps: Annotated[list[str] | None, Form()] = None,
    counts_as: Annotated[list[str] | None, Form()] = None,
) -> Response:  # fmt: skip
    form = {"branch": branch, "theme": theme, "day": day, "start": start, "hours": str(hours), "method": method,
            "place": place, "contents": contents or [], "steps": steps or [], "counts_as": counts_as or []}  # fmt: skip
    try:
        try:
            starts = dt.datetime.fromisoformat(f"{day}T{start}").replace(tzinfo=BEIJING)
        except ValueError:
            raise RequestInvalid("day", "请填写有效的日期和时间") from None
        req = load_requirements()
        ordered = [s for s in req.steps if s in (steps or [])]
        ends = starts + dt.timedelta(hours=hours)
        data = ActivityCreate(theme=theme, starts_at=starts, ends_at=ends, method=method, place=place or None,
                              contents=contents or [], steps=ordered, counts_as=counts_as or [])  # fmt: skip
        created = service.plan_activity(
            session, account=staff.account, actor=staff.actor, branch_code=branch, data=data
        )
    except ValidationError:
        return _plan_error(request, session, staff, form, "请检查填写的内容")
    except AppError as error:
        return _plan_error(request, session, staff, form, explain(error))
    return see_other(f"/party/manage/activities/{created.id}")


def _plan_error(request: Request, session: DbSession, staff: Any, form: dict[str, Any], error: str) -> HTMLResponse:
    session.rollback()
    context = _context(staff, branches=_branches(session, staff), form=form, error=error)
    return render_staff_page(request, "party_day/plan.html", context, status=422)


def _qr(request: Request, token: str) -> tuple[str, str]:
    """The member's sign-in address (this site's ``/party/sign-in`` with the token) and its QR code as SVG."""
    url = str(request.url_for("party_sign_in_page").include_query_params(token=token))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgclass="qr-code")
    return buffer.getvalue().decode(), url


def _activity_page(request: Request, session: DbSession, staff: Any, activity_id: int, *, error: str | None = None,
                   notice: str | None = None, status: int = 200) -> HTMLResponse:  # fmt: skip
    activity = service.read_activity(session, account=staff.account, activity_id=activity_id)
    summary = attendance.summarise(session, account=staff.account, activity_id=activity_id)
    roster = members_service.list_members(session, account=staff.account, actor=staff.actor,
                                          branch_code=activity.branch_code, limit=500, offset=0)  # fmt: skip
    expected = {row.member_id for row in summary.items} | set(service.participants_of(session, activity_id))
    people = [m for m in roster.items if m.id in expected]
    present = {row.member_id for row in summary.items if row.state == "present"}
    window = attendance.window_of(session, activity_id)
    qr, sign_in_url = None, None
    if activity.status == "planned":
        secret: bytes = request.app.state.security.secret
        token = attendance.issue_token(session, account=staff.account, activity_id=activity_id, secret=secret.hex())
        qr, sign_in_url = _qr(request, token.token)
    minutes = records.find_minutes(session, activity_id)
    checked = review.read_review(session, account=staff.account, activity_id=activity_id)
    now = dt.datetime.now(dt.UTC)
    ends = activity.ends_at if activity.ends_at.tzinfo else activity.ends_at.replace(tzinfo=dt.UTC)
    make_up_until = ends + dt.timedelta(days=load_requirements().make_up_days)
    context = _context(staff, activity=activity, members=people, present_ids=present, window=window, qr=qr,
                       sign_in_url=sign_in_url, minutes=minutes, review=checked, error=error, notice=notice,
                       states={row.member_id: row for row in summary.items}, ended=now >= ends,
                       make_up_open=ends <= now <= make_up_until, make_up_until=make_up_until,
                       photos=photos.photo_names(session, activity_id), max_photos=photos.MAX_PHOTOS)  # fmt: skip
    return render_staff_page(request, "party_day/activity.html", context, status=status)


@router.get("/activities/{activity_id}", response_class=HTMLResponse)
def activity_page(request: Request, session: DbSession, staff: CurrentStaff, activity_id: int) -> HTMLResponse:
    return _activity_page(request, session, staff, activity_id)


@router.post("/activities/{activity_id}/roster", response_class=HTMLResponse)
def roster_submit(request: Request, session: DbSession, staff: RequireEditor, activity_id: int,
                  member_id: Annotated[int, Form()]) -> Response:  # fmt: skip
    try:
        attendance.tick_roster(session, account=staff.account, actor=staff.actor, activity_id=activity_id,
                               member_id=member_id, now=dt.datetime.now(dt.UTC))  # fmt: skip
    except AppError as error:
        session.rollback()
        return _activity_page(request, session, staff, activity_id, error=explain(error), status=error.status_code)
    return see_other(f"/party/manage/activities/{activity_id}")


@router.post("/activities/{activity_id}/minutes", response_class=HTMLResponse)
def minutes_submit(
    request: Request, session: DbSession, staff: RequireEditor, activity_id: int, host_id: Annotated[int, Form()],
    recorder_id: Annotated[int, Form()], content: Annotated[str, Form(max_length=20_000)] = "",
    resolutions: Annotated[str, Form(max_length=5000)] = "", follow_up: Annotated[str, Form(max_length=5000)] = "",
    absent_ids: Annotated[list[int] | None, Form()] = None, reasons: Annotated[list[str] | None, Form()] = None,
) -> Response:  # fmt: skip
    """The counts come from the sign-in records; the secretary gives host, recorder, reasons and content."""
    absent = list(zip(absent_ids or [], reasons or [], strict=False))
    expected = len(service.participants_of(session, activity_id))
    try:
        data = MinutesCreate(
            host_id=host_id, recorder_id=recorder_id, expected=expected, present=expected - len(absent),
            absent=len(absent), absences=[{"member_id": m, "reason": r} for m, r in absent],
            content=content, resolutions=resolutions.splitlines(), follow_up=follow_up.splitlines(),
        )  # fmt: skip
        records.record_minutes(session, account=staff.account, actor=staff.actor, activity_id=activity_id, data=data,
                               now=dt.datetime.now(dt.UTC))  # fmt: skip
    except AppError as error:
        session.rollback()
        return _activity_page(request, session, staff, activity_id, error=explain(error), status=error.status_code)
    return see_other(f"/party/manage/activities/{activity_id}")


@router.post("/activities/{activity_id}/self-check", response_class=HTMLResponse)
def self_check_submit(
    request: Request, session: DbSession, staff: RequireEditor, activity_id: int,
    score_1: Annotated[int, Form()], score_2: Annotated[int, Form()], score_3: Annotated[int, Form()],
    score_4: Annotated[int, Form()], score_5: Annotated[int, Form()],
) -> Response:  # fmt: skip
    scores = dict(zip(STANDARDS, (score_1, score_2, score_3, score_4, score_5), strict=True))
    try:
        review.self_check(session, account=staff.account, actor=staff.actor, activity_id=activity_id,
                          data=SelfCheckCreate(scores=scores), now=dt.datetime.now(dt.UTC))  # fmt: skip
    except AppError as error:
        session.rollback()
        return _activity_page(request, session, staff, activity_id, error=explain(error), status=error.status_code)
    return see_other(f"/party/manage/activities/{activity_id}")


def _redirect_or_error(request: Request, session: DbSession, staff: Any, activity_id: int, action: Any) -> Response:
    try:
        action()
    except AppError as error:
        session.rollback()
        return _activity_page(request, session, staff, activity_id, error=explain(error), status=error.status_code)
    return see_other(f"/party/manage/activities/{activity_id}")


@router.post("/activities/{activity_id}/leave", response_class=HTMLResponse)
def leave_submit(
    request: Request,
    session: DbSession,
    staff: RequireEditor,
    activity_id: int,
    member_id: Annotated[int, Form()],
    reason: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The organiser records a participant's leave request (decided below by someone whose scope covers it)."""
    return _redirect_or_error(request, session, staff, activity_id, lambda: attendance.request_leave(
        session, account=staff.account, actor=staff.actor, activity_id=activity_id, member_id=member_id,
        reason=reason, now=dt.datetime.now(dt.UTC)))  # fmt: skip


@router.post("/activities/{activity_id}/leave/{attendance_id}", response_class=HTMLResponse)
def leave_decision(request: Request, session: DbSession, staff: RequireEditor, activity_id: int, attendance_id: int,
                   decision: Annotated[str, Form(pattern="^(approve|refuse)$")]) -> Response:  # fmt: skip
    return _redirect_or_error(request, session, staff, activity_id, lambda: attendance.decide_leave(
        session, account=staff.account, actor=staff.actor, attendance_id=attendance_id,
        approve=decision == "approve", now=dt.datetime.now(dt.UTC)))  # fmt: skip


@router.post("/activities/{activity_id}/make-up", response_class=HTMLResponse)
def make_up_submit(request: Request, session: DbSession, staff: RequireEditor, activity_id: int,
                   member_id: Annotated[int, Form()]) -> Response:  # fmt: skip
    """Make-up study (补学) of a participant who missed the day, within the window after it."""
    return _redirect_or_error(request, session, staff, activity_id, lambda: attendance.record_make_up(
        session, account=staff.account, actor=staff.actor, activity_id=activity_id, member_id=member_id,
        now=dt.datetime.now(dt.UTC)))  # fmt: skip


@router.post("/activities/{activity_id}/photos", response_class=HTMLResponse)
def photo_submit(request: Request, session: DbSession, staff: RequireEditor, runtime: CurrentRuntime,
                 activity_id: int, file: Annotated[UploadFile, File()]) -> Response:  # fmt: skip
    """A photo for the minutes (the same checks and limits as the API)."""
    data = file.file.read(runtime.settings.max_upload_bytes + 1)
    return _redirect_or_error(request, session, staff, activity_id, lambda: photos.add_photo(
        session, account=staff.account, actor=staff.actor, activity_id=activity_id, data=data,
        settings=runtime.settings))  # fmt: skip
