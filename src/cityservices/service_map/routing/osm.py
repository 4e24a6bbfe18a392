"""Read an OpenStreetMap file (``.osm`` XML or ``.osm.pbf``, with pyosmium) into road segments.

The whole file is read and checked before anything is written, so a corrupt or truncated file fails here
and the stored road graph is untouched. Each routable way becomes one segment per pair of consecutive
nodes, with its name, road class, length and the walking / driving rules of ``profiles``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import osmium

from cityservices.errors import RuleViolation
from cityservices.kit.geo import haversine_m
from cityservices.service_map.routing.profiles import way_rules

FORMATS = {".osm": "osm", ".pbf": "pbf", ".gz": "osm.gz", ".bz2": "osm.bz2"}


class OsmImportError(RuleViolation):
    """An OSM file that cannot be imported; the previous road graph stays in use."""

    status_code = 422
    code = "invalid_osm"


@dataclass(frozen=True)
class Segment:
    way_id: int
    source: int
    target: int
    name: str
    highway: str
    length_m: float
    walk_kmh: float | None  # None: not walkable
    drive_kmh: float | None  # None: not drivable forwards (source → target)
    drive_reverse_kmh: float | None  # None: not drivable backwards


@dataclass
class RoadNetwork:
    """Routable nodes (WGS-84) and segments read from one file."""

    source_name: str
    source_format: str
    file_sha256: str
    nodes: dict[int, tuple[float, float]] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)
    ways: int = 0
    missing_node_refs: int = 0


def detect_format(path: Path) -> str:
    """``osm`` / ``pbf`` (or compressed XML) from the file name; OsmImportError for anything else."""
    name = path.name.lower()
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None or (fmt.startswith("osm.") and not name.endswith((".osm.gz", ".osm.bz2"))):
        raise OsmImportError(f"{path}: 无法识别的 OSM 文件类型，应为 .osm、.osm.pbf (或 .osm.gz / .osm.bz2)")
    return fmt


def read_osm(path: Path) -> RoadNetwork:
    """Read every routable way of ``path``. Raises OsmImportError for a missing, corrupt or road-less file."""
    fmt = detect_format(path)
    if not path.is_file():
        raise OsmImportError(f"{path}: 文件不存在")
    network = RoadNetwork(path.name, fmt, _sha256(path))
    processor = osmium.FileProcessor(str(path)).with_locations().with_filter(osmium.filter.KeyFilter("highway"))
    try:
        for obj in processor:
            if isinstance(obj, osmium.osm.Way):
                _add_way(network, obj)
    except (RuntimeError, ValueError, OSError) as exc:
        raise OsmImportError(f"{path}: OSM 文件损坏或不完整，未导入 ({exc})") from None
    if not network.segments:
        raise OsmImportError(f"{path}: 文件中没有可通行的道路 (highway=*)，未导入")
    return network


def _add_way(network: RoadNetwork, way: osmium.osm.Way) -> None:
    tags = {tag.k: tag.v for tag in way.tags}
    rules = way_rules(tags)
    if rules is None:
        return
    points: list[tuple[int, float, float] | None] = []
    for ref in way.nodes:
        location = ref.location
        if location.valid():
            points.append((ref.ref, location.lat, location.lon))
        else:
            points.append(None)
            network.missing_node_refs += 1
    name = tags.get("name", "")
    highway = tags["highway"]
    walk = rules.walk_kmh if rules.walk else None
    forward = rules.drive_kmh if rules.drive_forward else None
    backward = rules.drive_kmh if rules.drive_backward else None
    added = False
    for a, b in pairwise(points):
        if a is None or b is None or a[0] == b[0]:
            continue
        network.nodes[a[0]] = (a[1], a[2])
        network.nodes[b[0]] = (b[1], b[2])
        length = haversine_m(a[1], a[2], b[1], b[2])
        network.segments.append(Segment(way.id, a[0], b[0], name, highway, length, walk, forward, backward))
        added = True
    network.ways += int(added)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
