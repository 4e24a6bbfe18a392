"""Malformed input of every kind is reported by file, row and field, and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from cityservices.service_map.interchange.dataset import Dataset, ImportFailed
from cityservices.service_map.interchange.native import read_dataset, write_dataset
from cityservices.service_map.interchange.repository import count_rows
from cityservices.service_map.interchange.store import import_dataset
from tests.builders import make_dataset


def _edit_csv(name: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        lines = (directory / name).read_text(encoding="utf-8").splitlines()
        header = lines[0].split(",")
        import csv
        import io

        parsed = next(csv.reader(io.StringIO(lines[row - 1])))
        parsed[header.index(column)] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(parsed)
        lines[row - 1] = out.getvalue()
        (directory / name).write_text("\n".join(lines) + "\n", encoding="utf-8")

    return edit


def _edit_jsonl(name: str, line: int, change: Callable[[dict[str, object]], None]) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        lines = (directory / name).read_text(encoding="utf-8").splitlines()
        obj = json.loads(lines[line - 1])
        change(obj)
        lines[line - 1] = json.dumps(obj, ensure_ascii=False)
        (directory / name).write_text("\n".join(lines) + "\n", encoding="utf-8")

    return edit


def _replace(name: str, text: str) -> Callable[[Path], None]:
    def edit(directory: Path) -> None:
        (directory / name).write_text(text, encoding="utf-8")

    return edit


CASES: dict[str, tuple[Callable[[Path], None], str, int, str]] = {
    "division code": (_edit_csv("divisions.csv", 3, "code", "37A202"), "divisions.csv", 3, "code"),
    "division level": (_edit_csv("divisions.csv", 2, "level", "county"), "divisions.csv", 2, "level"),
    "department division": (
        _edit_csv("departments.csv", 2, "division_code", "370299"), "departments.csv", 2, "division_code"),
    "item type": (_edit_csv("items.csv", 2, "item_type", "随便"), "items.csv", 2, "item_type"),
    "item department": (
        _edit_csv("items.csv", 3, "department_code", "NOPE-1"), "items.csv", 3, "department_code"),
    "implementation level": (
        _edit_csv("item_implementations.csv", 2, "level", "province"), "item_implementations.csv", 2, "level"),
    "venue outside China": (
        _edit_jsonl("venues.jsonl", 1, lambda v: v.update(lat=48.85, lng=2.35)), "venues.jsonl", 1, ""),
    "venue coordinate not a number": (
        _edit_jsonl("venues.jsonl", 1, lambda v: v.update(lat="北纬36度")), "venues.jsonl", 1, "lat"),
    "venue unknown crs": (
        _edit_jsonl("venues.jsonl", 1, lambda v: v.update(source_crs="utm51n")), "venues.jsonl", 1, "source_crs"),
    "venue hours malformed": (
        _edit_jsonl("venues.jsonl", 1, lambda v: v["hours"].update(mon=[["9:00", "12:00"]])),  # type: ignore[attr-defined]
        "venues.jsonl", 1, "hours"),
    "venue hours overlapping": (
        _edit_jsonl("venues.jsonl", 1, lambda v: v["hours"].update(tue=[["09:00", "12:00"], ["11:00", "17:00"]])),  # type: ignore[attr-defined]
        "venues.jsonl", 1, "hours"),
    "venue unknown division": (
        _edit_jsonl("venues.jsonl", 1, lambda v: v.update(division_code="370299001")), "venues.jsonl", 1,
        "division_code"),
    "venue item unresolved": (
        _edit_csv("venue_items.csv", 2, "venue_id", "V999"), "venue_items.csv", 2, "venue_id"),
    "venue item wrong level": (
        _edit_csv("venue_items.csv", 2, "level", "city"), "venue_items.csv", 2, "level"),
    "guide not JSON": (_replace("guides.jsonl", '{"item_code": "QD-RS-0001",\n'), "guides.jsonl", 1, ""),
    "guide unknown item": (
        _edit_jsonl("guides.jsonl", 2, lambda g: g.update(item_code="QD-XX-9999")), "guides.jsonl", 2, "item_code"),
    "bundle duplicate position": (
        _edit_jsonl("bundles.jsonl", 1, lambda b: b["items"][1].update(position=1)),  # type: ignore[index]
        "bundles.jsonl", 1, "items"),
    "poi category": (_edit_csv("pois.csv", 2, "category", "casino"), "pois.csv", 2, "category"),
    "poi details not JSON": (_edit_csv("pois.csv", 2, "details", "{spaces: 5"), "pois.csv", 2, "details"),
    "boundary geometry": (
        _replace("boundaries.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature",'
                 '"properties":{"code":"370202001"},"geometry":{"type":"Point","coordinates":[120,36]}}]}'),
        "boundaries.geojson", 1, "geometry"),
    "manifest missing": (lambda d: (d / "manifest.json").unlink(), "manifest.json", 0, ""),
    "duplicate key": (
        _edit_csv("items.csv", 3, "code", "QD-RS-0001"), "items.csv", 3, "code"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_file_is_rejected_and_nothing_written(session: Session, tmp_path: Path, case: str) -> None:
    edit, file_name, row, field = CASES[case]
    write_dataset(make_dataset(), tmp_path, name="t", created="2026-11-29")
    edit(tmp_path)
    import_dataset(session, _loaded_other_dataset(), mode="replace")
    before = count_rows(session)

    with pytest.raises(ImportFailed) as failure:
        _import_directory(session, tmp_path)

    issues = failure.value.issues
    assert any(i.file == file_name and i.row == row and i.field.startswith(field) for i in issues), issues
    assert count_rows(session) == before


def _import_directory(session: Session, directory: Path) -> None:
    dataset, issues = read_dataset(directory)
    if issues:
        raise ImportFailed(issues)
    import_dataset(session, dataset, mode="replace")


def _loaded_other_dataset() -> Dataset:
    d = make_dataset()
    d.pois = []
    return d


def test_insert_mode_refuses_existing_keys(session: Session) -> None:
    import_dataset(session, make_dataset(), mode="replace")
    before = count_rows(session)
    with pytest.raises(ImportFailed) as failure:
        import_dataset(session, make_dataset(), mode="insert")
    assert any("已存在" in i.message for i in failure.value.issues)
    assert count_rows(session) == before
