"""The map's offline base layer: the bundled district and township boundaries, simplified once and cached.

The boundaries are OpenStreetMap-derived (© OpenStreetMap contributors, ODbL). They are stored in WGS-84 on
the ``divisions`` rows; this module simplifies them with shapely for drawing on a phone (≈100 m for townships,
≈200 m for districts), optionally converts them to GCJ-02 for maps drawn over GCJ-02 tiles, and keeps a point
inside each division (used to place labels and to locate a typed district or street name).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shapely import set_precision
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import transform
from sqlalchemy.orm import Session

from cityservices.kit.geo import Crs, from_wgs84
from cityservices.service_map.catalogue.models import Division
from cityservices.service_map.where import repository as repo

ATTRIBUTION = "行政区划边界 © OpenStreetMap contributors (ODbL)"
TOLERANCE_DEG = {"city": 0.002, "district": 0.002}
DEFAULT_TOLERANCE_DEG = 0.001
GRID_DEG = 1e-5
Fingerprint = tuple[int, str]


@dataclass(frozen=True)
class DivisionShape:
    """One division with its simplified WGS-84 boundary and a point inside it (lat, lng)."""

    code: str
    name: str
    level: str
    parent_code: str | None
    geometry: BaseGeometry
    inside: tuple[float, float]


@dataclass(frozen=True)
class DivisionPlace:
    """A division and a WGS-84 point (lat, lng) inside it: its own, or the mean of its children's."""

    code: str
    name: str
    level: str
    parent_code: str | None
    point: tuple[float, float]


@dataclass
class BaseMap:
    """Simplified boundaries of one database, and their GeoJSON per CRS (built on first request)."""

    shapes: list[DivisionShape]
    fingerprint: Fingerprint
    places: list[DivisionPlace] = field(default_factory=list)
    _geojson: dict[str, bytes] = field(default_factory=dict)

    def geojson(self, crs: Crs) -> bytes:
        """The boundaries as a GeoJSON FeatureCollection in ``crs`` (compact UTF-8 JSON)."""
        if crs not in self._geojson:
            self._geojson[crs] = _feature_collection(self.shapes, crs)
        return self._geojson[crs]

    def point_of(self, code: str) -> tuple[float, float] | None:
        """A WGS-84 point inside the division ``code`` (None when neither it nor its children have a boundary)."""
        return next((p.point for p in self.places if p.code == code), None)


def division_places(rows: Sequence[Division], shapes: Sequence[DivisionShape]) -> list[DivisionPlace]:
    """Every division with a point: inside its own boundary, else the mean of its children's points."""
    points = {s.code: s.inside for s in shapes}
    children: dict[str, list[tuple[float, float]]] = {}
    for row in rows:
        if row.parent_code and row.code in points:
            children.setdefault(row.parent_code, []).append(points[row.code])
    places = []
    for row in rows:
        point = points.get(row.code)
        kids = children.get(row.code)
        if point is None and kids:
            point = (sum(p[0] for p in kids) / len(kids), sum(p[1] for p in kids) / len(kids))
        if point is not None:
            places.append(DivisionPlace(row.code, row.name, row.level, row.parent_code, point))
    return places


def simplify_boundaries(rows: Sequence[Division]) -> list[DivisionShape]:
    """Shapely-simplified boundaries (topology preserved, snapped to a 1e-5° grid) of divisions that have one."""
    shapes = []
    for row in rows:
        if not row.boundary:
            continue
        raw = shape(row.boundary)
        simple = set_precision(
            raw.simplify(TOLERANCE_DEG.get(row.level, DEFAULT_TOLERANCE_DEG), preserve_topology=True), GRID_DEG
        )
        if simple.is_empty:
            simple = raw
        point = raw.representative_point()
        shapes.append(DivisionShape(row.code, row.name, row.level, row.parent_code, simple, (point.y, point.x)))
    return shapes


def _feature_collection(shapes: Sequence[DivisionShape], crs: Crs) -> bytes:
    features = []
    for s in shapes:
        geometry = s.geometry
        label_lat, label_lng = from_wgs84(*s.inside, crs)
        if crs != "wgs84":
            geometry = transform(lambda x, y: _swap(from_wgs84(y, x, crs)), geometry)
        features.append(
            {
                "type": "Feature",
                "id": s.code,
                "properties": {
                    "code": s.code,
                    "name": s.name,
                    "level": s.level,
                    "parent_code": s.parent_code,
                    "label": [round(label_lat, 5), round(label_lng, 5)],
                },
                "geometry": _rounded(mapping(geometry)),
            }
        )
    document = {"type": "FeatureCollection", "crs_name": crs, "attribution": ATTRIBUTION, "features": features}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _swap(latlng: tuple[float, float]) -> tuple[float, float]:
    return latlng[1], latlng[0]


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 5)
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def boundary_fingerprint(session: Session) -> Fingerprint:
    """How many divisions there are and the highest code: changes when divisions are imported."""
    return repo.division_count_and_highest_code(session)


class BaseMapCache:
    """One BaseMap per application; the fingerprint is re-read at most every ``CHECK_SECONDS`` and the map
    rebuilt when it changed (an import of divisions)."""

    CHECK_SECONDS = 60.0

    def __init__(self) -> None:
        self._value: BaseMap | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def get(self, session: Session) -> BaseMap:
        now = time.monotonic()
        current = self._value
        if current is not None and now - self._checked_at < self.CHECK_SECONDS:
            return current
        with self._lock:
            fingerprint = boundary_fingerprint(session)
            if self._value is None or self._value.fingerprint != fingerprint:
                rows = repo.list_divisions_with_boundaries(session)
                shapes = simplify_boundaries(rows)
                self._value = BaseMap(shapes, fingerprint, division_places(rows, shapes))
            self._checked_at = now
            return self._value
