"""JSON routes of the service map under /api/v1 (thin: they call the service and repository)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from cityservices.deps import DbSession
from cityservices.service_map import repository as repo
from cityservices.service_map.schemas import StatsRead, VenuePage, VenueSummaryRead
from cityservices.service_map.service import collect_stats

router = APIRouter(prefix="/api/v1", tags=["service map"])


@router.get("/stats", response_model=StatsRead)
def read_stats(session: DbSession) -> StatsRead:
    """Counts of venues, items, venue–item entries, guides, bundles and POIs."""
    return StatsRead.model_validate(collect_stats(session))


@router.get("/venues", response_model=VenuePage)
def list_venues(
    session: DbSession,
    level: Annotated[Literal["city", "district", "street"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> VenuePage:
    """Venues, paginated, optionally of one level."""
    rows, total = repo.list_venues(session, level=level, limit=limit, offset=offset)
    items = [VenueSummaryRead.model_validate(v) for v in rows]
    return VenuePage(total=total, limit=limit, offset=offset, items=items)
