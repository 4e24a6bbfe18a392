"""The hand-made OSM town, as XML and as PBF (written from the XML with pyosmium)."""

from __future__ import annotations

from pathlib import Path

import osmium
import pytest

SMALL_CITY = Path(__file__).resolve().parents[2] / "data" / "small_city.osm"


@pytest.fixture
def osm_xml() -> Path:
    return SMALL_CITY


@pytest.fixture
def osm_pbf(tmp_path: Path) -> Path:
    target = tmp_path / "small_city.osm.pbf"
    writer = osmium.SimpleWriter(str(target))
    try:
        for obj in osmium.FileProcessor(str(SMALL_CITY)):
            writer.add(obj)
    finally:
        writer.close()
    return target
