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
    "result_certificate": "办理结果", "life_event": "人生事件",
    "lead_department_code": "牵头部门", "items": "包含事项", "shared_materials": "共享材料",
}  # fmt: skip


@dataclass(frozen=True)
class Change:
    path: str  # e.g. ``hours.mon``, ``phones[0].number``
    label: str
    before: str
    after: str


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Top-level fields whose value differs (in the order of ``new``)."""
    keys = list(new) + [k for k in old if k not in new]
    return [key for key in keys if old.get(key) != new.get(key)]


def describe_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every changed leaf, named by its path, with the old and new value as text ("（空）" for none)."""
    before, after = _flatten(old), _flatten(new)
    paths = list(before) + [p for p in after if p not in before]
    return [
        Change(path, _label(path), _text(before.get(path)), _text(after.get(path)))
        for path in paths
        if before.get(path) != after.get(path)
    ]


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(value, dict) and (value or not prefix):
        for key, inner in value.items():
            out.update(_flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, inner in enumerate(value):
            out.update(_flatten(inner, f"{prefix}[{index}]"))
    else:
        out[prefix] = value
    return out


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


def _label(path: str) -> str:
    head = path.split(".", 1)[0].split("[", 1)[0]
    rest = path[len(head) :]
    if head == "hours" and rest[1:] in WEEKDAY_LABELS:
        rest = " · " + WEEKDAY_LABELS[rest[1:]]
    return FIELD_LABELS.get(head, head) + rest


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(_is_interval(v) for v in value):
        return ", ".join(f"{a}-{b}" for a, b in value)
    return json.dumps(value, ensure_ascii=False)


def _is_interval(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) and _HHMM.match(v) for v in value)
