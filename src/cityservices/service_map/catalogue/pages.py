"""Server-rendered pages of the service map: home, search and browsing (items and venues in their own modules)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from cityservices.deps import CurrentRuntime, DbSession
from cityservices.errors import NotFound
from cityservices.kit.calendar import UnknownCalendarYear, now_in_china
from cityservices.kit.calendar.repository import load_calendar
from cityservices.kit.geo import point_or_none
from cityservices.platform.templating import templates
from cityservices.service_map.catalogue import repository as repo
from cityservices.service_map.catalogue.models import Guide, Item
from cityservices.service_map.catalogue.page_format import install, is_demo, map_config
from cityservices.service_map.catalogue.service import materials_in_common, plan_blocks
from cityservices.service_map.search.cache import get_search_index
from cityservices.service_map.search.normalize import MAX_QUERY_CHARS, InvalidQuery
from cityservices.service_map.venues import pages as pages_venues
from cityservices.service_map.venues import repository as venue_repo
from cityservices.service_map.where.api import venue_index_cache
from cityservices.service_map.where.nearest import NearestHit, NearestQuery, find_nearest_venues, resolve_target
from cityservices.service_map.where.travel import mode_label
from cityservices.service_map.where.visit_time import WHEN_PATTERN, visit_time_defaults, when_of_slot

install(templates.env)
router = APIRouter(tags=["pages"], include_in_schema=False)
router.include_router(pages_venues.router)

# What people most often come for, as they would type it (each is a link to a search).
COMMON_NEEDS = (
    "身份证到期换领",
    "驾照到期换证",
    "社保卡丢了",
    "公积金租房提取",
    "生孩子",
    "结婚登记",
    "办营业执照",
    "居住证",
)
SEARCH_LIMIT = 10


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession) -> HTMLResponse:
    context = {
        "counts": repo.home_counts(session),
        "districts": repo.list_districts(session),
        "bundles": repo.list_bundles(session),
        "common_needs": COMMON_NEEDS,
    }
    return templates.TemplateResponse(request, "home.html", context)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    runtime: CurrentRuntime,
    session: DbSession,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
) -> HTMLResponse:
    """The understood intent, the bundle of a life event, the items with their guide summaries, or no match."""
    result: dict[str, Any] | None = None
    error = None
    if q.strip():
        index = get_search_index(runtime.engine, runtime.sessions)
        try:
            result = index.search(q, limit=SEARCH_LIMIT).model_dump()
        except InvalidQuery as exc:  # shown on the page, with the box to try again
            error = exc.message
    codes = [hit["code"] for hit in (result or {}).get("items", [])]
    context = {
        "q": q,
        "result": result,
        "error": error,
        "district": _district_slot(result),
        "when": when_of_slot((result or {}).get("slots", {}).get("time")),
        "guide_demo": repo.guide_demo_fields(session, codes) if codes else {},
    }
    status = 422 if error else 200
    return templates.TemplateResponse(request, "search.html", context, status_code=status)


def _district_slot(result: dict[str, Any] | None) -> str | None:
    """The district the citizen named (市南区…), passed on to the item page's "near me" fallback."""
    place = (result or {}).get("slots", {}).get("place") or {}
    if place.get("kind") == "division" and place.get("level") == "district":
        return str(place.get("code"))
    return None


@router.get("/browse", response_class=HTMLResponse)
def browse(
    request: Request,
    runtime: CurrentRuntime,
    session: DbSession,
    level: Annotated[Literal["city", "district", "street", ""], Query()] = "",
    district: Annotated[str, Query(max_length=12, pattern=r"^\d*$")] = "",
) -> HTMLResponse:
    """Venues by level (city / district / street) and district, in a list and on the map."""
    venues = venue_repo.list_venues(session, level=level or None, district=district or None)
    districts = repo.list_districts(session)
    division_names = repo.division_rows(session, [v.division_code for v in venues])
    context = {
        "venues": venues,
        "districts": districts,
        "level": level,
        "district": district,
        "district_name": next((d.name for d in districts if d.code == district), ""),
        "division_names": {code: d.name for code, d in division_names.items()},
        "item_counts": venue_repo.count_items_per_venue(session, [v.id for v in venues]),
        "map": map_config(runtime.settings),
    }
    return templates.TemplateResponse(request, "browse.html", context)


Code = Annotated[str, Path(min_length=1, max_length=64)]
DistrictParam = Annotated[str, Query(max_length=12, pattern=r"^\d*$", description="near me 的默认区(市)")]
WhenParam = Annotated[
    str, Query(max_length=24, pattern=WHEN_PATTERN, description="near me 的默认办理时间，如 sat-morning")
]


