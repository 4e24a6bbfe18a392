"""The member's phone page (``/insurance/filing``): the four categories with documents, validity and rules, and
the ratio preview for a member type; and the staff-assisted filing page (``/staff/insurance/filings/assist``) where a
signed-in editor previews for the member and files on the member's behalf (masked, audited)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from cityservices.auth.citizens.service import SignedInCitizen
from cityservices.auth.citizens.web import OptionalCitizen
from cityservices.auth.web import render_staff_page
from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import AppError
from cityservices.insurance.filings import api, service
from cityservices.insurance.filings.rules import CATEGORY_CODES, filing_rules, regions
from cityservices.insurance.filings.schemas import FilingCreate, FilingRead, PreviewRead
from cityservices.insurance.members import service as members
from cityservices.insurance.rules.service import rule_book
from cityservices.insurance.scopes import region_of
from cityservices.insurance.settlement.pages import CHOICES, plain
from cityservices.kit.calendar import now_in_china
from cityservices.platform.templating import templates

router = APIRouter(tags=["insurance pages"], include_in_schema=False)
LEVELS = {"3": "三级", "2": "二级", "1": "一级"}
FIELD_ZH = {
    "psn_no": "人员编号",
    "category": "备案类别",
    "mdtrtarea_admvs": "就医地",
    "begin_date": "开始日期",
    "admission_date": "入院日期",
    "documents": "已交材料",
}


def _percent(ratio: str) -> str:
    return f"{float(ratio) * 100:g}%"


def _preview_rows(preview: PreviewRead) -> list[dict[str, object]]:
    return [
        {
            "name": p.category_name,
            "direct": p.direct_settlement,
            "local": _percent(p.pool_ratio_local),
            "there": _percent(p.pool_ratio_elsewhere),
            "points": f"{float(p.reduction_points) * 100:g}",
            "fund_local": p.fund_pay_local,
            "fund_there": p.fund_pay_elsewhere,
            "why": [plain(text) for text in p.explanation],
            "example": p.example_parameters,
        }
        for p in preview.previews
    ]


STATUS_ZH = {"active": "有效", "cancelled": "已取消", "replaced": "已变更"}


def _provinces() -> dict[str, str]:
    return {k: v for k, v in regions().provinces.items() if k != "37"} | {"37": "山东省（青岛市以外）"}


def _own_context(session: DbSession, citizen: SignedInCitizen, hosp_lv: str) -> dict[str, object]:
    """The signed-in member's part of the page, through the member's own filing routes (404 → no record)."""
    context: dict[str, object] = {"signed_in": True, "own_error": None, "own_filings": [], "own_rows": []}
    try:
        context["own_filings"] = api.my_filings(session, citizen, Response())
        preview = api.my_preview(session, citizen, api.MyPreviewRequest(hosp_lv=hosp_lv), Response())
        context["own_rows"] = _preview_rows(preview)
    except AppError as exc:
        context["own_error"] = exc.detail
    return context


def _filing_page(
    request: Request, session: DbSession, citizen: SignedInCitizen | None, psn_type: str, hosp_lv: str,
    *, message: str | None = None, error: str | None = None, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    psn_type = psn_type if psn_type in CHOICES else "1201"
    level = hosp_lv if hosp_lv in LEVELS else "3"
    preview = service.preview_ratios(
        service.facts_for_type(psn_type), on=now_in_china().date(), hosp_lv=level, med_type="21",  # type: ignore[arg-type]
        book=rule_book(session),
    )  # fmt: skip
    context: dict[str, object] = {
        "categories": service.categories(),
        "rules": filing_rules(),
        "rows": _preview_rows(preview),
        "psn_choices": CHOICES,
        "level_choices": LEVELS,
        "form": {"psn_type": psn_type, "hosp_lv": level},
        "signed_in": False,
        "message": message,
        "error": error,
        "provinces": _provinces(),
        "documents": filing_rules().documents,
        "today": now_in_china().date(),
        "status_zh": STATUS_ZH,
    }
    if citizen is not None:
        context |= _own_context(session, citizen, level)
    response = templates.TemplateResponse(request, "insurance/filings/filing.html", context, status_code=status)
    if citizen is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/insurance/filing", response_class=HTMLResponse)
def filing_page(
    request: Request,
    session: DbSession,
    citizen: OptionalCitizen,
    psn_type: Annotated[str, Query(max_length=4)] = "1201",
    hosp_lv: Annotated[str, Query(max_length=1)] = "3",
) -> HTMLResponse:
    return _filing_page(request, session, citizen, psn_type, hosp_lv)


@dataclass(frozen=True)
class FilingFields:
    """The filing form as posted, the member's own and the staff-assisted one alike."""

    category: str
    province: str
    begin_date: str
    admission_date: str
    documents: list[str]

    def payload(self) -> dict[str, object]:
        return {"category": self.category, "mdtrtarea_admvs": f"{self.province}0000", "begin_date": self.begin_date,
                "admission_date": self.admission_date or None, "documents": self.documents}  # fmt: skip


