"""Open an HSDS input (a JSON file, or a CSV data package) and bring it to the one shape of ``forms``.

``open_source`` returns the document the reader reads (or None when nothing can be imported, with a problem
saying what was expected and what was found) and the ``Survey`` of what the input held.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cityservices.service_map.hsds.forms import MAIN, ORIGIN, Collector, Survey, kind_of, main_tables, table_name
from cityservices.service_map.hsds.mapping import EXT, PROFILE_URI

Problem = Callable[[str, str, str], None]  # (pointer, field, message)
PACKAGE = "datapackage.json"
PACKAGE_PROFILE = "hsds_profile"  # the data package member naming our profile (its "profile" is Frictionless's)
EXPECTED = (
    "应为 HSDS 3.x 数据: 含 organizations / services / locations / service_at_locations 表的表格 JSON"
    "（表名单数或复数均可），一个服务、组织、地点或服务地点对象，API 分页 (contents / items)，"
    "或 CSV 数据包 (datapackage.json + 每表一个 CSV)"
)


def open_source(
    path: Path, load: Callable[[Path], Any], problem: Problem, *, default_division: str | None = None
) -> tuple[dict[str, Any] | None, Survey]:
    survey = Survey()
    collector = Collector(path.name, survey)
    if path.is_dir() or path.name == PACKAGE:
        found = _read_package(path if path.is_dir() else path.parent, collector, problem)
        if found is None:
            return None, survey
        top: dict[str, Any] = found
        original: Any = found
    else:
        value = load(path)
        if value is None:
            return None, survey
        if isinstance(value, dict) and value.get("profile") == PROFILE_URI:
            survey.form = "cityservices profile (JSON)"
            for table in MAIN:
                rows = value.get(table)
                count = survey.count(table)
                count.rows = count.read = len(rows) if isinstance(rows, list) else 0
            return value, survey
        top, original = (value if isinstance(value, dict) else {}), value
        _collect(value, collector, path.name)
    document = collector.document()
    if not any(document[table] for table in MAIN):
        problem("", "", f"{EXPECTED}；实际找到: {_found(original)}")
        return None, survey
    for key in ("hsds_version", EXT):
        if key in top:
            document[key] = top[key]
    if top.get("profile") == PROFILE_URI or top.get(PACKAGE_PROFILE) == PROFILE_URI:
        document["profile"] = PROFILE_URI
    elif default_division is not None:
        extension = document.get(EXT)
        document[EXT] = {
            "default_division_code": default_division,
            **(extension if isinstance(extension, dict) else {}),
        }
    return document, survey


def _found(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(sorted(map(str, value))[:12])
        return f"对象，成员 {keys}" if keys else "空对象"
    if isinstance(value, list):
        return f"{len(value)} 个元素的数组"
    return type(value).__name__


def _collect(value: Any, collector: Collector, file_name: str) -> None:
    """Tabular JSON, a page envelope, one nested object, or a bare array of nested objects."""
    survey = collector.survey
    if isinstance(value, list):
        survey.form = "对象数组"
        _objects(value, collector, f"{file_name}#")
        return
    if not isinstance(value, dict):
        return
    for envelope in ("contents", "items"):
        if isinstance(value.get(envelope), list):
            survey.form = f"API 分页 ({envelope})"
            _objects(value[envelope], collector, f"{file_name}#/{envelope}")
            return
    kind = kind_of(value) if "id" in value else None  # a table document has no id of its own
    if kind is not None:
        survey.form = f"嵌套对象 ({kind})"
        collector.nested(kind, value, f"{file_name}#")
        return
    tables = main_tables(value)
    if tables:
        survey.form = "表格 JSON (" + ", ".join(tables) + ")"
        collector.tabular({table_name(k): (k, v) for k, v in value.items() if isinstance(v, list)})


def _objects(values: list[Any], collector: Collector, prefix: str) -> None:
    for index, obj in enumerate(values):
        kind = kind_of(obj) if isinstance(obj, dict) else None
        if kind is None:
            count = collector.survey.count("(未识别的对象)")
            count.rows += 1
            count.ignore("不是服务、组织、地点或服务地点对象")
        else:
            collector.nested(kind, obj, f"{prefix}/{index}")


# --- CSV data package ----------------------------------------------------------------------------


def _read_package(directory: Path, collector: Collector, problem: Problem) -> dict[str, Any] | None:
    """The package's tables into the collector; returns the package descriptor (``{}`` when there is none)."""
    descriptor: dict[str, Any] = {}
    package = directory / PACKAGE
    if package.exists():
        try:
            descriptor = json.loads(package.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problem("", PACKAGE, f"无法读取数据包描述: {exc}")
            return None
    collector.profile = isinstance(descriptor, dict) and descriptor.get(PACKAGE_PROFILE) == PROFILE_URI
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if isinstance(resources, list):
        files = [(r.get("name") or Path(str(r.get("path"))).stem, r.get("path"), _types(r)) for r in resources]
    else:
        files = [(p.stem, p.name, {}) for p in sorted(directory.glob("*.csv"))]
    tables: dict[str, tuple[str, list[Any]]] = {}
    for name, file_name, types in files:
        csv_path = directory / str(file_name)
        if not csv_path.exists():
            continue
        rows = _read_csv(csv_path, str(file_name), types, problem)
        tables[table_name(str(name))] = (str(file_name), rows)
    collector.survey.form = "CSV 数据包" + (f" ({PACKAGE})" if descriptor else "")
    collector.tabular(tables)
    return descriptor if isinstance(descriptor, dict) else {}


def _types(resource: dict[str, Any]) -> dict[str, str]:
    fields = (resource.get("schema") or {}).get("fields") or []
    return {str(f.get("name")): str(f.get("type", "string")) for f in fields if isinstance(f, dict)}


def _read_csv(path: Path, file_name: str, types: dict[str, str], problem: Problem) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{file_name}:{number}"
            obj: dict[str, Any] = {ORIGIN: where}
            for column, text in row.items():
                if column is None or text in (None, ""):
                    continue
                try:
                    obj[column] = _cell(text, types.get(column, "string"))
                except ValueError:
                    problem("@" + where, column, f"{text!r} 不是 {types.get(column)} 类型的值")
            rows.append(obj)
    return rows


def _cell(text: str, kind: str) -> Any:
    if kind == "number":  # as JSON reads it: an integer literal stays an integer
        return int(text) if text.lstrip("-").isdigit() else float(text)
    if kind == "integer":
        return int(text)
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise ValueError(text)
        return text.lower() == "true"
    if kind in ("object", "array"):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ValueError(text) from None
    return text
