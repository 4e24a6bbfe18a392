"""The interchange formats by name: how each reads into a Dataset and writes one out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cityservices.service_map.hsds.export import write_hsds
from cityservices.service_map.hsds.forms import Survey
from cityservices.service_map.hsds.package import write_hsds_package
from cityservices.service_map.hsds.reader import read_hsds, survey_hsds
from cityservices.service_map.interchange import native
from cityservices.service_map.interchange.dataset import Dataset, ImportIssue
from cityservices.service_map.interchange.geojson import read_venues_geojson, write_venues_geojson

Reader = Callable[[Path], tuple[Dataset, list[ImportIssue]]]
Writer = Callable[[Dataset, Path], None]
# Read with a default division for records that name none, and say what each table held (HSDS formats).
SurveyReader = Callable[[Path, str | None], tuple[Dataset, list[ImportIssue], Survey]]


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    read: Reader
    write: Writer
    survey: SurveyReader | None = None


def _survey_hsds(path: Path, default_division: str | None) -> tuple[Dataset, list[ImportIssue], Survey]:
    return survey_hsds(path, default_division=default_division)


def _write_native(dataset: Dataset, path: Path) -> None:
    native.write_dataset(dataset, path, name="cityservices export", created="")


FORMATS: dict[str, Format] = {
    "native": Format("native", "cityservices CSV/JSON Lines directory", native.read_dataset, _write_native),
    "geojson": Format(
        "geojson", "venues as a GeoJSON FeatureCollection file", read_venues_geojson, write_venues_geojson
    ),
    "hsds": Format(
        "hsds",
        "Open Referral HSDS 3.x: reads every published JSON form (tabular, nested, API pages) and CSV data "
        "packages; writes one JSON file in the cityservices profile",
        read_hsds,
        write_hsds,
        _survey_hsds,
    ),
    "hsds-csv": Format(
        "hsds-csv",
        "Open Referral HSDS 3.1 CSV data package directory (datapackage.json + one CSV per table)",
        read_hsds,
        write_hsds_package,
        _survey_hsds,
    ),
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(f"未知的格式 {name!r}，可用: {known}") from None
