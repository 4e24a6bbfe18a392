"""Reading the bundled source files in ``data/qingdao/sources/`` (see RAW_PROVENANCE.md there)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .common import Division, Json
from .situations import read_situations

FILES = (
    "qingdao_divisions.csv",
    "qingdao_districts.geojson",
    "qingdao_townships.geojson",
    "qingdao_township_centroids.csv",
    "qingdao_communities.csv",
    "service_items.csv",
    "service_guides.jsonl",
    "one_thing_bundles.json",
    "core_items.csv",
    "core_item_situations.tsv",
)


@dataclass(frozen=True)
class Community:
    code: str
    name: str
    street_code: str
    district_code: str


@dataclass(frozen=True)
class Sources:
    divisions: list[Division]
    district_features: list[Json]
    township_features: list[Json]
    inner_points: dict[str, tuple[float, float]]
    communities: list[Community]
    raw_items: list[dict[str, str]]
    guides: list[Json]
    bundles: Json
    core_items: list[dict[str, str]]
    situations: dict[str, list[str]]

    def division(self, code: str) -> Division:
        return next(d for d in self.divisions if d.code == code)

    def children(self, code: str) -> list[Division]:
        return [d for d in self.divisions if d.parent_code == code]

    def communities_of(self, street_code: str) -> list[Community]:
        return [c for c in self.communities if c.street_code == street_code]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read_jsonl(path: Path) -> list[Json]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _inner_points(rows: list[dict[str, str]]) -> dict[str, tuple[float, float]]:
    """Township code → (lng, lat) of a point guaranteed inside its polygon."""
    return {r["code"]: (float(r["inner_point_lon"]), float(r["inner_point_lat"])) for r in rows}


def load_sources(directory: Path) -> Sources:
    """Read every source file; fail early, naming the file, when one is missing."""
    missing = [name for name in FILES if not (directory / name).exists()]
    if missing:
        raise FileNotFoundError(f"missing source files in {directory}: {', '.join(missing)}")
    divisions = [
        Division(r["code"], r["name"], r["level"], r["parent_code"])
        for r in read_csv(directory / "qingdao_divisions.csv")
    ]
    communities = [
        Community(r["code"], r["name"], r["street_code"], r["district_code"])
        for r in read_csv(directory / "qingdao_communities.csv")
    ]
    return Sources(
        divisions=divisions,
        district_features=read_json(directory / "qingdao_districts.geojson")["features"],
        township_features=read_json(directory / "qingdao_townships.geojson")["features"],
        inner_points=_inner_points(read_csv(directory / "qingdao_township_centroids.csv")),
        communities=communities,
        raw_items=read_csv(directory / "service_items.csv"),
        guides=read_jsonl(directory / "service_guides.jsonl"),
        bundles=read_json(directory / "one_thing_bundles.json"),
        core_items=read_csv(directory / "core_items.csv"),
        situations=read_situations(directory / "core_item_situations.tsv"),
    )
