"""Tables of the road graph imported from OpenStreetMap: nodes, directed-cost edges, and import records.

Edges follow pgRouting's convention: one row per road segment between two consecutive OSM nodes, with a
cost for travel from ``source_node_id`` to ``target_node_id`` and a reverse cost; NULL means that mode may
not use the segment in that direction (walking ignores one-way restrictions, so it has a single cost).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class RoadGraphImport(Base):
    """One successful import of an OSM file; the newest row describes the road graph in use."""

    __tablename__ = "road_graph_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_name: Mapped[str] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(10))
    file_sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    way_count: Mapped[int] = mapped_column(Integer)
    node_count: Mapped[int] = mapped_column(Integer)
    edge_count: Mapped[int] = mapped_column(Integer)
    min_lat: Mapped[float] = mapped_column(Float)
    min_lng: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    max_lng: Mapped[float] = mapped_column(Float)


class RoadNode(Base):
    """A routable OSM node (WGS-84)."""

    __tablename__ = "road_nodes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)


class RoadEdge(Base):
    """A road segment with walking and driving costs in seconds (NULL = not allowed)."""

    __tablename__ = "road_edges"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_node_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("road_nodes.id"), index=True)
    target_node_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("road_nodes.id"), index=True)
    way_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(Text, default="")
    highway: Mapped[str] = mapped_column(String(40))
    length_m: Mapped[float] = mapped_column(Float)
    walk_cost_s: Mapped[float | None] = mapped_column(Float)
    drive_cost_s: Mapped[float | None] = mapped_column(Float)
    drive_reverse_cost_s: Mapped[float | None] = mapped_column(Float)
