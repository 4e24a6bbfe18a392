"""Venues as GeoJSON (RFC 7946): one Point Feature per venue, WGS-84 ``[lng, lat]``.

The Feature's ``id`` is the venue id, its geometry holds the only copy of ``lat`` / ``lng``, and its
``properties`` hold every other venue field. See docs/data-format.md, section "GeoJSON".
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cityservices.kit.geo import in_china
from cityservices.service_map.catalogue.models import (
    WEEKDAYS,
    OpeningException,
    OpeningInterval,
    venue_departments,
)
from cityservices.service_map.interchange import repository as repo
from cityservices.service_map.interchange.dataset import Dataset, DatasetBuilder, ImportFailed, ImportIssue, Origin
from cityservices.service_map.interchange.records import VenueRecord
from cityservices.service_map.interchange.references import KnownKeys, check_dataset
from cityservices.service_map.interchange.store import import_dataset, known_keys

# Names a ``crs`` member may carry that still mean WGS-84 longitude/latitude (RFC 7946 §4).
WGS84_CRS_NAMES = frozenset({
    "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    "EPSG:4326", "urn:ogc:def:crs:EPSG::4326", "http://www.opengis.net/def/crs/EPSG/0/4326",
})  # fmt: skip
_SAME_COORDINATE = 1e-9


# --- export ----------------------------------------------------------------------------------------


def venue_feature(venue: VenueRecord) -> dict[str, Any]:
    """One venue as a GeoJSON Point Feature."""
    properties = venue.model_dump(mode="json", exclude={"id", "lat", "lng"})
    geometry = {"type": "Point", "coordinates": [venue.lng, venue.lat]}
    return {"type": "Feature", "id": venue.id, "geometry": geometry, "properties": properties}


def write_venues_geojson(dataset: Dataset, path: Path) -> None:
    """Write the venues of ``dataset`` as one FeatureCollection (other kinds are not part of this format)."""
    collection = {"type": "FeatureCollection", "features": [venue_feature(v) for v in dataset.venues]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --- import ----------------------------------------------------------------------------------------


def read_venues_geojson(path: Path) -> tuple[Dataset, list[ImportIssue]]:
    """Read a venue FeatureCollection; every Feature is validated, issues name the feature (1-based) and field."""
    builder = DatasetBuilder()
    features = _features(path, builder)
    for number, feature in enumerate(features, start=1):
        _read_feature(feature, Origin(path.name, number), builder)
    return builder.dataset, builder.issues


def _features(path: Path, builder: DatasetBuilder) -> list[Any]:
    top = Origin(path.name, 0)
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        builder.problem(top, "", f"无法读取文件: {exc}")
        return []
    except json.JSONDecodeError as exc:
        builder.problem(top, "", f"不是有效的 JSON: {exc.msg}（第 {exc.lineno} 行）")
        return []
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        found = collection.get("type") if isinstance(collection, dict) else type(collection).__name__
        builder.problem(top, "type", f"应为 GeoJSON FeatureCollection，实际为 {found!r}")
        return []
    if not _check_crs(collection.get("crs"), top, builder):
        return []
    features = collection.get("features")
    if not isinstance(features, list):
        builder.problem(top, "features", "features 必须是数组")
        return []
    return features


def _check_crs(crs: Any, origin: Origin, builder: DatasetBuilder) -> bool:
    """RFC 7946 has no ``crs`` member; an old-style one is accepted only if it names WGS-84 / CRS84."""
    if crs is None:
        return True
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if isinstance(name, str) and name in WGS84_CRS_NAMES:
        return True
    builder.problem(
        origin,
        "crs",
        f"不支持的坐标参考系 {name or crs!r}: GeoJSON (RFC 7946) 坐标必须是 WGS-84 经纬度 (CRS84)。"
        "GCJ-02 / BD-09 坐标请先转换为 WGS-84，原始坐标可保留在 properties.source_crs / source_lat / source_lng",
    )
    return False


def _read_feature(feature: Any, origin: Origin, builder: DatasetBuilder) -> None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        builder.problem(origin, "type", "每个元素都必须是 GeoJSON Feature")
        return
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        builder.problem(origin, "properties", "properties 必须是对象")
        return
    point = _point(feature.get("geometry"), origin, builder)
    venue_id = _feature_id(feature, properties, origin, builder)
    if point is None or venue_id is None or not _agrees(properties, point, origin, builder):
        return
    lng, lat = point
    raw = {k: v for k, v in properties.items() if k not in ("id", "lat", "lng")}
    if not any(key in raw for key in ("source_crs", "source_lat", "source_lng")):
        raw.update(source_crs="wgs84", source_lat=lat, source_lng=lng)  # a third-party file: WGS-84 as given
    start = len(builder.issues)
    builder.add("venues", {**raw, "id": venue_id, "lat": lat, "lng": lng}, origin)
    builder.issues[start:] = [_feature_field(issue) for issue in builder.issues[start:]]


def _point(geometry: Any, origin: Origin, builder: DatasetBuilder) -> tuple[float, float] | None:
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        found = geometry.get("type") if isinstance(geometry, dict) else geometry
        builder.problem(origin, "geometry.type", f"场所的几何必须是 Point，实际为 {found!r}")
        return None
    coordinates = geometry.get("coordinates")
    if (
        not isinstance(coordinates, list)
        or len(coordinates) not in (2, 3)
        or not all(isinstance(c, int | float) and not isinstance(c, bool) and math.isfinite(c) for c in coordinates)
    ):
        builder.problem(origin, "geometry.coordinates", f"应为 [经度, 纬度] 两个数字，实际为 {coordinates!r}")
        return None
    lng, lat = float(coordinates[0]), float(coordinates[1])
    if not in_china(lat, lng):
        builder.problem(
            origin,
            "geometry.coordinates",
            f"坐标 [{lng}, {lat}] 不在中国境内（GeoJSON 的顺序是 [经度, 纬度]，且必须是 WGS-84）",
        )
        return None
    return lng, lat


def _feature_id(feature: dict[str, Any], properties: dict[str, Any], origin: Origin, builder: DatasetBuilder) -> Any:
    feature_id, property_id = feature.get("id"), properties.get("id")
    if feature_id is not None and property_id is not None and feature_id != property_id:
        builder.problem(origin, "id", f"Feature id {feature_id!r} 与 properties.id {property_id!r} 不一致")
        return None
    venue_id = feature_id if feature_id is not None else property_id
    if venue_id is None:
        builder.problem(origin, "id", "缺少场所 id（Feature 的 id 成员）")
    return venue_id


def _agrees(properties: dict[str, Any], point: tuple[float, float], origin: Origin, builder: DatasetBuilder) -> bool:
    """Coordinates come from the geometry; ``lat`` / ``lng`` in properties, if present, must say the same."""
    ok = True
    for key, value in (("lng", point[0]), ("lat", point[1])):
        given = properties.get(key)
        if given is None:
            continue
        if not isinstance(given, int | float) or isinstance(given, bool) or abs(given - value) > _SAME_COORDINATE:
            builder.problem(origin, f"properties.{key}", f"{given!r} 与几何坐标 {value} 不一致")
            ok = False
    return ok


def _feature_field(issue: ImportIssue) -> ImportIssue:
    """Name a record field as it appears in the Feature."""
    head = issue.field.split(".", 1)[0]
    if head == "id" or not issue.field:
        return issue
    if head in ("lat", "lng"):
        return replace(issue, field="geometry.coordinates")
    return replace(issue, field=f"properties.{issue.field}")


# --- updating venues in place ------------------------------------------------------------------------

_NESTED = {"hours", "hours_exceptions", "departments"}


def upsert_venues(session: Session, dataset: Dataset, *, known: KnownKeys | None = None) -> dict[str, int]:
    """Insert the venues of ``dataset`` that are new and update those that exist (matched by ``id``).

    An updated venue gets the file's fields, hours, exceptions and departments; its venue items stay. Other
    kinds in ``dataset`` are inserted as with ``import_dataset(mode="insert")``. All-or-nothing: on any issue
    ``ImportFailed`` is raised before anything is written. ``known`` (default: every stored key) holds at
    least the stored keys that ``dataset`` refers to, and the venues' own ids.
    """
    known = known_keys(session) if known is None else known
    issues = check_dataset(dataset, known) + _level_changes(session, dataset, known)
    if issues:
        raise ImportFailed(issues)
    old = [v for v in dataset.venues if v.id in known.venue_levels]
    if old:
        repo.delete_venue_children(session, [v.id for v in old])
        repo.update_venues(session, [v.model_dump(exclude=_NESTED) for v in old])
        _insert_venue_children(session, old)
    rest = [i for i, v in enumerate(dataset.venues) if v.id not in known.venue_levels]
    new = replace(
        dataset,
        venues=[dataset.venues[i] for i in rest],
        origins={**dataset.origins, "venues": [dataset.origin("venues", i) for i in rest]},
    )
    counts = import_dataset(session, new, mode="insert", known=known)
    return {**counts, "venues": len(dataset.venues), "venues_updated": len(old)}


def _level_changes(session: Session, dataset: Dataset, known: KnownKeys) -> list[ImportIssue]:
    changed = {v.id: v.level for v in dataset.venues if known.venue_levels.get(v.id, v.level) != v.level}
    if not changed:
        return []
    busy = repo.venues_with_items(session, changed)
    issues = []
    for index, venue in enumerate(dataset.venues):
        if venue.id in busy:
            origin = dataset.origin("venues", index)
            message = f"场所已办理 {known.venue_levels[venue.id]} 级事项，不能改为 {venue.level} 级"
            issues.append(ImportIssue(origin.file, origin.row, "properties.level", message))
    return issues


def _insert_venue_children(session: Session, venues: list[VenueRecord]) -> None:
    rows: list[tuple[Any, list[dict[str, Any]]]] = [
        (venue_departments, [{"venue_id": v.id, "department_code": c} for v in venues for c in v.departments]),
        (OpeningInterval, [
            {"venue_id": v.id, "weekday": WEEKDAYS.index(day), "opens": _time(o), "closes": _time(c)}
            for v in venues for day, intervals in v.hours.items() for o, c in intervals
        ]),
        (OpeningException, [
            {"venue_id": v.id, "on_date": e.date, "intervals": [list(i) for i in e.intervals], "note": e.note}
            for v in venues for e in v.hours_exceptions
        ]),
    ]  # fmt: skip
    for table, values in rows:
        repo.insert_rows(session, table, values)


def _time(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))
