"""Coordinate reference systems used in China: WGS-84, GCJ-02 and BD-09, and China's extent.

GCJ-02 is WGS-84 plus a published obfuscation offset; BD-09 is GCJ-02 with a further rotation. The
forward transforms are closed-form; the inverses are solved iteratively so round trips stay far under a
metre. Store WGS-84; convert only at the edges.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import numpy.typing as npt

from cityservices.errors import RequestInvalid

Crs = Literal["wgs84", "gcj02", "bd09"]
CRS_NAMES: tuple[Crs, ...] = ("wgs84", "gcj02", "bd09")

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0

# China's extent (mainland, Hainan, Taiwan and the southern islands): a coarse check for bad input.
CHINA_LAT_RANGE = (3.8, 53.6)
CHINA_LNG_RANGE = (73.4, 135.1)


EARTH_RADIUS_M = 6371008.8
_CRS_ALIASES: dict[str, Crs] = {
    "wgs84": "wgs84",
    "epsg4326": "wgs84",
    "gps": "wgs84",
    "gcj02": "gcj02",
    "mars": "gcj02",
    "bd09": "bd09",
    "bd09ll": "bd09",
    "baidu": "bd09",
}


class CoordinateError(RequestInvalid):
    """Bad coordinate input (a 422 when it reaches HTTP). ``field`` names the parameter, ``message`` says what is
    wrong (Chinese)."""


def parse_crs(value: object, *, field: str = "crs") -> Crs:
    """The CRS named by ``value`` (``wgs84`` | ``gcj02`` | ``bd09``, case, ``-`` and ``_`` ignored)."""
    if isinstance(value, str):
        key = value.strip().lower().replace("-", "").replace("_", "").replace(":", "")
        if key in _CRS_ALIASES:
            return _CRS_ALIASES[key]
    raise CoordinateError(field, f"未知的坐标系 {value!r}，应为 wgs84、gcj02 或 bd09")


def check_point(lat: float, lng: float, *, lat_field: str = "lat", lng_field: str = "lng") -> tuple[float, float]:
    """``(lat, lng)`` when both are finite numbers inside China's extent, else a CoordinateError naming the field."""
    for value, name, (low, high), label in (
        (lat, lat_field, CHINA_LAT_RANGE, "纬度"),
        (lng, lng_field, CHINA_LNG_RANGE, "经度"),
    ):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise CoordinateError(name, f"{label}应为有限的数字，收到 {value!r}")
        if not low <= value <= high:
            raise CoordinateError(name, f"{label} {value} 不在中国范围内 ({low}–{high})")
    return float(lat), float(lng)


def parse_point(text: str, *, field: str) -> tuple[float, float]:
    """Parse ``"LAT,LNG"`` (decimal degrees; a full-width comma is accepted) into a point inside China."""
    parts = text.replace("，", ",").split(",")
    if len(parts) != 2:
        raise CoordinateError(field, f"应为 纬度,经度 (例如 36.0671,120.3826)，收到 {text!r}")
    try:
        lat, lng = float(parts[0]), float(parts[1])
    except ValueError:
        raise CoordinateError(field, f"纬度和经度应为数字，收到 {text!r}") from None
    try:
        return check_point(lat, lng)
    except CoordinateError as exc:
        raise CoordinateError(field, exc.message) from None


def point_or_none(text: str) -> tuple[float, float] | None:
    """A ``"LAT,LNG"`` handed over in a link (a route origin, say), or None when it is empty or not a point in
    China: an optional hint that is dropped rather than refused."""
    if not text:
        return None
    try:
        return parse_point(text, field="point")
    except CoordinateError:
        return None


def in_china(lat: float, lng: float) -> bool:
    """True when the point lies within China's bounding extent."""
    return CHINA_LAT_RANGE[0] <= lat <= CHINA_LAT_RANGE[1] and CHINA_LNG_RANGE[0] <= lng <= CHINA_LNG_RANGE[1]


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """WGS-84 → GCJ-02 (the offset applies inside China only)."""
    if not in_china(lat, lng):
        return lat, lng
    dlat = _transform_lat(lng - 105.0, lat - 35.0)
    dlng = _transform_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float, *, tolerance_deg: float = 1e-9) -> tuple[float, float]:
    """GCJ-02 → WGS-84 by fixed-point iteration on the forward transform."""
    wlat, wlng = lat, lng
    for _ in range(30):
        glat, glng = wgs84_to_gcj02(wlat, wlng)
        dlat, dlng = glat - lat, glng - lng
        wlat, wlng = wlat - dlat, wlng - dlng
        if abs(dlat) < tolerance_deg and abs(dlng) < tolerance_deg:
            break
    return wlat, wlng


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def _bd09_to_gcj02_closed_form(lat: float, lng: float) -> tuple[float, float]:
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def bd09_to_gcj02(lat: float, lng: float, *, tolerance_deg: float = 1e-10) -> tuple[float, float]:
    """BD-09 → GCJ-02: the published closed form (off by up to ~0.2 m), refined by iterating the forward transform."""
    glat, glng = _bd09_to_gcj02_closed_form(lat, lng)
    for _ in range(10):
        blat, blng = gcj02_to_bd09(glat, glng)
        dlat, dlng = blat - lat, blng - lng
        glat, glng = glat - dlat, glng - dlng
        if abs(dlat) < tolerance_deg and abs(dlng) < tolerance_deg:
            break
    return glat, glng


def to_wgs84(lat: float, lng: float, crs: Crs) -> tuple[float, float]:
    """Convert a point in ``crs`` to WGS-84."""
    if crs == "wgs84":
        return lat, lng
    if crs == "gcj02":
        return gcj02_to_wgs84(lat, lng)
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lng))


def from_wgs84(lat: float, lng: float, crs: Crs) -> tuple[float, float]:
    """Convert a WGS-84 point to ``crs``."""
    if crs == "wgs84":
        return lat, lng
    gcj = wgs84_to_gcj02(lat, lng)
    return gcj if crs == "gcj02" else gcj02_to_bd09(*gcj)


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    r = EARTH_RADIUS_M
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def initial_bearing_deg(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Initial bearing from point 1 to point 2, degrees clockwise from north in [0, 360)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lng2 - lng1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(x, y)) + 360.0) % 360.0


FloatArray = npt.NDArray[np.float64]


def unit_vectors(lat: FloatArray, lng: FloatArray) -> FloatArray:
    """Points on the unit sphere, shape (n, 3): Euclidean (chord) order there is great-circle order."""
    phi, lam = np.radians(lat), np.radians(lng)
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def chord_to_metres(chord: FloatArray) -> FloatArray:
    """Great-circle distance in metres for chord lengths on the unit sphere."""
    result: FloatArray = 2.0 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))
    return result


def metres_to_chord(metres: float) -> float:
    """The chord length on the unit sphere of a great-circle distance in metres."""
    return 2.0 * math.sin(min(metres / EARTH_RADIUS_M, math.pi) / 2.0)
