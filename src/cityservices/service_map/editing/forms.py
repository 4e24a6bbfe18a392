"""HTML forms for the importer's records, made from the pydantic models themselves.

Each field gets a widget from its type: text, long text, number, check box, date, a choice (Literal, shown
with Chinese labels), one-per-line lists, the week's opening hours (one input per day), dated exceptions (one
per line), table rows for lists of objects staff keep up (phones, windows, photos, kiosks: one input per column,
rows added and removed), the parking facts, and JSON only for other nested values. Parsing a form gives back
the record's JSON, which is then validated like an import.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from cityservices.kit.calendar import now_in_china
from cityservices.service_map.catalogue.models import WEEKDAYS
from cityservices.service_map.editing.diff import FIELD_LABELS

WEEKDAY_NAMES = dict(zip(WEEKDAYS, ("周一", "周二", "周三", "周四", "周五", "周六", "周日"), strict=True))
LONG_TEXT = {"address", "description", "transport", "hours_note", "acceptance_conditions", "time_limit_note",
             "result_certificate", "source"}  # fmt: skip


# Lists of objects edited as table rows: field → columns (name, label, input type).
ROW_COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "phones": (("label", "用途", "text"), ("number", "号码", "text")),
    "windows": (("number", "窗口号", "text"), ("name", "窗口名称", "text"), ("department_code", "部门代码", "text")),
    "photos": (("url", "图片地址", "text"), ("caption", "说明", "text")),
    "kiosks": (("kind", "终端类型", "text"), ("count", "台数", "number"), ("hours", "服务时间", "text")),
}
PARKING_COLUMNS = (("spaces", "车位数", "number"), ("free", "免费", "checkbox"), ("note", "说明", "text"))
# Chinese labels of the choices (the stored value stays the code).
OPTION_LABELS = {
    "level": {"city": "市级", "district": "区(市)级", "street": "街道(镇)级"},
    "status": {"open": "正常开放", "temporarily_closed": "暂停服务", "closed": "已关闭"},
    "source_crs": {"wgs84": "WGS-84 (GPS)", "gcj02": "GCJ-02 (高德、腾讯地图)", "bd09": "BD-09 (百度地图)"},
}
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_ROW_NAME = re.compile(r"^(\w+)\.(\d{1,3})\.(\w+)$")


@dataclass
class FormField:
    name: str
    label: str
    widget: str  # text | textarea | number | float | checkbox | date | select | lines | hours | exceptions | json
    value: Any
    options: list[str] = field(default_factory=list)
    option_labels: dict[str, str] = field(default_factory=dict)
    columns: tuple[tuple[str, str, str], ...] = ()
    required: bool = False
    readonly: bool = False
    error: str = ""


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``| None`` and ``Annotated``; and whether None is allowed."""
    optional = False
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        optional = len(args) < len(get_args(annotation))
        annotation = args[0] if len(args) == 1 else annotation
    if get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    return annotation, optional


def widget_of(name: str, annotation: Any) -> tuple[str, list[str]]:
    if name == "hours":
        return "hours", []
    if name == "hours_exceptions":
        return "exceptions", []
    if name == "demo_fields":
        return "demo", []
    if name in ROW_COLUMNS:
        return "rows", []
    if name == "parking":
        return "parking", []
    inner, _ = _unwrap(annotation)
    origin = get_origin(inner)
    simple = {bool: "checkbox", int: "number", float: "float", dt.date: "date"}
    if inner in simple:
        return simple[inner], []
    if origin is Literal:
        return "select", [str(a) for a in get_args(inner)]
    if inner is str:
        return ("textarea" if name in LONG_TEXT else "text"), []
    if origin is list and _unwrap(get_args(inner)[0])[0] is str:
        return "lines", []
    return "json", []


def build_form(model: type[BaseModel], values: dict[str, Any], *, key_field: str | None = None) -> list[FormField]:
    """The fields of ``model`` filled with ``values`` (a record's JSON); the key field is read-only."""
    fields = []
    for name, info in _ordered(model, key_field):
        widget, options = widget_of(name, info.annotation)
        fields.append(FormField(
            name=name, label=FIELD_LABELS.get(name, name), widget=widget, value=to_text(widget, values.get(name)),
            options=options, option_labels=OPTION_LABELS.get(name, {}),
            columns=ROW_COLUMNS.get(name, PARKING_COLUMNS if widget == "parking" else ()),
            required=info.is_required(), readonly=name == key_field,
        ))  # fmt: skip
    return fields


LOCATION_FIELDS = ("lat", "lng", "source_crs", "source_lat", "source_lng")


def _ordered(model: type[BaseModel], key_field: str | None) -> list[tuple[str, Any]]:
    """The key first, coordinates after the address: the order staff read a record in."""
    items = list(model.model_fields.items())
    located = [(n, i) for n, i in items if n in LOCATION_FIELDS]
    rest = [(n, i) for n, i in items if n not in LOCATION_FIELDS]
    rest.sort(key=lambda pair: pair[0] != key_field)
    anchor = next((k + 1 for k, (n, _) in enumerate(rest) if n == "postcode"), len(rest))
    return rest[:anchor] + located + rest[anchor:]


