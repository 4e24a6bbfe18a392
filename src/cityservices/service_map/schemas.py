"""API shapes of the service map (XRead / XPage)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict

from cityservices.kit.pagination import Page


class VenueSummaryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    level: str
    division_code: str
    address: str
    lat: float
    lng: float
    status: str
    last_verified: dt.date | None
    demo_fields: list[str]


class VenuePage(Page[VenueSummaryRead]):
    """Venues (a page): ``total``, ``limit``, ``offset``, ``next_cursor`` and the ``items``."""


class StatsRead(BaseModel):
    divisions: dict[str, int]
    venues: dict[str, Any]
    venues_with_all_attributes: int
    venue_attributes: int
    items: dict[str, int]
    items_without_guide: int
    venue_items: int
    venue_items_by_level: dict[str, int]
    guides: dict[str, int]
    bundles: int
    pois: dict[str, Any]
