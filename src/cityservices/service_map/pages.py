"""Server-rendered pages of the service map: home, search and browsing (items and venues in their own modules)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cityservices.deps import CurrentRuntime, DbSession
from cityservices.service_map import page_repository as repo
from cityservices.service_map import pages_items, pages_venues
from cityservices.service_map.page_format import install, map_config
from cityservices.service_map.search.cache import get_search_index
from cityservices.service_map.search.normalize import MAX_QUERY_CHARS, InvalidQuery
from cityservices.templating import templates

install(templates.env)
router = APIRouter(tags=["pages"], include_in_schema=False)
router.include_router(pages_items.router)
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
            result = index.search(q, limit=SEARCH_LIMIT).as_dict()
        except InvalidQuery as exc:  # shown on the page, with the box to try again
            error = exc.detail
    codes = [hit["code"] for hit in (result or {}).get("items", [])]
    context = {
        "q": q,
        "result": result,
        "error": error,
        "district": _district_slot(result),
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
    venues = repo.list_venues(session, level=level or None, district=district or None)
    districts = repo.list_districts(session)
    division_names = repo.divisions(session, [v.division_code for v in venues])
    context = {
        "venues": venues,
        "districts": districts,
        "level": level,
        "district": district,
        "district_name": next((d.name for d in districts if d.code == district), ""),
        "division_names": {code: d.name for code, d in division_names.items()},
        "item_counts": repo.count_items_per_venue(session, [v.id for v in venues]),
        "map": map_config(runtime.settings),
    }
    return templates.TemplateResponse(request, "browse.html", context)
