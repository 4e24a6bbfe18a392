"""Read model of a venue's public answer (``GET /api/v1/venues/{id}``), per venue and output CRS, built once per
data generation and sent as encoded bytes (``platform.read_models``); dropped on every ``service_map.changed``
event. A venue's public attributes only: staff notes and personal data never enter ``VenueRead``. Every venue's
WGS-84 answer is prebuilt when the worker warms up and again after each change (``prebuild_venues``); the other
coordinate systems are built on first request."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from cityservices.kit.geo import Crs
from cityservices.platform.lifecycle import shares_one_connection
from cityservices.platform.read_models import EncodedJSON, encode, read_model
from cityservices.service_map.catalogue.read_model import filled_from, in_session
from cityservices.service_map.install import CHANGED
from cityservices.service_map.venues.repository import venue_ids
from cityservices.service_map.venues.service import venue_detail


async def venue_answer(request: Request, venue_id: str, *, crs: Crs) -> EncodedJSON:
    model = read_model(request.app, "venues", (CHANGED,))
    return await model.answer((venue_id, crs), in_session(request, lambda s: venue_detail(s, venue_id, crs=crs)))


def all_venues(session: Session) -> dict[Hashable, bytes]:
    return {(id_, "wgs84"): encode(venue_detail(session, id_, crs="wgs84")) for id_ in venue_ids(session)}


def prebuild_venues(app: Any) -> None:
    """Fill the venues' read model now, and again after every change (the worker's warm-up)."""
    refill = not shares_one_connection(app)
    read_model(app, "venues", (CHANGED,)).prebuild(filled_from(app, all_venues), refill=refill)
