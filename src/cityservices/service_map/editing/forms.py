"""HTML forms for the importer's records, made from the pydantic models themselves.

Each field gets a widget from its type: text, long text, number, check box, date, a choice (Literal, shown
with Chinese labels), one-per-line lists, the week's opening hours (one input per day), the parking facts, and
repeatable rows for every list of objects — a venue's phones, windows, photos, kiosks and dated exceptions
(holiday hours), a guide's materials, steps, fees, channels and questions, a bundle's steps and shared
materials: one input per column, rows added, removed and reordered. JSON is left only for nested values no
row layout describes. Parsing a form gives back the record's JSON, which is then validated like an import;
a row that cannot be read is reported by its number in Chinese, and the submitted rows come back as typed
(``ROW_ERROR`` marks the row) so that nothing is lost and nothing is written.
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


DROP = object()  # a column whose empty cell is left out of the entry


@dataclass(frozen=True)
class Column:
    """One input of a repeatable row: ``kind`` is text | long | number | checkbox | select | date | url | list
    (several values separated by 、) | hours (09:00-12:00, 13:30-17:00); ``empty`` is what an empty cell stores
    (``DROP``: left out)."""

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (value, Chinese label); the first is the default
    empty: Any = DROP
    placeholder: str = ""


MATERIAL_COLUMNS = (
    Column("name", "材料名称", required=True, empty=""),
    Column("form", "形式", "select", options=tuple((f, f) for f in ("原件", "复印件", "原件和复印件", "电子证照"))),
    Column("copies", "份数", "number", placeholder="1"),
    Column("waivable", "可免交", "checkbox"),
    Column("note", "说明", empty=""),
)
PLAN_KINDS = (("step", "必办"), ("first", "先办"), ("choice", "选择其一"), ("if", "有条件"))
CHANNEL_KINDS = tuple(
    (k, v) for k, v in {"window": "窗口", "online": "网上办理", "app": "手机 App", "kiosk": "自助终端",
                        "mail": "邮寄", "phone": "电话"}.items()
)  # fmt: skip
# Lists of objects edited as repeatable rows: field → columns.
ROW_COLUMNS: dict[str, tuple[Column, ...]] = {
    "phones": (Column("label", "用途"), Column("number", "号码")),
    "windows": (Column("number", "窗口号"), Column("name", "窗口名称"), Column("department_code", "部门代码")),
    "photos": (Column("url", "图片地址"), Column("caption", "说明")),
    "kiosks": (Column("kind", "终端类型"), Column("count", "台数", "number"), Column("hours", "服务时间")),
    "hours_exceptions": (
        Column("date", "日期", "date", required=True),
        Column("closed", "全天休息", "checkbox"),
        Column("hours", "时段 (北京时间)", "hours", placeholder="09:00-12:00, 13:30-17:00"),
        Column("note", "说明", placeholder="国庆节"),
    ),
    "materials": MATERIAL_COLUMNS,
    "shared_materials": MATERIAL_COLUMNS,
    "steps": (Column("name", "步骤名称", required=True), Column("description", "说明", "long", empty="")),
    "fees": (
        Column("name", "收费项目", required=True),
        Column("amount", "金额", empty=""),
        Column("basis", "依据", empty=""),
    ),
    "channels": (
        Column("kind", "渠道", "select", options=CHANNEL_KINDS),
        Column("name", "名称", required=True),
        Column("url", "网址", "url", empty=None),
    ),
    "faqs": (Column("q", "问题", "long", required=True), Column("a", "回答", "long", required=True)),
    "items": (
        Column("item_code", "事项编码", required=True, placeholder="QD-RS-0001"),
        Column("kind", "办理方式", "select", options=PLAN_KINDS),
        Column("choice_group", "选项组 (选择其一时填)", empty=""),
        Column("condition", "适用条件", empty=""),
        Column("produces", "办结后取得 (用、分隔)", "list"),
        Column("note", "说明", empty=""),
    ),
}
ROW_HINTS = {
    "hours_exceptions": "每行一个日期：勾选“全天休息”，或填写当天的时段。",
    "items": "按办理顺序排列 (可上移、下移)。“选择其一”的各项填写同一个选项组；“有条件”的须写明适用条件。",
}
ROW_ERROR = "_error"  # the key of a submitted row's error when the form comes back
ROW_TYPED = "_typed"  # marks rows that come back as typed (not converted from the record)
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
    columns: tuple[Any, ...] = ()
    required: bool = False
    hint: str = ""
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
            required=info.is_required(), readonly=name == key_field, hint=ROW_HINTS.get(name, ""),
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
    if widget == "lines":
        return "\n".join(str(v) for v in value or [])
    if widget == "demo":
        return [str(v) for v in value or []]
    if widget == "rows":
        return [_row_text(row) for row in value or [] if isinstance(row, dict)]
    if widget == "parking":
        parking = value if isinstance(value, dict) else {}
        return {k: "" if v is None else v for k, v in parking.items()}
    if widget == "json":
        return json.dumps(value, ensure_ascii=False, indent=2)
    if widget == "checkbox":
        return bool(value)
    return "" if value is None else str(value)


def _row_text(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as the form shows it: text cells, check boxes as booleans, lists joined with 、; a dated
    exception as date, closed and hours. Rows that come back as typed are shown unchanged."""
    if row.get(ROW_TYPED):
        return row
    if "intervals" in row:  # a dated exception
        spans = ", ".join(f"{a}-{b}" for a, b in row.get("intervals") or [])
        row = {"date": row.get("date"), "closed": not spans, "hours": spans, "note": row.get("note"),
               ROW_ERROR: row.get(ROW_ERROR, "")}  # fmt: skip
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, bool):
            out[key] = value
        elif isinstance(value, list):
            out[key] = "、".join(str(v) for v in value)
        else:
            out[key] = "" if value is None else str(value)
    return out


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
        except RowErrors as exc:
            errors[name] = "；".join(f"第 {n} 行：{message}" for n, message in exc.problems)
            data[name] = exc.typed  # shown again as typed, each bad row with its message
            continue
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


