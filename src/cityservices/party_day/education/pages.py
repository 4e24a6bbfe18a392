"""Pages of the education library and the study-hours ledger (``/party/manage/…``): search the library, one
resource, a member's ledger with a form to record study, and a branch's overview of its members' hours."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from cityservices.auth.web import render_staff_page, see_other
from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import AppError, RequestInvalid
from cityservices.party_day.activities.models import CONTENTS
from cityservices.party_day.compliance.rules import BEIJING
from cityservices.party_day.education import service
from cityservices.party_day.education.models import RESOURCE_KINDS
from cityservices.party_day.education.schemas import StudyCreate
from cityservices.party_day.organisation import members as members_service
from cityservices.party_day.organisation.models import BRANCH_KINDS
from cityservices.party_day.organisation.schemas import ORG_CODE

router = APIRouter(prefix="/party/manage", tags=["party pages"], include_in_schema=False)
FIELDS = {"minutes": "时长", "studied_on": "学习日期", "resource_id": "学习资源", "note": "学习内容", "year": "年度"}
Year = Annotated[int | None, Query(ge=2000, le=2100)]


def _today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


def _explain(error: AppError) -> str:
    if isinstance(error, RequestInvalid):
        return "；".join(f"{FIELDS.get(field, field)}：{message}" for field, message in error.fields)
    return error.detail


def _optional(value: str | None, names: dict[str, str] | tuple[str, ...]) -> str | None:
    return value if value and value in names else None


@router.get("/library", response_class=HTMLResponse)
def library(
    request: Request, session: DbSession, staff: CurrentStaff,
    q: Annotated[str | None, Query(max_length=50)] = None, kind: Annotated[str | None, Query(max_length=12)] = None,
    content: Annotated[str | None, Query(max_length=12)] = None,
    branch_kind: Annotated[str | None, Query(max_length=16)] = None,
    page: Annotated[int, Query(ge=1, le=500)] = 1,
) -> HTMLResponse:  # fmt: skip
    """Search the library; unknown filter values are ignored on the page (the API names them)."""
    filters = {"kind": _optional(kind, RESOURCE_KINDS), "content": _optional(content, CONTENTS),
               "branch_kind": _optional(branch_kind, BRANCH_KINDS)}  # fmt: skip
    found = service.search_resources(session, q=q, limit=20, offset=(page - 1) * 20, **filters)
    context = {"staff": staff, "q": q or "", "filters": filters, "found": found, "page": page,
               "KINDS": RESOURCE_KINDS, "CONTENTS": CONTENTS, "BRANCH_KINDS": BRANCH_KINDS}  # fmt: skip
    return render_staff_page(request, "party_day/library.html", context)


@router.get("/library/{resource_id}", response_class=HTMLResponse)
def resource_page(request: Request, session: DbSession, staff: CurrentStaff, resource_id: int) -> HTMLResponse:
    resource = service.read_resource(session, resource_id)
    kinds = [BRANCH_KINDS.get(k, k) for k in resource.branch_kinds]
    return render_staff_page(request, "party_day/resource.html", {"staff": staff, "r": resource, "kinds": kinds})


def _ledger_page(
    request: Request,
    session: DbSession,
    staff: Any,
    member_id: int,
    year: int,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    member = members_service.read_member(session, account=staff.account, actor=staff.actor, member_id=member_id)
    ledger = service.study_ledger(session, account=staff.account, actor=staff.actor, member_id=member_id, year=year)
    context = {"staff": staff, "member": member, "ledger": ledger, "error": error, "today": _today(),
               "form": form or {"studied_on": _today().isoformat(), "minutes": "45", "note": ""}}  # fmt: skip
    return render_staff_page(request, "party_day/study.html", context, status=status)


@router.get("/members/{member_id}/study", response_class=HTMLResponse)
def ledger_page(request: Request, session: DbSession, staff: CurrentStaff, member_id: int,
                year: Year = None) -> HTMLResponse:  # fmt: skip
    return _ledger_page(request, session, staff, member_id, year or _today().year)


@router.post("/members/{member_id}/study", response_class=HTMLResponse)
def record_study(
    request: Request, session: DbSession, staff: RequireEditor, member_id: int,
    studied_on: Annotated[str, Form(max_length=10)], minutes: Annotated[str, Form(max_length=6)],
    note: Annotated[str, Form(max_length=200)] = "", resource_id: Annotated[str, Form(max_length=10)] = "",
) -> Response:  # fmt: skip
    form = {"studied_on": studied_on, "minutes": minutes, "note": note, "resource_id": resource_id}
    try:
        try:
            day = dt.date.fromisoformat(studied_on)
        except ValueError:
            raise RequestInvalid("studied_on", "请填写有效的日期") from None
        if not minutes.strip().isdigit():
            raise RequestInvalid("minutes", "请填写分钟数（整数）")
        if resource_id.strip() and not resource_id.strip().isdigit():
            raise RequestInvalid("resource_id", "学习资源编号应为数字")
        data = StudyCreate(studied_on=day, minutes=int(minutes), note=note.strip() or None,
                           resource_id=int(resource_id) if resource_id.strip() else None)  # fmt: skip
        service.record_study(session, account=staff.account, actor=staff.actor, member_id=member_id, data=data,
                             today=_today())  # fmt: skip
    except ValidationError:
        session.rollback()
        return _ledger_page(request, session, staff, member_id, _today().year, error="学习内容：不能含有控制字符",
                            form=form, status=422)  # fmt: skip
    except AppError as error:
        session.rollback()
        return _ledger_page(request, session, staff, member_id, _today().year, error=_explain(error), form=form,
                            status=error.status_code)  # fmt: skip
    return see_other(f"/party/manage/members/{member_id}/study?year={day.year}")


@router.get("/branches/{code}/study", response_class=HTMLResponse)
def branch_study(
    request: Request, session: DbSession, staff: CurrentStaff,
    code: Annotated[str, FastPath(max_length=32, pattern=ORG_CODE)], year: Year = None,
) -> HTMLResponse:  # fmt: skip
    shown = year or _today().year
    overview = service.branch_study(session, account=staff.account, actor=staff.actor, branch_code=code, year=shown)
    return render_staff_page(request, "party_day/branch_study.html", {"staff": staff, "o": overview})
