"""The profile document: what ``x_cityservices`` holds on each HSDS object, as JSON Schema.

It is derived from the validated records (``records``) and the fields ``hsds_export`` moves to standard HSDS
fields, so it cannot drift from what the export and the API write. Served at ``GET /api/hsds/profile``; its
``$id`` is the profile URI that the export file names in ``profile``.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from pydantic import BaseModel

from cityservices.service_map.hsds.export import GUIDE_PROJECTED, LOCATION_FIELDS
from cityservices.service_map.hsds.mapping import EXT, EXT_VERSION, EXTRA, HSDS_VERSION, PROFILE_URI
from cityservices.service_map.hsds.taxonomy import TAXONOMIES, taxonomy_object
from cityservices.service_map.interchange.dataset import RECORD_TYPES
from cityservices.service_map.interchange.records import (
    DepartmentRecord,
    GuideRecord,
    ImplementationRecord,
    ItemRecord,
    VenueItemRecord,
    VenueRecord,
)

REF = "#/$defs/{model}"


def _schema(model: type[BaseModel], defs: dict[str, Any], *, drop: frozenset[str] = frozenset()) -> dict[str, Any]:
    """``model``'s JSON Schema without the fields ``drop`` (nested models hoisted into ``defs``)."""
    schema = copy.deepcopy(model.model_json_schema(ref_template=REF))
    defs.update(schema.pop("$defs", {}))
    for name in drop:
        schema["properties"].pop(name, None)
    required = [name for name in schema.get("required", []) if name not in drop]
    if required:
        schema["required"] = required
    else:
        schema.pop("required", None)
    schema["additionalProperties"] = False
    return schema


def _objects(defs: dict[str, Any]) -> dict[str, Any]:
    service = _schema(ItemRecord, defs, drop=frozenset({"name", "department_code"}))
    guide = _schema(GuideRecord, defs, drop=frozenset({"item_code"}))
    projected = " / ".join(sorted(GUIDE_PROJECTED))
    guide["description"] = f"办事指南的各个版本；当前版本的 {projected} 是服务的 required_documents / cost_options"
    service["properties"]["implementations"] = {
        "type": "array", "items": _schema(ImplementationRecord, defs, drop=frozenset({"item_code"})),
        "description": "事项在各层级的实施 (层级、实施部门、实施编码)",
    }  # fmt: skip
    service["properties"]["guides"] = {"type": "array", "items": guide}
    link = _schema(VenueItemRecord, defs, drop=frozenset({"venue_id", "item_code"}))
    link["properties"]["item_code"] = {"type": "string", "description": "只在文件中没有该事项时出现"}
    link["properties"]["venue_id"] = {"type": "string", "description": "只在文件中没有该场所时出现"}
    free_form = {
        "type": "object",
        "description": "电话、材料、收费对象中没有 HSDS 字段的键，原样保留 (如材料的 copies)",
    }
    objects = {
        "organization": _schema(DepartmentRecord, defs, drop=frozenset({"name"})),
        "service": service,
        "location": _schema(VenueRecord, defs, drop=LOCATION_FIELDS),
        "service_at_location": link,
    }
    for schema in objects.values():
        schema["properties"][EXTRA] = {
            "type": "object",
            "description": "导入的 HSDS 对象中本系统没有对应字段的标准字段，原样保留，以便再次导出时不丢失",
        }
    return {
        **objects,
        "phone": free_form,
        "required_document": free_form,
        "cost_option": free_form,
        "document": _document(defs),
    }


def _document(defs: dict[str, Any]) -> dict[str, Any]:
    """The file export's document-level member: whole rows of the kinds HSDS has no object for."""
    properties: dict[str, Any] = {"version": {"const": EXT_VERSION}}
    for kind in ("divisions", "boundaries", "bundles", "pois", "implementations", "guides"):
        properties[kind] = {"type": "array", "items": _schema(RECORD_TYPES[kind], defs)}
    return {"type": "object", "description": "仅文件导出：文档顶层的 x_cityservices", "properties": properties}


@cache
def profile_document() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    objects = _objects(defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": PROFILE_URI,
        "title": "cityservices HSDS 3.1 profile",
        "description": (
            f"Open Referral HSDS {HSDS_VERSION} 的政务服务地图 profile：标准字段之外的数据 (办事指南、实施层级、场所的"
            f"窗口/停车/照片、演示数据标记等) 放在各对象的 {EXT} 成员中，结构见 $defs 中同名对象。"
            "每个对象的 demo_fields 列出其中的演示 (生成) 数据字段，'*' 表示整条记录。"
        ),
        "x-hsds-version": HSDS_VERSION,
        "x-extension-member": EXT,
        "x-extension-version": EXT_VERSION,
        "x-taxonomies": [taxonomy_object(t) for t in TAXONOMIES],
        "$defs": {**defs, **objects},
    }