class RowErrors(ValueError):
    """Rows of a list that could not be read: ``problems`` as (row number from 1, message), and every submitted
    row as typed (``typed``), the bad ones carrying their message under ``ROW_ERROR``."""

    def __init__(self, problems: list[tuple[int, str]], typed: list[dict[str, Any]]) -> None:
        super().__init__("；".join(f"第 {n} 行：{m}" for n, m in problems))
        self.problems = problems
        self.typed = typed


def _rows(name: str, form: dict[str, str]) -> list[dict[str, Any]]:
    """Rows ``phones.0.label``, ``phones.0.number`` … in the order of their numbers, each made an entry by its
    columns; empty rows (no text typed: check boxes and choices alone do not count) are dropped. RowErrors names
    every row that cannot be read."""
    columns = {c.name: c for c in ROW_COLUMNS[name]}
    rows: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = _ROW_NAME.match(key)
        if match is None or match.group(1) != name or match.group(3) not in columns:
            continue
        rows.setdefault(int(match.group(2)), {})[match.group(3)] = value.strip()
    out: list[dict[str, Any]] = []
    typed: list[dict[str, Any]] = []
    problems: list[tuple[int, str]] = []
    for index in sorted(rows):
        row = rows[index]
        if not any(v for c, v in row.items() if columns[c].kind not in ("checkbox", "select")):
            continue
        shown: dict[str, Any] = {c.name: row.get(c.name, "") for c in columns.values()}
        for column in columns.values():
            if column.kind == "checkbox":
                shown[column.name] = column.name in row
        try:
            entry = _row_entry(name, columns, row)
        except ValueError as exc:
            problems.append((len(typed) + 1, str(exc)))
            shown[ROW_ERROR] = str(exc)
            entry = {}
        typed.append({**shown, ROW_TYPED: True})
        out.append(entry)
    if name == "hours_exceptions" and not problems:
        problems += _repeated_dates(out)
        for number, message in problems:
            typed[number - 1][ROW_ERROR] = message
    if problems:
        raise RowErrors(problems, typed)
    if name == "items":  # a bundle's steps: numbered in the order of the rows
        return [{"position": n, **entry} for n, entry in enumerate(out, 1)]
    return out


def _row_entry(name: str, columns: dict[str, Column], row: dict[str, str]) -> dict[str, Any]:
    """One row's entry; ValueError in Chinese saying what to type."""
    entry: dict[str, Any] = {}
    for column in columns.values():
        text = row.get(column.name, "")
        if column.kind == "checkbox":
            entry[column.name] = column.name in row
            continue
        if not text:
            if column.required:
                raise ValueError(f"请填写{column.label}")
            if column.kind == "select" and column.options:
                entry[column.name] = column.options[0][0]
            elif column.kind == "list":
                entry[column.name] = []
            elif column.empty is not DROP:
                entry[column.name] = column.empty
            continue
        entry[column.name] = _cell(column, text)
    if name == "hours_exceptions":
        return _exception_entry(entry)
    if name == "items":
        _check_plan_step(entry)
    return entry


def _cell(column: Column, text: str) -> Any:
    if column.kind == "number":
        if not text.isdigit():
            raise ValueError(f"{column.label} “{text}” 请填写整数，如 {column.placeholder or 4}")
        return int(text)
    if column.kind == "date":
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(f"{column.label} “{text}” 请按 2026-10-01 格式填写") from None
    if column.kind == "select":
        if text not in dict(column.options):
            raise ValueError(f"请从列表中选择{column.label}")
        return text
    if column.kind == "url":
        if not text.startswith(("https://", "http://")):
            raise ValueError(f"{column.label} “{text}” 请以 https:// 开头")
        return text
    if column.kind == "list":
        return [v.strip() for v in re.split(r"[、,，;；\n]", text) if v.strip()]
    if column.kind == "hours":
        return _intervals(text)
    return text


def _exception_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """date, closed, hours, note → the stored exception (``intervals`` empty when closed all day)."""
    spans = entry.get("hours") or []
    if entry.get("closed") and spans:
        raise ValueError("已勾选“全天休息”，请清空时段；或取消勾选，按时段开放")
    if not entry.get("closed") and not spans:
        raise ValueError("请填写当天的时段，如 09:00-12:00；全天不开放请勾选“全天休息”")
    return {"date": entry["date"], "intervals": spans, "note": entry.get("note", "")}


def _repeated_dates(exceptions: list[dict[str, Any]]) -> list[tuple[int, str]]:
    seen: dict[str, int] = {}
    problems = []
    for number, exception in enumerate(exceptions, 1):
        if exception["date"] in seen:
            problems.append((number, f"日期 {exception['date']} 与第 {seen[exception['date']]} 行重复"))
        seen.setdefault(exception["date"], number)
    return problems


def _check_plan_step(entry: dict[str, Any]) -> None:
    kind, group, condition = entry.get("kind"), entry.get("choice_group", ""), entry.get("condition", "")
    if kind == "choice" and not group:
        raise ValueError("“选择其一”的事项请填写选项组 (同组的各项填写相同的组名)")
    if kind != "choice" and group:
        raise ValueError("只有“选择其一”的事项才填写选项组；请清空选项组或把办理方式改为“选择其一”")
    if kind == "if" and not condition:
        raise ValueError("“有条件”的事项请写明适用条件，如 “缴存过住房公积金的”")


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
