"""Our own dataset layout: a directory of CSV and JSON Lines files (docs/data-format.md)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cityservices.kit.text import from_spreadsheet_safe, spreadsheet_safe
from cityservices.service_map.interchange.dataset import Dataset, DatasetBuilder, ImportIssue, Origin

FORMAT_NAME = "cityservices-dataset"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class CsvSpec:
    """How a CSV file maps to a record kind: its columns, list columns, JSON columns, bool columns."""

    kind: str
    columns: tuple[str, ...]
    lists: tuple[str, ...] = ()
    json: tuple[str, ...] = ()
    bools: tuple[str, ...] = ()


CSV_FILES: dict[str, CsvSpec] = {
    "divisions.csv": CsvSpec("divisions", ("code", "name", "level", "parent_code")),
    "departments.csv": CsvSpec(
        "departments", ("code", "name", "category", "division_code", "demo_fields"), lists=("demo_fields",)
    ),
    "items.csv": CsvSpec(
        "items",
        (
            "code",
            "name",
            "item_type",
            "applicant_type",
            "department_code",
            "category",
            "basic_code",
            "aliases",
            "is_core",
            "source",
            "demo_fields",
        ),
        lists=("aliases", "demo_fields"),
        bools=("is_core",),
    ),
    "item_implementations.csv": CsvSpec(
        "implementations",
        ("item_code", "level", "department_code", "implementation_code", "demo_fields"),
        lists=("demo_fields",),
    ),
    "venue_items.csv": CsvSpec("venue_items", ("venue_id", "item_code", "level", "window_number")),
    "pois.csv": CsvSpec(
        "pois",
        (
            "id",
            "category",
            "name",
            "lat",
            "lng",
            "source_crs",
            "source_lat",
            "source_lng",
            "address",
            "details",
            "demo_fields",
        ),
        lists=("demo_fields",),
        json=("details",),
    ),
}
JSONL_FILES: dict[str, str] = {
    "venues.jsonl": "venues", "guides.jsonl": "guides", "bundles.jsonl": "bundles",
    "hsds_extras.jsonl": "hsds_extras",  # written only when there are any (data imported from plain HSDS)
}  # fmt: skip
BOUNDARIES_FILE = "boundaries.geojson"
OPTIONAL_EMPTY_IS_NONE = {"parent_code", "basic_code", "implementation_code", "window_number"}


def read_dataset(directory: Path) -> tuple[Dataset, list[ImportIssue]]:
    """Read and validate every row of a dataset directory; return the records and all row issues."""
    builder = DatasetBuilder()
    _check_manifest(directory, builder)
    for name, spec in CSV_FILES.items():
        path = directory / name
        if path.exists():
            for row_number, row in _read_csv(path, name, builder):
                builder.add(spec.kind, _parse_csv_row(row, spec), Origin(name, row_number))
    for name, kind in JSONL_FILES.items():
        path = directory / name
        if path.exists():
            for line_number, obj in _read_jsonl(path, name, builder):
                builder.add(kind, obj, Origin(name, line_number))
    boundaries = directory / BOUNDARIES_FILE
    if boundaries.exists():
        _read_boundaries(boundaries, builder)
    return builder.dataset, builder.issues


def _check_manifest(directory: Path, builder: DatasetBuilder) -> None:
    origin = Origin("manifest.json", 0)
    path = directory / "manifest.json"
    if not directory.is_dir():
        builder.problem(Origin(str(directory), 0), "", "不是一个目录")
        return
    if not path.exists():
        builder.problem(origin, "", "缺少 manifest.json")
        return
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        builder.problem(origin, "", f"不是有效的 JSON: {exc}")
        return
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        builder.problem(origin, "format", f"应为 {FORMAT_NAME!r}")
    elif manifest.get("version") != FORMAT_VERSION:
        builder.problem(origin, "version", f"不支持的版本 {manifest.get('version')!r}，应为 {FORMAT_VERSION}")


def _read_csv(path: Path, name: str, builder: DatasetBuilder) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                if None in row:
                    builder.problem(Origin(name, reader.line_num), "", "列数多于表头")
                    continue
                yield reader.line_num, {k: v for k, v in row.items() if v is not None}
    except (UnicodeDecodeError, csv.Error) as exc:
        builder.problem(Origin(name, 0), "", f"无法读取 CSV: {exc}")


def _parse_csv_row(row: dict[str, str], spec: CsvSpec) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for key, cell in row.items():
        value = from_spreadsheet_safe(cell)
        if key in spec.lists:
            parsed[key] = [part.strip() for part in value.split(";") if part.strip()]
        elif key in spec.json:
            parsed[key] = _json_cell(value)
        elif key in spec.bools:
            parsed[key] = {"true": True, "false": False, "": False}.get(value.strip().lower(), value)
        elif key in OPTIONAL_EMPTY_IS_NONE and value == "":
            parsed[key] = None
        else:
            parsed[key] = value
    return parsed


def _json_cell(value: str) -> Any:
    if not value.strip():
        return {}
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value  # the record's validation reports it with file, row and field


def _read_jsonl(path: Path, name: str, builder: DatasetBuilder) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    builder.problem(Origin(name, number), "", f"不是有效的 JSON: {exc.msg}")
                    continue
                if not isinstance(obj, dict):
                    builder.problem(Origin(name, number), "", "每行必须是一个 JSON 对象")
                    continue
                yield number, obj
    except UnicodeDecodeError as exc:
        builder.problem(Origin(name, 0), "", f"不是 UTF-8 文本: {exc}")


def _read_boundaries(path: Path, builder: DatasetBuilder) -> None:
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
        features = collection["features"]
        if not isinstance(features, list):
            raise TypeError("features")
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        builder.problem(Origin(BOUNDARIES_FILE, 0), "", f"不是有效的 GeoJSON FeatureCollection: {exc}")
        return
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {} if isinstance(feature, dict) else {}
        raw = {
            "code": props.get("code"),
            "geometry": feature.get("geometry") if isinstance(feature, dict) else None,
            "source": props.get("source") or "",
        }
        builder.add("boundaries", raw, Origin(BOUNDARIES_FILE, number))


def write_dataset(dataset: Dataset, directory: Path, *, name: str, created: str) -> None:
    """Write ``dataset`` as a dataset directory (files are overwritten)."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for file_name, spec in CSV_FILES.items():
        rows = [_csv_row(record.model_dump(mode="json"), spec) for record in dataset.records(spec.kind)]
        with (directory / file_name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(spec.columns), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        counts[file_name] = len(rows)
    for file_name, kind in JSONL_FILES.items():
        records = dataset.records(kind)
        if kind == "hsds_extras" and not records:
            continue
        with (directory / file_name).open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n")
        counts[file_name] = len(records)
    _write_boundaries(dataset, directory / BOUNDARIES_FILE)
    counts[BOUNDARIES_FILE] = len(dataset.boundaries)
    manifest = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "name": name, "created": created,
                "license": "see PROVENANCE.md", "counts": counts}  # fmt: skip
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def _csv_row(data: dict[str, Any], spec: CsvSpec) -> dict[str, str]:
    row: dict[str, str] = {}
    for column in spec.columns:
        value = data.get(column)
        if column in spec.lists:
            row[column] = spreadsheet_safe(";".join(str(v) for v in value or []))
        elif column in spec.json:
            row[column] = json.dumps(value or {}, ensure_ascii=False, sort_keys=True)
        elif isinstance(value, bool):
            row[column] = "true" if value else "false"
        elif isinstance(value, str):
            row[column] = spreadsheet_safe(value)  # never a formula when the file is opened in a spreadsheet
        else:
            row[column] = "" if value is None else str(value)
    return row


def _write_boundaries(dataset: Dataset, path: Path) -> None:
    features = [
        {"type": "Feature", "properties": {"code": b.code, "source": b.source}, "geometry": b.geometry}
        for b in dataset.boundaries
    ]
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")
