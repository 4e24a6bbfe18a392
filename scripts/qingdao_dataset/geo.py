"""Boundary polygons and deterministic placement of generated points inside them (WGS-84)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from shapely.geometry import Point, shape
from shapely.ops import unary_union
from shapely.prepared import prep

from .common import CITY_CODE, OSM_SOURCE, Json

METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Areas:
    """Polygons by division code (township and district), and the land proxy (union of townships)."""

    polygons: dict[str, Any]
    land: Any

    def polygon(self, code: str) -> Any:
        return self.polygons.get(code)


def _division_code(feature: Json) -> str:
    code = str(feature["properties"]["code"])
    return CITY_CODE if code == CITY_CODE + "00" else code


def load_areas(district_features: list[Json], township_features: list[Json]) -> Areas:
    polygons = {_division_code(f): shape(f["geometry"]) for f in district_features + township_features}
    townships = [shape(f["geometry"]) for f in township_features]
    return Areas(polygons, prep(unary_union(townships)))


def boundary_features(district_features: list[Json], township_features: list[Json]) -> list[Json]:
    """The boundary features with the properties the data format names (code, name, source)."""
    features = []
    for feature in district_features + township_features:
        props = {"code": _division_code(feature), "name": feature["properties"]["name"], "source": OSM_SOURCE}
        features.append({"type": "Feature", "properties": props, "geometry": feature["geometry"]})
    return sorted(features, key=lambda f: str(f["properties"]["code"]))


def rounded(lng: float, lat: float) -> tuple[float, float]:
    return round(lng, 6), round(lat, 6)


def place_inside(polygons: list[Any], start: tuple[float, float], rng: random.Random) -> tuple[float, float]:
    """A point near ``start`` (lng, lat) inside every polygon given; ``start`` itself as the fallback.

    The jitter radius scales with the first polygon's size, so a point in a 2 km² street stays in the
    street and one in a 500 km² town is not always at the geometric centre.
    """
    first = polygons[0]
    radius = min(0.012, max(0.0015, math.sqrt(first.area) * 0.18))
    for _ in range(300):
        angle = rng.uniform(0, 2 * math.pi)
        distance = radius * math.sqrt(rng.random())
        lng, lat = rounded(start[0] + distance * math.cos(angle), start[1] + distance * math.sin(angle))
        if all(polygon.contains(Point(lng, lat)) for polygon in polygons):
            return lng, lat
    lng, lat = rounded(*start)
    if not all(polygon.contains(Point(lng, lat)) for polygon in polygons):
        raise ValueError(f"start point {start} is not inside the polygon(s)")
    return lng, lat


def offset(lng: float, lat: float, bearing: float, metres: float) -> tuple[float, float]:
    """The point ``metres`` away from (lng, lat) towards ``bearing`` (radians from north)."""
    dlat = metres * math.cos(bearing) / METRES_PER_DEGREE
    dlng = metres * math.sin(bearing) / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return rounded(lng + dlng, lat + dlat)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Approximate ground distance in metres between two (lng, lat) points (equirectangular)."""
    mean_lat = math.radians((a[1] + b[1]) / 2)
    dx = (b[0] - a[0]) * math.cos(mean_lat) * METRES_PER_DEGREE
    dy = (b[1] - a[1]) * METRES_PER_DEGREE
    return math.hypot(dx, dy)


def inner_point(polygon: Any) -> tuple[float, float]:
    point = polygon.representative_point()
    return float(point.x), float(point.y)
