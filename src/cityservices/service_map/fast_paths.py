"""Fast answers (``platform.fast_path``) for the service map's public read routes that carry the read load:
search, nearest, a venue, an item, its guide and a bundle.

Each reads the route's usual parameters itself — only the ones the load uses, written plainly — and answers from
what is in memory: the search index and the venue index when they are ready, the read models when the answer is
kept for the current data generation. Anything else returns ``None`` (the route answers it: a first build, an
index being rebuilt, an unusual or invalid parameter, an unknown code), and so does any error raised on the way
(FastAPI's route raises it again and renders it as always). The answer is made by the same functions the route
calls, so the bytes are the same (``tests/service_map/test_fast_paths.py`` compares the two paths).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, APIRouter

from cityservices.kit import calendar
from cityservices.kit.geo import CRS_NAMES, Crs, check_point, to_wgs84
from cityservices.platform.fast_path import FastAnswer, fast_paths, plain_decimal, plain_int, plain_text
from cityservices.platform.read_models import encode, read_model
from cityservices.service_map.install import CHANGED
from cityservices.service_map.search.cache import ready_search_index
from cityservices.service_map.search.normalize import MAX_RAW_CHARS
from cityservices.service_map.where.api import venue_index_cache
from cityservices.service_map.where.nearest import NearestQuery, PlanChoices, find_nearest_venues, resolve_target
from cityservices.service_map.where.schemas import present_nearest

MAX_CODE = 64  # the routes' ItemCodePath / CodePath / VenueIdPath
MAX_ITEM = 300  # nearest's ``item``
# ISO 8601 as the route's ``time`` usually comes: date, hours and minutes, optional seconds and offset.
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?")


def install_fast_paths(app: FastAPI) -> None:
    """Register the fast answers next to their routes (called when the domain is installed)."""
    from cityservices.service_map.catalogue import api as catalogue_api
    from cityservices.service_map.search import api as search_api
    from cityservices.service_map.venues import api as venues_api
    from cityservices.service_map.where import api as where_api

    paths = fast_paths(app)
    answers: tuple[tuple[APIRouter, Callable[..., Any], FastAnswer], ...] = (
        (search_api.router, search_api.search, search),
        (where_api.router, where_api.nearest, nearest),
        (venues_api.router, venues_api.read_venue, venue),
        (catalogue_api.router, catalogue_api.read_item, item),
        (catalogue_api.router, catalogue_api.read_guide, guide),
        (catalogue_api.router, catalogue_api.read_bundle, bundle),
    )
    for router, endpoint, answer in answers:
        paths.add(_route_of(router, endpoint), answer)


def _route_of(router: APIRouter, endpoint: Callable[..., Any]) -> APIRoute:
    for route in router.routes:
        if isinstance(route, APIRoute) and route.endpoint is endpoint:
            return route
    raise LookupError(f"no route for {endpoint.__name__}")


def _only(args: dict[str, str], *names: str) -> bool:
    return all(name in names for name in args)


def _crs(args: dict[str, str]) -> Crs | None:
    value = args.get("crs", "wgs84")
    for name in CRS_NAMES:
        if value == name:
            return name
    return None


async def search(app: Any, _: str, args: dict[str, str]) -> bytes | None:
    """``GET /api/v1/search?q=…[&limit=…]`` from the ready lexical index (no origin)."""
    q = plain_text(args.get("q"), max_length=MAX_RAW_CHARS, printable=False)
    limit = plain_int(args.get("limit", "10"), low=1, high=50)
    index = ready_search_index(app.state.runtime.engine)
    if q is None or limit is None or not _only(args, "q", "limit") or index is None:
        return None
    if index.semantic is not None or index.cascade is not None:  # the route embeds the query on the thread pool
        return None
    return encode(index.search(q, limit=limit, origin=None))


async def nearest(app: Any, _: str, args: dict[str, str]) -> bytes | None:
    """``GET /api/v1/nearest?item=…&lat=…&lng=…[&limit=…][&crs=…][&time=…]`` from the ready venue index."""
    item_ref = plain_text(args.get("item"), max_length=MAX_ITEM)
    lat, lng = plain_decimal(args.get("lat")), plain_decimal(args.get("lng"))
    limit, crs = plain_int(args.get("limit", "5"), low=1, high=50), _crs(args)
    at = _time(args.get("time"))
    if item_ref is None or lat is None or lng is None or limit is None or crs is None or at is None:
        return None
    index = venue_index_cache(app).ready()
    if index is None or not _only(args, "item", "lat", "lng", "limit", "crs", "time"):
        return None
    check_point(lat, lng)  # CoordinateError: the route's 422
    target = resolve_target(index, item=item_ref, bundle=None, choices=PlanChoices())
    query = NearestQuery(origin=to_wgs84(lat, lng, crs), at=at, limit=limit)
    return encode(present_nearest(index, find_nearest_venues(index, target=target, query=query), crs))


def _time(value: str | None) -> dt.datetime | None:
    """The answer's moment: now (Beijing time) without ``time``, else ``time`` read as the route reads it."""
    if value is None:
        return calendar.now_in_china()
    if _TIME.fullmatch(value) is None:
        return None
    return calendar.to_china_time(dt.datetime.fromisoformat(value))


def _code(value: str) -> str | None:
    return plain_text(value, max_length=MAX_CODE)


async def venue(app: Any, venue_id: str, args: dict[str, str]) -> bytes | None:
    """``GET /api/v1/venues/{id}[?crs=…]`` when its read model is kept."""
    crs = _crs(args)
    if _code(venue_id) is None or crs is None or not _only(args, "crs"):
        return None
    return read_model(app, "venues", (CHANGED,)).get((venue_id, crs))


async def item(app: Any, code: str, args: dict[str, str]) -> bytes | None:
    """``GET /api/v1/items/{code}`` when its read model is kept."""
    if _code(code) is None or args:
        return None
    return read_model(app, "items", (CHANGED,)).get(code)


async def guide(app: Any, code: str, args: dict[str, str]) -> bytes | None:
    """``GET /api/v1/items/{code}/guide[?version=…]`` when its read model is kept."""
    version = plain_int(args["version"], low=1, high=10_000) if "version" in args else None
    if _code(code) is None or ("version" in args and version is None) or not _only(args, "version"):
        return None
    return read_model(app, "guides", (CHANGED,)).get((code, version))


async def bundle(app: Any, code: str, args: dict[str, str]) -> bytes | None:
    """``GET /api/v1/bundles/{code}`` when its read model is kept."""
    if _code(code) is None or args:
        return None
    return read_model(app, "bundles", (CHANGED,)).get(code)