def to_text(widget: str, value: Any) -> Any:
    if widget == "hours":
        hours = value or {}
        return {day: ", ".join(f"{a}-{b}" for a, b in hours.get(day, [])) for day in WEEKDAYS}
    if widget == "exceptions":
        lines = []
        for exc in value or []:
            spans = ",".join(f"{a}-{b}" for a, b in exc.get("intervals", [])) or "休息"
            lines.append(f"{exc['date']} {spans} {exc.get('note', '')}".rstrip())
        return "\n".join(lines)
    if widget == "lines":
        return "\n".join(str(v) for v in value or [])
    if widget == "demo":
        return [str(v) for v in value or []]
    if widget == "rows":
        return [
            {k: "" if v is None else str(v) for k, v in row.items()} for row in value or [] if isinstance(row, dict)
        ]
    if widget == "parking":
        parking = value if isinstance(value, dict) else {}
        return {k: "" if v is None else v for k, v in parking.items()}
    if widget == "json":
        return json.dumps(value, ensure_ascii=False, indent=2)
    if widget == "checkbox":
        return bool(value)
    return "" if value is None else str(value)


def parse_form(model: type[BaseModel], form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The record JSON of a submitted form, and the fields that could not be read (name → message)."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    confirmed = any(key.startswith("verified.") for key in form)
    for name, info in model.model_fields.items():
        widget, _ = widget_of(name, info.annotation)
        _, optional = _unwrap(info.annotation)
        try:
            value = _parse(widget, name, form, optional=optional)
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if value is not None or optional:
            data[name] = value
    if confirmed and "last_verified" in model.model_fields:
        data["last_verified"] = now_in_china().date().isoformat()  # confirming a value is verifying the record today
    return data, errors


def _parse(widget: str, name: str, form: dict[str, str], *, optional: bool) -> Any:
    raw = form.get(name, "").strip()
    if widget == "checkbox":
        return name in form
    if widget == "hours":
        return {day: _intervals(form.get(f"{name}.{day}", "")) for day in WEEKDAYS}
    if widget == "exceptions":
        return [_exception(line) for line in raw.splitlines() if line.strip()]
    if widget == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if widget == "demo":
        # the fields still marked as demo data: those staff did not tick as confirmed (``verified.<field>``)
        marked = [line.strip() for line in raw.splitlines() if line.strip()]
        return [f for f in marked if f"verified.{f}" not in form]
    if widget == "rows":
        return _rows(name, form)
    if widget == "parking":
        return _parking(form)
    if widget == "json":
        try:
            return json.loads(raw) if raw else None
        except json.JSONDecodeError as exc:
            raise ValueError(f"JSON 格式有误 (第 {exc.lineno} 行): {exc.msg}") from None
    if not raw:
        return None if optional or widget in ("number", "float", "date") else ""
    return raw


def _rows(name: str, form: dict[str, str]) -> list[dict[str, Any]]:
    """Table rows ``phones.0.label``, ``phones.0.number`` … in the order of their numbers; empty rows and empty
    cells dropped. A column typed ``number`` must hold a whole number."""
    columns = {column: kind for column, _, kind in ROW_COLUMNS[name]}
    rows: dict[int, dict[str, Any]] = {}
    for key, value in form.items():
        match = _ROW_NAME.match(key)
        if match is None or match.group(1) != name or match.group(3) not in columns:
            continue
        rows.setdefault(int(match.group(2)), {})[match.group(3)] = value.strip()
    out: list[dict[str, Any]] = []
    for index in sorted(rows):
        row = rows[index]
        if not any(row.values()):
            continue
        entry: dict[str, Any] = {}
        for column, _, kind in ROW_COLUMNS[name]:
            text = row.get(column, "")
            if not text:
                continue  # an empty cell is left out of the entry
            if kind == "number" and not text.isdigit():
                raise ValueError(f"第 {len(out) + 1} 行的数量 “{text}” 请填写整数，如 4")
            entry[column] = int(text) if kind == "number" else text
        out.append(entry)
    return out


def _parking(form: dict[str, str]) -> dict[str, Any]:
    spaces = form.get("parking.spaces", "").strip()
    note = form.get("parking.note", "").strip()
    free = "parking.free" in form
    if spaces and not spaces.isdigit():
        raise ValueError(f"车位数 “{spaces}” 请填写整数，如 120")
    if not spaces and not note and not free:
        return {}
    parking: dict[str, Any] = {"spaces": int(spaces) if spaces else None, "free": free}
    if note:
        parking["note"] = note
    return parking


def _intervals(text: str) -> list[list[str]]:
    """``09:00-12:00, 13:30-17:00`` → [["09:00", "12:00"], ["13:30", "17:00"]] (Beijing time, 24-hour)."""
    spans = [s.strip() for s in text.replace("，", ",").replace("、", ",").split(",") if s.strip()]
    out = []
    for span in spans:
        parts = [
            p.strip().replace("：", ":") for p in span.replace("–", "-").replace("—", "-").replace("~", "-").split("-")
        ]
        if len(parts) != 2 or not all(_HHMM.match(p) for p in parts):
            raise ValueError(f"时段 “{span}” 请按 09:00-12:00 格式填写 (北京时间，24 小时制)")
        if parts[0] >= parts[1]:
            raise ValueError(f"时段 “{span}” 的结束时间应晚于开始时间，请按 09:00-12:00 格式填写")
        out.append(parts)
    return out


def _exception(line: str) -> dict[str, Any]:
    """``2026-10-01 休息 国庆节`` or ``2026-12-31 09:00-12:00,13:00-15:00 跨年提前下班``."""
    parts = line.split(maxsplit=2)
    if len(parts) < 2:
        raise ValueError(f"例外安排 “{line}” 请按 “2026-10-01 休息 国庆节” 或 “2026-12-31 09:00-12:00 备注” 格式填写")
    try:
        dt.date.fromisoformat(parts[0])
    except ValueError:
        raise ValueError(f"例外安排的日期 “{parts[0]}” 请按 2026-10-01 格式填写") from None
    spans = [] if parts[1] in ("休息", "closed") else _intervals(parts[1])
    return {"date": parts[0], "intervals": spans, "note": parts[2] if len(parts) > 2 else ""}
