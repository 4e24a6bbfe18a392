"""HTML forms for the importer's records, made from the pydantic models themselves.

Each field gets a widget from its type: text, long text, number, check box, date, a choice (Literal),
one-per-line lists, the week's opening hours (one input per day), dated exceptions (one per line) and JSON
for nested values. Parsing a form gives back the record's JSON, which is then validated like an import.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from cityservices.service_map.catalogue.models import WEEKDAYS
from cityservices.service_map.editing.diff import FIELD_LABELS

WEEKDAY_NAMES = dict(zip(WEEKDAYS, ("周一", "周二", "周三", "周四", "周五", "周六", "周日"), strict=True))
LONG_TEXT = {"address", "description", "transport", "hours_note", "acceptance_conditions", "time_limit_note",
             "result_certificate", "source"}  # fmt: skip


@dataclass
class FormField:
    name: str
    label: str
    widget: str  # text | textarea | number | float | checkbox | date | select | lines | hours | exceptions | json
    value: Any
    options: list[str] = field(default_factory=list)
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
            options=options, required=info.is_required(), readonly=name == key_field,
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
    if widget == "json":
        return json.dumps(value, ensure_ascii=False, indent=2)
    if widget == "checkbox":
        return bool(value)
    return "" if value is None else str(value)


def parse_form(model: type[BaseModel], form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The record JSON of a submitted form, and the fields that could not be read (name → message)."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
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
    if widget == "json":
        try:
            return json.loads(raw) if raw else None
        except json.JSONDecodeError as exc:
            raise ValueError(f"JSON 格式有误 (第 {exc.lineno} 行): {exc.msg}") from None
    if not raw:
        return None if optional or widget in ("number", "float", "date") else ""
    return raw


def _intervals(text: str) -> list[list[str]]:
    spans = [s.strip() for s in text.replace("，", ",").split(",") if s.strip()]
    out = []
    for span in spans:
        parts = span.replace("–", "-").split("-")
        if len(parts) != 2:
            raise ValueError(f"时段 {span!r} 应写作 09:00-12:00")
        out.append([parts[0].strip(), parts[1].strip()])
    return out


def _exception(line: str) -> dict[str, Any]:
    """``2026-10-01 休息 国庆节`` or ``2026-12-31 09:00-12:00,13:00-15:00 跨年提前下班``."""
    parts = line.split(maxsplit=2)
    if len(parts) < 2:
        raise ValueError(f"例外安排 {line!r} 应写作 日期 时段(或“休息”) 备注")
    spans = [] if parts[1] in ("休息", "closed") else _intervals(parts[1])
    return {"date": parts[0], "intervals": spans, "note": parts[2] if len(parts) > 2 else ""}
