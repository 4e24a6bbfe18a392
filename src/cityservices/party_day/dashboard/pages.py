"""``/party/manage/dashboard``: the committee dashboard page, its charts drawn on the server as SVG."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from cityservices.auth.web import render_staff_page
from cityservices.deps import CurrentStaff, DbSession
from cityservices.party_day.compliance.rules import BEIJING
from cityservices.party_day.dashboard import service
from cityservices.party_day.dashboard.charts import Bar, Stack, bar_chart, stacked_chart
from cityservices.party_day.dashboard.schemas import Dashboard, DashboardGroup
from cityservices.party_day.organisation.schemas import ORG_CODE

router = APIRouter(prefix="/party/manage", tags=["party pages"], include_in_schema=False)


def _percent(rate: float | None) -> str:
    return "无记录" if rate is None else f"{rate * 100:.1f}%"


def charts(board: Dashboard) -> dict[str, Markup]:
    """The page's charts: by branch kind and by subordinate organisation (SVG markup, text escaped)."""

    def stacks(groups: list[DashboardGroup]) -> list[Stack]:
        return [Stack(g.name, g.states.model_dump()) for g in groups]

    def rates(groups: list[DashboardGroup]) -> list[Bar]:
        return [Bar(g.name, g.attendance_rate or 0.0, _percent(g.attendance_rate)) for g in groups]

    def arrears(groups: list[DashboardGroup]) -> list[Bar]:
        return [Bar(g.name, float(g.arrears), f"¥{g.arrears}") for g in groups]

    def study(groups: list[DashboardGroup]) -> list[Bar]:
        return [Bar(g.name, float(g.study_hours_per_member), f"{g.study_hours_per_member} 学时") for g in groups]

    out: dict[str, Markup] = {}
    for name, groups in (("kind", board.by_kind), ("unit", board.by_unit)):
        if not groups:
            continue
        out[f"{name}_states"] = Markup(stacked_chart("组织生活完成情况", stacks(groups)))
        out[f"{name}_attendance"] = Markup(bar_chart("参会率", rates(groups), scale_max=1.0))
        out[f"{name}_arrears"] = Markup(bar_chart("党费欠交", arrears(groups)))
        out[f"{name}_study"] = Markup(bar_chart("人均学时", study(groups)))
    out["requirements"] = Markup(
        stacked_chart("各项要求", [Stack(r.label, r.states.model_dump()) for r in board.by_requirement])
    )
    return out


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request, session: DbSession, staff: CurrentStaff,
    code: Annotated[str | None, Query(max_length=32, pattern=ORG_CODE)] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> HTMLResponse:  # fmt: skip
    today = dt.datetime.now(BEIJING).date()
    shown = year or today.year
    on = today if shown == today.year else min(today, dt.date(shown, 12, 31))
    board = service.dashboard(session, account=staff.account, actor=staff.actor,
                              code=code or service.default_code(session, staff.account), year=shown,
                              on=max(on, dt.date(shown, 1, 1)))  # fmt: skip
    context = {"staff": staff, "board": board, "charts": charts(board), "percent": _percent}
    return render_staff_page(request, "party_day/dashboard.html", context)
