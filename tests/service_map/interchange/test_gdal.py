"""A consumer outside the project reads our venue GeoJSON: GDAL (``ogrinfo`` / ``ogr2ogr``, Debian ``gdal-bin``)
opens the bundled dataset's export as one WGS-84 point layer with every venue where we put it."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cityservices.config import Settings
from cityservices.service_map.interchange.formats import get_format
from cityservices.service_map.interchange.native import read_dataset

pytestmark = pytest.mark.gdal


@pytest.fixture(scope="module")
def venues_geojson(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[float, float]]]:
    if shutil.which("ogrinfo") is None:
        if os.environ.get("CI"):
            pytest.fail("ogrinfo (gdal-bin) is not installed")
        pytest.skip("ogrinfo (gdal-bin) is not installed")
    dataset, issues = read_dataset(Settings().demo_data_dir)
    assert issues == []
    path = tmp_path_factory.mktemp("gdal") / "venues.geojson"
    get_format("geojson").write(dataset, path)  # what `cityservices export --format geojson` writes
    return path, {v.id: (v.lng, v.lat) for v in dataset.venues}


def _run(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_ogrinfo_sees_one_wgs84_point_layer_with_every_venue(
    venues_geojson: tuple[Path, dict[str, tuple[float, float]]],
) -> None:
    path, venues = venues_geojson
    summary = _run("ogrinfo", "-ro", "-so", "-al", str(path))
    assert "Geometry: Point" in summary
    assert f"Feature Count: {len(venues)}" in summary
    assert len(venues) == 152
    assert 'GEOGCRS["WGS 84"' in summary
    assert 'ID["EPSG",4326]' in summary


def test_ogr2ogr_reads_each_venue_at_its_coordinates(
    venues_geojson: tuple[Path, dict[str, tuple[float, float]]], tmp_path: Path
) -> None:
    path, venues = venues_geojson
    target = tmp_path / "venues.csv"
    _run("ogr2ogr", "-f", "CSV", str(target), str(path), "-lco", "GEOMETRY=AS_XY", "-select", "id,name")
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    read = {row["id"]: (float(row["X"]), float(row["Y"])) for row in rows}
    assert read.keys() == venues.keys()
    for venue_id, (lng, lat) in venues.items():
        assert read[venue_id] == pytest.approx((lng, lat), abs=1e-9), venue_id
