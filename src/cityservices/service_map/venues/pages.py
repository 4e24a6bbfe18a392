"""The page of one venue: every attribute, hours with today highlighted, the items it handles, nearby places
and a route on the map."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from cityservices.deps import CurrentRuntime, DbSession
from cityservices.errors import NotFound
from cityservices.kit.calendar import UnknownCalendarYear, now_in_china
from cityservices.kit.geo import point_or_none
from cityservices.platform.templating import templates
from cityservices.service_map.catalogue import repository as repo
from cityservices.service_map.catalogue.page_format import map_config
from cityservices.service_map.venues import repository as venue_repo
from cityservices.service_map.where.service import VenueHoursReport, describe_venue_hours

router = APIRouter(include_in_schema=False)
ITEMS_PER_PAGE = 30
NEARBY_CATEGORIES = ("parking", "petrol", "food")


@router.get("/venues/{venue_id}", response_class=HTMLResponse)
def venue_page(
    request: Request,
    runtime: CurrentRuntime,
    session: DbSession,
    venue_id: Annotated[str, Path(min_length=1, max_length=64)],
    iq: Annotated[str, Query(max_length=50, description="filter of the items handled")] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    item: Annotated[str, Query(max_length=64, description="the item that led here")] = "",
    origin: Annotated[str, Query(alias="from", max_length=60, description="route origin: lat,lng (WGS-84)")] = "",
) -> HTMLResponse:
    venue = venue_repo.get_venue_detail(session, venue_id)
    if venue is None:
        raise NotFound(f"未找到服务场所: {venue_id}")
    now = now_in_china()
    hours: VenueHoursReport | None = None
    hours_error = None
    try:
        hours = describe_venue_hours(session, venue_id=venue.id, at=now, days=7)
    except UnknownCalendarYear as exc:
        hours_error = exc.detail
    divisions = repo.division_rows(session, [venue.division_code])
    division = divisions.get(venue.division_code)
    parent = repo.division_rows(session, [division.parent_code]).get(division.parent_code or "") if division else None
    window_departments = [w.get("department_code") for w in venue.windows if isinstance(w, dict)]
    text = iq.strip()
    rows, total = venue_repo.list_venue_items(
        session, venue.id, text=text, limit=ITEMS_PER_PAGE, offset=(page - 1) * ITEMS_PER_PAGE
    )
    context = {
        "venue": venue,
        "division": division,
        "parent": parent if parent and parent.level != "city" else None,
        "departments": repo.department_names(session, window_departments),
        "hours": hours,
        "hours_error": hours_error,
        "now": now,
        "items": rows,
        "items_total": total,
        "iq": text,
        "page": page,
        "pages": max(1, -(-total // ITEMS_PER_PAGE)),
        "from_item": repo.get_item(session, item) if item else None,
        "origin": point_or_none(origin),
        "nearby_categories": NEARBY_CATEGORIES,
        "districts": repo.list_districts(session),
        "map": map_config(runtime.settings),
    }
    return templates.TemplateResponse(request, "venue.html", context)