def filing_fields(
    category: Annotated[str, Form(max_length=30)],
    province: Annotated[str, Form(max_length=2)],
    begin_date: Annotated[str, Form(max_length=10)],
    admission_date: Annotated[str, Form(max_length=10)] = "",
    documents: Annotated[list[str] | None, Form()] = None,
) -> FilingFields:
    return FilingFields(category, province, begin_date, admission_date, documents or [])


Fields = Annotated[FilingFields, Depends(filing_fields)]


def _refusal(exc: ValidationError | AppError) -> str:
    """What the page says about a refused form: the first unusable field, or the rule that refused it."""
    if isinstance(exc, ValidationError):
        field = str(exc.errors()[0]["loc"][0])
        return f"填写有误：{FIELD_ZH.get(field, '请检查填写内容')}"
    return exc.detail


def _own_action(
    request: Request, session: DbSession, citizen: SignedInCitizen | None, act: Callable[[], str]
) -> HTMLResponse:
    """Run one of the member's own filing actions (nothing written if refused); the page shows its outcome."""
    if citizen is None:
        return _filing_page(request, session, None, "1201", "3", error="请先登录后再办理备案", status=401)
    message, error = None, None
    try:
        with session.begin_nested():
            message = act()
    except (ValidationError, AppError) as exc:
        error = _refusal(exc)
    return _filing_page(request, session, citizen, "1201", "3", message=message, error=error,
                        status=200 if message else 422)  # fmt: skip


@router.post("/insurance/filing", response_class=HTMLResponse)
def own_file(request: Request, session: DbSession, citizen: OptionalCitizen, fields: Fields) -> HTMLResponse:
    """The signed-in member files through the member's own filing route; a refusal is shown, nothing written."""

    def act() -> str:
        assert citizen is not None
        done = api.my_create(session, citizen, api.MyFilingCreate.model_validate(fields.payload()), Response())
        until = f"至 {done.end_date}" if done.end_date else "长期有效"
        return f"已备案：{done.category_name}，就医地 {done.mdtrtarea_name}，{done.begin_date} 起{until}"

    return _own_action(request, session, citizen, act)


@router.post("/insurance/filing/{filing_id}/cancel", response_class=HTMLResponse)
def own_cancel(
    request: Request,
    session: DbSession,
    citizen: OptionalCitizen,
    filing_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")],
) -> HTMLResponse:
    """Cancel one's own filing through the member's own cancellation route."""

    def act() -> str:
        assert citizen is not None
        done = api.my_cancel(session, citizen, filing_id, Response())
        return f"已取消备案：{done.category_name}，就医地 {done.mdtrtarea_name}"

    return _own_action(request, session, citizen, act)


def _staff_context(
    session: DbSession, staff: CurrentStaff, psn_no: str, *, error: str | None = None, done: FilingRead | None = None
) -> dict[str, object]:
    context: dict[str, object] = {
        "staff": staff,
        "psn_no": psn_no,
        "error": error,
        "done": done,
        "categories": service.categories(),
        "category_codes": CATEGORY_CODES,
        "provinces": _provinces(),
        "documents": filing_rules().documents,
        "today": now_in_china().date(),
        "member": None,
        "filings": [],
        "rows": [],
    }
    if psn_no:
        region = region_of(staff.account)
        try:
            context["member"] = members.member_read(members.member_or_404(session, psn_no, region=region))
            context["filings"] = service.member_filings(session, psn_no, actor=staff.actor, region=region)
            preview = service.member_preview(
                session, psn_no, on=now_in_china().date(), hosp_lv="3", med_type="21", book=rule_book(session),
                actor=staff.actor, region=region,
            )  # fmt: skip
            context["rows"] = _preview_rows(preview)
        except AppError as exc:
            context["error"] = error or exc.detail
    return context


@router.get("/staff/insurance/filings/assist", response_class=HTMLResponse)
def staff_filing_page(
    request: Request,
    session: DbSession,
    staff: CurrentStaff,
    psn_no: Annotated[str, Query(max_length=30, pattern=r"^[A-Za-z0-9]*$")] = "",
) -> HTMLResponse:
    return render_staff_page(request, "insurance/filings/staff_filing.html", _staff_context(session, staff, psn_no))


@router.post("/staff/insurance/filings/assist", response_class=HTMLResponse)
def staff_file(
    request: Request,
    session: DbSession,
    staff: RequireEditor,
    psn_no: Annotated[str, Form(max_length=30)],
    fields: Fields,
) -> HTMLResponse:
    """File on the member's behalf; a refusal is shown on the page, nothing written."""
    error, done = None, None
    try:
        data = FilingCreate.model_validate({"psn_no": psn_no, **fields.payload()})
        with session.begin_nested():
            done = service.create_filing(
                session, data, actor=staff.actor, today=now_in_china().date(), region=region_of(staff.account)
            )
    except (ValidationError, AppError) as exc:
        error = _refusal(exc)
    context = _staff_context(session, staff, psn_no if psn_no.isalnum() else "", error=error, done=done)
    return render_staff_page(request, "insurance/filings/staff_filing.html", context, status=200 if done else 422)
