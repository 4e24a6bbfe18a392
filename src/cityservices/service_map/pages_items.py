"""Pages of an item's guide (办事指南, printable) and of the one-thing bundles (一件事)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from cityservices.deps import CurrentRuntime, DbSession
from cityservices.errors import NotFound
from cityservices.kit.calendar import UnknownCalendarYear, now_in_china
from cityservices.kit.calendar_store import load_calendar
from cityservices.service_map import page_repository as repo
from cityservices.service_map.bundles import materials_in_common
from cityservices.service_map.models import Guide
from cityservices.service_map.page_format import is_demo, map_config
from cityservices.templating import templates

router = APIRouter(include_in_schema=False)
Code = Annotated[str, Path(min_length=1, max_length=64)]
DistrictParam = Annotated[str, Query(max_length=12, pattern=r"^\d*$", description="near me 的默认区(市)")]


def due_date(session: Session, guide: Guide | None, today: dt.date) -> dt.date | None:
    """The promised completion date if the application were accepted today (working days; None if unknown)."""
    if guide is None or not guide.promised_time_limit_days:
        return None
    try:
        return load_calendar(session).add_working_days(today, guide.promised_time_limit_days)
    except UnknownCalendarYear:
        return None


@router.get("/items/{code}", response_class=HTMLResponse)
def item_page(
    request: Request,
    runtime: CurrentRuntime,
    session: DbSession,
    code: Code,
    q: Annotated[str, Query(max_length=200, description="the search that led here")] = "",
    district: DistrictParam = "",
) -> HTMLResponse:
    """An item with its current guide: materials, steps, time limits, fees, visits, channels; and "near me"."""
    item = repo.get_item(session, code)
    if item is None:
        raise NotFound(f"未找到事项: {code}")
    guide = repo.get_current_guide(session, item.id)
    departments = repo.department_names(
        session, [item.department_code, *(i.department_code for i in item.implementations)]
    )
    today = now_in_china().date()
    context = {
        "item": item,
        "guide": guide,
        "departments": departments,
        "bundles": repo.bundles_of_item(session, item.id),
        "today": today,
        "due": due_date(session, guide, today),
        "q": q,
        "districts": repo.list_districts(session),
        "district": district,
        "map": map_config(runtime.settings),
    }
    return templates.TemplateResponse(request, "item.html", context)


@router.get("/bundles", response_class=HTMLResponse)
def bundles_page(request: Request, session: DbSession) -> HTMLResponse:
    """Every one-thing bundle (一件事) by life event."""
    return templates.TemplateResponse(request, "bundles.html", {"bundles": repo.list_bundles(session)})


@router.get("/bundles/{code}", response_class=HTMLResponse)
def bundle_page(
    request: Request, runtime: CurrentRuntime, session: DbSession, code: Code, district: DistrictParam = ""
) -> HTMLResponse:
    """A bundle's items in order, each with its guide's essentials, and the materials they share."""
    bundle = repo.get_bundle(session, code)
    if bundle is None:
        raise NotFound(f"未找到“一件事”: {code}")
    ids = [entry.item_id for entry in bundle.items]
    items = repo.items_by_id(session, ids)
    guides = repo.current_guides(session, ids)
    context = {
        "bundle": bundle,
        "items": items,
        "guides": guides,
        "in_common": materials_in_common([(e.position, guides.get(e.item_id)) for e in bundle.items]),
        "in_common_demo": any(is_demo(g, "materials") for g in guides.values()),
        "departments": repo.department_names(
            session, [bundle.lead_department_code, *(i.department_code for i in items.values())]
        ),
        "districts": repo.list_districts(session),
        "district": district,
        "map": map_config(runtime.settings),
    }
    return templates.TemplateResponse(request, "bundle.html", context)
