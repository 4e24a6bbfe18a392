"""``GET /api/v1/search``: intent search over service items (thin: the engine does the work)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from cityservices.deps import get_runtime
from cityservices.errors import RequestInvalid
from cityservices.kit.geo import CRS_NAMES, Crs, check_point, to_wgs84
from cityservices.platform.http_cache import cacheable
from cityservices.platform.read_models import EncodedJSON, encode
from cityservices.service_map.install import CHANGED
from cityservices.service_map.search.cache import get_search_index, ready_search_index
from cityservices.service_map.search.engine import SearchIndex
from cityservices.service_map.search.normalize import MAX_RAW_CHARS
from cityservices.service_map.search.schemas import SearchRead

router = APIRouter(prefix="/api/v1", tags=["search"])


def _origin(lat: float | None, lng: float | None, crs: Crs) -> tuple[float, float] | None:
    if lat is None and lng is None:
        return None
    if lat is None or lng is None:
        raise RequestInvalid("lat" if lat is None else "lng", "lat 和 lng 需同时提供")
    check_point(lat, lng)  # CoordinateError: 422
    return to_wgs84(lat, lng, crs)


async def _search_index(request: Request) -> SearchIndex:
    """The process's index: straight from memory when it is ready, else (first use, a staff edit to patch on, the
    periodic fingerprint check) from the thread pool with a session of its own."""
    runtime = get_runtime(request)
    index = ready_search_index(runtime.engine)
    if index is None:
        index = await run_in_threadpool(get_search_index, runtime.engine, runtime.sessions)
    return index


@router.get("/search", response_model=SearchRead)
@cacheable(CHANGED)
async def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=MAX_RAW_CHARS, description="群众输入的查询，如“驾照快到期了”")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    lat: Annotated[float | None, Query(description="用户位置纬度")] = None,
    lng: Annotated[float | None, Query(description="用户位置经度")] = None,
    crs: Annotated[Crs, Query(description="坐标系: " + " | ".join(CRS_NAMES))] = "wgs84",
) -> EncodedJSON:
    """Ranked service items with guide summaries, the bundle for a life event, slots, explanations,
    a clarifying choice, or an explicit no-match with suggestions. Bad queries get 422 naming ``q``."""
    origin = _origin(lat, lng, crs)
    index = await _search_index(request)
    if index.semantic is not None or index.cascade is not None:  # a model embeds the query: milliseconds each
        answer = await run_in_threadpool(index.search, q, limit=limit, origin=origin)
        return EncodedJSON(encode(answer))
    # On the event loop, without the thread-pool hand-off: the lexical engine answers in about 1 ms of CPU (p50;
    # p99 about 10-15 ms on a loaded machine, docs/benchmarks.md "Intent search"), not much more than the hand-off
    # costs, and on a worker thread it would hold the interpreter lock for most of that time anyway. No database:
    # the index holds all it needs. A heavier engine (a semantic model) goes to the thread pool above.
    return EncodedJSON(encode(index.search(q, limit=limit, origin=origin)))  # InvalidQuery: 422 naming q
