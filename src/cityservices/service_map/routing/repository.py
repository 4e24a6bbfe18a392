"""Every query of the road graph: replace it in one transaction, read it back, describe the latest import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from cityservices.service_map.routing.models import RoadEdge, RoadGraphImport, RoadNode
from cityservices.service_map.routing.osm import RoadNetwork, Segment

CHUNK = 5000


def replace_road_graph(
    session: Session, network: RoadNetwork, *, progress: Callable[[int], None] | None = None
) -> RoadGraphImport:
    """Delete the stored road graph and write ``network`` in the caller's transaction (all or nothing)."""
    session.execute(delete(RoadEdge))
    session.execute(delete(RoadNode))
    nodes = [{"id": i, "lat": lat, "lng": lng} for i, (lat, lng) in network.nodes.items()]
    for chunk in _chunks(nodes):
        session.execute(insert(RoadNode), chunk)
        if progress:
            progress(len(chunk))
    for chunk in _chunks([_edge_row(s) for s in network.segments]):
        session.execute(insert(RoadEdge), chunk)
        if progress:
            progress(len(chunk))
    lats = [lat for lat, _ in network.nodes.values()]
    lngs = [lng for _, lng in network.nodes.values()]
    record = RoadGraphImport(
        source_name=network.source_name,
        source_format=network.source_format,
        file_sha256=network.file_sha256,
        imported_at=dt.datetime.now(dt.UTC),
        way_count=network.ways,
        node_count=len(nodes),
        edge_count=len(network.segments),
        min_lat=min(lats),
        min_lng=min(lngs),
        max_lat=max(lats),
        max_lng=max(lngs),
    )
    session.add(record)
    session.flush()
    return record


def _edge_row(segment: Segment) -> dict[str, Any]:
    def cost(kmh: float | None) -> float | None:
        return segment.length_m / (kmh / 3.6) if kmh else None

    return {
        "source_node_id": segment.source,
        "target_node_id": segment.target,
        "way_id": segment.way_id,
        "name": segment.name,
        "highway": segment.highway,
        "length_m": segment.length_m,
        "walk_cost_s": cost(segment.walk_kmh),
        "drive_cost_s": cost(segment.drive_kmh),
        "drive_reverse_cost_s": cost(segment.drive_reverse_kmh),
    }


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def latest_import(session: Session) -> RoadGraphImport | None:
    """The import that produced the stored road graph, if any."""
    return session.scalars(select(RoadGraphImport).order_by(RoadGraphImport.id.desc()).limit(1)).first()


def latest_import_id(session: Session) -> int | None:
    value = session.scalar(select(func.max(RoadGraphImport.id)))
    return int(value) if value is not None else None


def fetch_nodes(session: Session) -> Sequence[Any]:
    return session.execute(select(RoadNode.id, RoadNode.lat, RoadNode.lng).order_by(RoadNode.id)).all()


def fetch_edges(session: Session) -> Sequence[Any]:
    stmt = select(
        RoadEdge.source_node_id,
        RoadEdge.target_node_id,
        RoadEdge.way_id,
        RoadEdge.name,
        RoadEdge.highway,
        RoadEdge.length_m,
        RoadEdge.walk_cost_s,
        RoadEdge.drive_cost_s,
        RoadEdge.drive_reverse_cost_s,
    ).order_by(RoadEdge.id)
    return session.execute(stmt).all()