def due_date(session: Session, guide: Guide | None, today: dt.date) -> dt.date | None:
    """The promised completion date if the application were accepted today (working days; None if unknown)."""
    if guide is None or not guide.promised_time_limit_days:
        return None
    try:
        return load_calendar(session).add_working_days(today, guide.promised_time_limit_days)
    except UnknownCalendarYear:
        return None


PRINT_VENUES = 5


def print_venues(request: Request, session: Session, item: Item, *, district: str, origin: str) -> dict[str, Any]:
    """The printout's venues, as ``print_venues`` (venue, district label, travel from the start point or None;
    from a start point the nearest, within ``district`` when one is given),
    ``print_from`` (whether they are ordered by the start point) and ``district_name``."""
    names = repo.district_names(session)
    start = point_or_none(origin)
    travel: dict[str, NearestHit] = {}
    if start is not None:
        index = venue_index_cache(request.app).get(session)
        target = resolve_target(index, item=item.code)
        query = NearestQuery(
            origin=start, at=now_in_china(), limit=PRINT_VENUES, district=district if district in names else None
        )
        hits = find_nearest_venues(index, target=target, query=query).hits
        travel = {index.venues.ids[h.position]: h for h in hits}
        venues = repo.venues_in_order(session, list(travel))
    else:
        venues = repo.venues_handling_item(session, item.id, district=district, limit=PRINT_VENUES)
    rows = [
        {
            "venue": v,
            "district": names.get(v.division_code[:6], ""),
            "hit": travel.get(v.id),
            "travel_label": mode_label(travel[v.id].travel.mode) if v.id in travel else "",
        }
        for v in venues
    ]
    return {
        "print_venues": rows,
        "print_from": start is not None,
        "district_name": names.get(district, "") if district else "",
    }


@router.get("/items/{code}", response_class=HTMLResponse)
def item_page(
    request: Request,
    runtime: CurrentRuntime,
    session: DbSession,
    code: Code,
    q: Annotated[str, Query(max_length=200, description="the search that led here")] = "",
    district: DistrictParam = "",
    when: WhenParam = "",
    origin: Annotated[
        str, Query(alias="from", max_length=60, description="start point of the printout: lat,lng (WGS-84)")
    ] = "",
) -> HTMLResponse:
    """An item with its current guide: materials, steps, time limits, fees, visits, channels; and "near me".

    The printout lists where to go: from a start point (``from``), the nearest venues by travel time with their
    district as a label; without one, the venues of the chosen district first."""
    item = repo.get_item(session, code)
    if item is None:
        raise NotFound(f"未找到事项: {code}")
    guide = repo.current_guide(session, item.id)
    departments = repo.department_names(
        session, [item.department_code, *(i.department_code for i in item.implementations)]
    )
    today = now_in_china().date()
    context = {
        "item": item,
        "guide": guide,
        "departments": departments,
        "bundles": [bundle for bundle, _ in repo.bundles_of_item(session, item.id)],
        **print_venues(request, session, item, district=district, origin=origin),
        "templated": [
            label
            for field, label in (("acceptance_conditions", "受理条件"), ("steps", "办理流程"), ("faqs", "常见问题"))
            if guide is not None and getattr(guide, field) and is_demo(guide, field)
        ],
        "today": today,
        "due": due_date(session, guide, today),
        "q": q,
        "districts": repo.list_districts(session),
        "district": district,
        "when": visit_time_defaults(when),
        "map": map_config(runtime.settings),
    }
    return templates.TemplateResponse(request, "item.html", context)


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, session: DbSession) -> HTMLResponse:
    """Where the map's content comes from, in plain Chinese (the exact provenance is in the API)."""
    return templates.TemplateResponse(request, "sources.html", {"bundles": repo.list_bundles(session)})


@router.get("/bundles", response_class=HTMLResponse)
def bundles_page(request: Request, session: DbSession) -> HTMLResponse:
    """Every one-thing bundle (一件事) by life event."""
    return templates.TemplateResponse(request, "bundles.html", {"bundles": repo.list_bundles(session)})


@router.get("/bundles/{code}", response_class=HTMLResponse)
def bundle_page(
    request: Request,
    runtime: CurrentRuntime,
    session: DbSession,
    code: Code,
    district: DistrictParam = "",
    when: WhenParam = "",
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
        "plan": plan_blocks(bundle.items),
        "in_common": materials_in_common([(e.position, guides.get(e.item_id)) for e in bundle.items]),
        "in_common_demo": any(is_demo(g, "materials") for g in guides.values()),
        "departments": repo.department_names(
            session, [bundle.lead_department_code, *(i.department_code for i in items.values())]
        ),
        "districts": repo.list_districts(session),
        "district": district,
        "when": visit_time_defaults(when),
        "map": map_config(runtime.settings),
    }
    return templates.TemplateResponse(request, "bundle.html", context)
