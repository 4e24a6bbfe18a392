"""Read model of a venue's public answer (``GET /api/v1/venues/{id}``), per venue and output CRS, built once per
data generation and sent as encoded bytes (``platform.read_models``); dropped on every ``service_map.changed``
event. A venue's public attributes only: staff notes and personal data never enter ``VenueRead``."""

from __future__ import annotations

from fastapi import Request

from cityservices.kit.geo import Crs
from cityservices.platform.read_models import EncodedJSON, read_model
from cityservices.service_map.catalogue.read_model import in_session
from cityservices.service_map.install import CHANGED
from cityservices.service_map.venues.service import venue_detail


async def venue_answer(request: Request, venue_id: str, *, crs: Crs) -> EncodedJSON:
    model = read_model(request.app, "venues", (CHANGED,))
    return await model.answer((venue_id, crs), in_session(request, lambda s: venue_detail(s, venue_id, crs=crs)))
