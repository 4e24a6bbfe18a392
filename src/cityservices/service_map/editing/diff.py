"""Readable differences between two snapshots of a record."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

FIELD_LABELS = {
    "id": "编号", "code": "代码", "name": "名称", "level": "层级", "division_code": "区划代码", "address": "地址",
    "postcode": "邮编", "lat": "纬度", "lng": "经度", "source_crs": "原始坐标系", "source_lat": "原始纬度",
    "source_lng": "原始经度", "photos": "照片", "phones": "电话", "hours": "开放时间", "hours_exceptions": "例外安排",
    "hours_note": "开放时间说明", "windows": "窗口", "departments": "进驻部门", "transport": "交通",
    "parking": "停车", "accessibility": "无障碍设施", "appointment_url": "预约链接", "kiosks": "自助终端",
    "status": "状态", "last_verified": "最近核实日期", "description": "简介", "website": "网站",
    "demo_fields": "演示数据字段", "item_type": "事项类型", "applicant_type": "服务对象",
    "department_code": "部门代码", "category": "类别", "basic_code": "基本编码", "aliases": "别名",
    "is_core": "高频事项", "source": "来源", "item_code": "事项代码", "version": "版本号", "is_current": "当前版本",
    "valid_from": "生效日期", "legal_basis": "设定依据", "acceptance_conditions": "受理条件", "materials": "申请材料",
    "steps": "办理流程", "legal_time_limit_days": "法定时限(工作日)", "promised_time_limit_days": "承诺时限(工作日)",
    "time_limit_kind": "办件类型", "time_limit_note": "时限说明", "fees": "收费", "visits_to_site": "到现场次数",
    "channels": "办理渠道", "consult_phone": "咨询电话", "complaint_phone": "投诉电话", "faqs": "常见问题",
    "result_certificate": "办理结果", "situations": "适用情形", "life_event": "人生事件",
    "lead_department_code": "牵头部门", "items": "包含事项", "shared_materials": "共享材料",
}  # fmt: skip


@dataclass(frozen=True)
class Change:
    path: str  # e.g. ``hours.mon``, ``phones[0].number``
    label: str
    before: str
    after: str


# The field that identifies an entry of a list of objects, so that entries are compared by identity, not by
# position: a holiday added in the middle of the exceptions is one added row, not every later row changed.
LIST_KEYS = {
    "hours_exceptions": "date",
    "phones": "number",
    "windows": "number",
    "photos": "url",
    "kiosks": "kind",
}
# Tried in this order for other lists of objects (guides' materials, steps, FAQs …).
GENERIC_KEYS = ("date", "code", "id", "number", "url", "name", "title", "question", "kind")
ENTRY_LABELS = {
    "date": "日期", "intervals": "时段", "note": "备注", "label": "名称", "number": "号码", "name": "名称",
    "department_code": "部门", "url": "图片地址", "caption": "说明", "kind": "类型", "count": "数量",
    "hours": "时间", "spaces": "车位", "free": "免费", "question": "问题", "answer": "回答", "title": "标题",
}  # fmt: skip
_MISSING = object()


def describe_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change, named by its path, with the old and new value as text ("（空）" for none). Entries of a
    list of objects are matched by their key (``LIST_KEYS``): an added or removed entry is one row with the
    whole entry, a changed entry one row per changed field (``hours_exceptions[2027-01-01].note``)."""
    out: list[Change] = []
    _diff("", old, new, out)
    return out


def _diff(path: str, old: Any, new: Any, out: list[Change]) -> None:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict) and (old or new or not path):
        for key in list(old) + [k for k in new if k not in old]:
            _diff(f"{path}.{key}" if path else str(key), old.get(key, _MISSING), new.get(key, _MISSING), out)
        return
    if _is_object_list(old) and _is_object_list(new):
        key = _list_key(path, old, new)
        if key is not None:
            _diff_keyed(path, key, old, new, out)
            return
        if old and new:
            for index in range(max(len(old), len(new))):
                before = old[index] if index < len(old) else _MISSING
                after = new[index] if index < len(new) else _MISSING
                _diff(f"{path}[{index}]", before, after, out)
            return
    before = None if old is _MISSING else old
    after = None if new is _MISSING else new
    if before != after:
        out.append(Change(path, _label(path), _text(before), _text(after)))


def _diff_keyed(path: str, key: str, old: Any, new: Any, out: list[Change]) -> None:
    before = {str(e[key]): e for e in (old if isinstance(old, list) else [])}
    after = {str(e[key]): e for e in (new if isinstance(new, list) else [])}
    for name in list(before) + [n for n in after if n not in before]:
        entry_path = f"{path}[{key}={name}]"
        if name in before and name in after:
            _diff(entry_path, before[name], after[name], out)
        elif name in before:
            out.append(Change(entry_path, _label(entry_path), _entry_text(before[name]), _text(None)))
        else:
            out.append(Change(entry_path, _label(entry_path), _text(None), _entry_text(after[name])))


def _is_object_list(value: Any) -> bool:
    return value is _MISSING or value is None or (isinstance(value, list) and all(isinstance(v, dict) for v in value))


def _list_key(path: str, old: Any, new: Any) -> str | None:
    """The key that identifies the entries of both lists (present and unique in each), if any."""
    entries = [list(v) for v in (old, new) if isinstance(v, list)]
    field = path.rsplit(".", 1)[-1].split("[", 1)[0]
    candidates = [LIST_KEYS[field]] if field in LIST_KEYS else list(GENERIC_KEYS)
    for key in candidates:
        if all(_unique_key(rows, key) for rows in entries):
            return key
    return None


def _unique_key(rows: list[dict[str, Any]], key: str) -> bool:
    values = [row.get(key) for row in rows]
    usable = all(isinstance(v, str | int) and not isinstance(v, bool) and str(v) != "" for v in values)
    return usable and len({str(v) for v in values}) == len(values)


def _entry_text(entry: dict[str, Any]) -> str:
    """A list entry as one line: "日期 2027-01-01 · 时段 不开放 · 备注 元旦休息"."""
    parts = []
    for field, value in entry.items():
        text = "不开放" if field == "intervals" and value == [] else _text(value)
        parts.append(f"{ENTRY_LABELS.get(field, field)} {text}")
    return " · ".join(parts)


WEEKDAY_LABELS = {
    "mon": "周一",
    "tue": "周二",
    "wed": "周三",
    "thu": "周四",
    "fri": "周五",
    "sat": "周六",
    "sun": "周日",
}
_HHMM = re.compile(r"^\d{2}:\d{2}$")


_PART = re.compile(r"\[([^\]]*)\]|\.?([^.\[]+)")


def _label(path: str) -> str:
    """``hours.sat`` → "开放时间 · 周六"; ``hours_exceptions[2027-01-01].note`` → "例外安排 · 2027-01-01 · 备注"."""
    head = path.split(".", 1)[0].split("[", 1)[0]
    parts = [FIELD_LABELS.get(head, head)]
    for entry, field in _PART.findall(path[len(head) :]):
        if entry:
            field, _, value = entry.partition("=")
            if value:
                parts.append(f"{ENTRY_LABELS.get(field, field)} {value}")
            else:
                parts.append(f"第 {int(entry) + 1} 项" if entry.isdigit() else entry)
        elif head == "hours" and field in WEEKDAY_LABELS:
            parts.append(WEEKDAY_LABELS[field])
        else:
            parts.append(ENTRY_LABELS.get(field, field))
    return " · ".join(parts)


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(_is_interval(v) for v in value):
        return ", ".join(f"{a}-{b}" for a, b in value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return "、".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def _is_interval(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) and _HHMM.match(v) for v in value)
