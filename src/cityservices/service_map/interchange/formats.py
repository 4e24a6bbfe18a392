"""The interchange formats by name: how each reads into a Dataset and writes one out.

The readers and writers are imported when a format is used, so that naming the formats (the ``--format`` help of
``cityservices import``/``export``) imports no models."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cityservices.service_map.hsds.forms import Survey
    from cityservices.service_map.interchange.dataset import Dataset, ImportIssue

Reader = Callable[[Path], "tuple[Dataset, list[ImportIssue]]"]
Writer = Callable[["Dataset", Path], None]
# Read with a default division for records that name none, and say what each table held (HSDS formats).
SurveyReader = Callable[[Path, str | None], "tuple[Dataset, list[ImportIssue], Survey]"]


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    read: Reader
    write: Writer
    survey: SurveyReader | None = None


def _read_native(path: Path) -> tuple[Dataset, list[ImportIssue]]:
    from cityservices.service_map.interchange import native

    return native.read_dataset(path)


def _write_native(dataset: Dataset, path: Path) -> None:
    from cityservices.service_map.interchange import native

    native.write_dataset(dataset, path, name="cityservices export", created="")


def _read_geojson(path: Path) -> tuple[Dataset, list[ImportIssue]]:
    from cityservices.service_map.interchange.geojson import read_venues_geojson

    return read_venues_geojson(path)


def _write_geojson(dataset: Dataset, path: Path) -> None:
    from cityservices.service_map.interchange.geojson import write_venues_geojson

    write_venues_geojson(dataset, path)


def _read_hsds(path: Path) -> tuple[Dataset, list[ImportIssue]]:
    from cityservices.service_map.hsds.reader import read_hsds

    return read_hsds(path)


def _survey_hsds(path: Path, default_division: str | None) -> tuple[Dataset, list[ImportIssue], Survey]:
    from cityservices.service_map.hsds.reader import survey_hsds

    return survey_hsds(path, default_division=default_division)


def _write_hsds(dataset: Dataset, path: Path) -> None:
    from cityservices.service_map.hsds.export import write_hsds

    write_hsds(dataset, path)


def _write_hsds_package(dataset: Dataset, path: Path) -> None:
    from cityservices.service_map.hsds.package import write_hsds_package

    write_hsds_package(dataset, path)


FORMATS: dict[str, Format] = {
    "native": Format("native", "cityservices CSV/JSON Lines directory", _read_native, _write_native),
    "geojson": Format("geojson", "venues as a GeoJSON FeatureCollection file", _read_geojson, _write_geojson),
    "hsds": Format(
        "hsds",
        "Open Referral HSDS 3.x: reads every published JSON form (tabular, nested, API pages) and CSV data "
        "packages; writes one JSON file in the cityservices profile",
        _read_hsds,
        _write_hsds,
        _survey_hsds,
    ),
    "hsds-csv": Format(
        "hsds-csv",
        "Open Referral HSDS 3.1 CSV data package directory (datapackage.json + one CSV per table)",
        _read_hsds,
        _write_hsds_package,
        _survey_hsds,
    ),
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(f"未知的格式 {name!r}，可用: {known}") from None
