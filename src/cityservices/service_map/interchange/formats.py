"""The interchange formats by name: how each reads into a Dataset and writes one out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cityservices.service_map.hsds.export import write_hsds
from cityservices.service_map.hsds.reader import read_hsds
from cityservices.service_map.interchange import native
from cityservices.service_map.interchange.dataset import Dataset, ImportIssue
from cityservices.service_map.interchange.geojson import read_venues_geojson, write_venues_geojson

Reader = Callable[[Path], tuple[Dataset, list[ImportIssue]]]
Writer = Callable[[Dataset, Path], None]


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    read: Reader
    write: Writer


def _write_native(dataset: Dataset, path: Path) -> None:
    native.write_dataset(dataset, path, name="cityservices export", created="")


FORMATS: dict[str, Format] = {
    "native": Format("native", "cityservices CSV/JSON Lines directory", native.read_dataset, _write_native),
    "geojson": Format(
        "geojson", "venues as a GeoJSON FeatureCollection file", read_venues_geojson, write_venues_geojson
    ),
    "hsds": Format("hsds", "Open Referral HSDS 3.1 JSON file, cityservices profile", read_hsds, write_hsds),
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(f"未知的格式 {name!r}，可用: {known}") from None
