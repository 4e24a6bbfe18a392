"""The "where to go" commands run as a user would: nearest, route, hours, import-osm, load-holidays."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cityservices.service_map.interchange.native import write_dataset
from tests.service_map.where_data import ORIGIN, TUESDAY, make_where_dataset
from tests.test_cli import run_cli_in_process as run_cli

ROOT = Path(__file__).resolve().parents[3]
OSM = ROOT / "tests" / "data" / "small_city.osm"
DEMO_2027 = ROOT / "data" / "holidays" / "2027-demo-unofficial.json"
AT = f"{ORIGIN[0]},{ORIGIN[1]}"


@pytest.fixture
def db(migrated_db_url: str, tmp_path: Path) -> str:
    source = tmp_path / "dataset"
    write_dataset(make_where_dataset(), source, name="where", created="2026-11-29")
    result = run_cli(migrated_db_url, "import", str(source))
    assert result.returncode == 0, result.stderr
    return migrated_db_url


def run_json(db: str, *args: str) -> Any:
    result = run_cli(db, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_nearest_json_matches_the_api_shape(db: str) -> None:
    body = run_json(db, "nearest", "--item", "社会保障卡申领", "--at", AT, "--time", TUESDAY, "--json")
    assert body["crs"] == "wgs84"
    assert body["results"][0]["venue"]["id"] == "V370202001"
    assert body["results"][0]["open_on_arrival"] is True
    table = run_cli(
        db, "nearest", "--item", "QD-RS-0001", "--at", AT, "--time", TUESDAY, "--explain", "--level", "city"
    )
    assert table.returncode == 0, table.stderr
    assert "青岛市政务服务中心" in table.stdout
    assert "未列出" in table.stdout


BAD_NEAREST = [
    (["--item", "不存在的事项", "--at", AT], "未知的事项"),
    (["--item", "QD-RS-0001", "--at", "1,1"], "--at"),
    (["--item", "QD-RS-0001", "--at", AT, "--time", "tomorrow-ish"], "--time"),
    (["--item", "QD-RS-0001", "--at", AT, "--time", "2027-03-01T10:00"], "load-holidays"),
]


def test_nearest_bad_input_is_a_clear_message(db: str) -> None:
    for args, text in BAD_NEAREST:
        result = run_cli(db, "nearest", *args)
        assert result.returncode == 2, args
        assert text in result.stderr, args
        assert "Traceback" not in result.stderr, args


def test_routes_before_and_after_importing_roads(db: str, tmp_path: Path) -> None:
    args = ("route", "--from", "36.0681,120.3799", "--to", "V370202001", "--mode", "drive", "--json")
    before = run_json(db, *args)
    assert before["estimate"] is True
    assert before["geometry"] is None
    imported = run_cli(db, "import-osm", str(OSM))
    assert imported.returncode == 0, imported.stderr
    assert "12 条道路" in imported.stderr
    after = run_json(db, *args)
    assert after["estimate"] is False
    assert after["steps"][0]["street"] == "山东路"
    broken = tmp_path / "broken.osm"
    broken.write_bytes(OSM.read_bytes()[:2000])
    failed = run_cli(db, "import-osm", str(broken))
    assert failed.returncode == 2
    assert "损坏或不完整" in failed.stderr
    assert "Traceback" not in failed.stderr
    again = run_json(db, *args)
    assert again["road_graph_import_id"] == after["road_graph_import_id"]
    assert again["steps"] == after["steps"]
    text = run_cli(db, "route", "--from", "36.0681,120.3799", "--to", "V370202001")
    assert "道路网路线" in text.stdout


def test_load_holidays_refuses_unofficial_files_unless_asked(db: str) -> None:
    refused = run_cli(db, "load-holidays", str(DEMO_2027))
    assert refused.returncode == 2
    assert "--allow-unofficial" in refused.stderr
    hours = run_cli(db, "hours", "V370202001", "--time", "2027-03-01T10:00", "--json")
    assert hours.returncode == 2
    assert "2027" in hours.stderr
    loaded = run_cli(db, "load-holidays", str(DEMO_2027), "--allow-unofficial")
    assert loaded.returncode == 0, loaded.stderr
    assert "非官方" in loaded.stderr
    body = run_json(db, "hours", "V370202001", "--time", "2027-03-01T10:00", "--json")
    assert body["state"]["open"] is True


def test_load_holidays_reports_a_bad_file(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "2027.json"
    bad.write_text('{"format": "cityservices-holiday-schedule", "version": 1, "year": 2027}', encoding="utf-8")
    result = run_cli(db, "load-holidays", str(bad))
    assert result.returncode == 2
    assert "official" in result.stderr
    assert "holidays" in result.stderr
