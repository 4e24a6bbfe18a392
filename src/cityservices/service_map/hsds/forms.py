"""Every form in which HSDS 3.x data is published, brought to one shape before it is read.

Forms: the tabular JSON (one array per table; names singular or plural, with or without ``.csv``), nested
documents (a service, organization, location or service_at_location object with its children, where the
parent gives the child its id), API page envelopes (``contents`` / ``items``), and the CSV data package
(``csv.py``). The result is one document with the arrays ``organizations``, ``services``, ``locations`` and
``service_at_locations``, each object carrying its children (phones, schedules, addresses, …) and, under
``ORIGIN``, where it was found in the input (for error messages). ``Survey`` counts what each table held and
what will be read or ignored, and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

ORIGIN = "@origin"  # not an HSDS field name: where the object was found ("file#/pointer" or "file:row")
MAIN = ("organizations", "services", "locations", "service_at_locations")
SINGULAR = {
    "organization": "organizations", "service": "services", "location": "locations",
    "service_at_location": "service_at_locations", "phone": "phones", "schedule": "schedules",
    "address": "addresses", "accessibility": "accessibility", "accessibility_for_disabilities": "accessibility",
    "required_document": "required_documents", "cost_option": "cost_options", "service_area": "service_areas",
    "language": "languages", "contact": "contacts", "program": "programs", "funding": "funding",
    "attribute": "attributes", "taxonomy_term": "taxonomy_terms", "taxonomy": "taxonomies",
    "metadata": "metadata", "meta_table_description": "meta_table_descriptions",
    "organization_identifier": "organization_identifiers", "url": "urls", "capacity": "capacities",
    "service_capacity": "service_capacities", "unit": "units",
}  # fmt: skip
# Child tables: the parent keys they may name, most specific first, and whether we read them there.
CHILDREN: dict[str, tuple[str, ...]] = {
    "addresses": ("location_id",),
    "accessibility": ("location_id",),
    "schedules": ("location_id", "service_id", "service_at_location_id"),
    "phones": ("location_id", "service_id", "organization_id", "service_at_location_id", "contact_id"),
    "required_documents": ("service_id",),
    "cost_options": ("service_id",),
    "service_areas": ("service_id", "service_at_location_id"),
    "languages": ("location_id", "service_id", "phone_id"),
    "contacts": ("location_id", "service_id", "organization_id", "service_at_location_id"),
    "funding": ("service_id", "organization_id"),
    "organization_identifiers": ("organization_id",),
    "urls": ("service_id", "organization_id"),
    "programs": ("organization_id",),
    "capacities": ("service_id",),
}
PARENT_TABLE = {"location_id": "locations", "service_id": "services", "organization_id": "organizations",
                "service_at_location_id": "service_at_locations", "contact_id": "contacts",
                "phone_id": "phones"}  # fmt: skip
# What the importer reads from each child, by parent; everything else is reported as ignored.
READ_CHILDREN = {
    "locations": {"addresses", "accessibility", "schedules", "phones"},
    "services": {"required_documents", "cost_options"},
}
IGNORED = {
    "programs": "服务地图没有“项目”(program) 一级",
    "contacts": "联系人是个人信息，服务地图不保存",
    "funding": "服务地图不记录资金来源",
    "organization_identifiers": "部门以导入时生成的编码标识",
    "metadata": "变更记录不导入",
    "meta_table_descriptions": "表说明不导入",
    "taxonomies": "分类体系不对应本系统的事项类型/类别",
    "taxonomy_terms": "分类词不对应本系统的事项类型/类别",
    "attributes": "分类属性不对应本系统的事项类型/类别",
    "languages": "服务地图没有语言字段",
    "service_areas": "服务范围以场所所在区划表示，不单独保存",
    "urls": "服务地图没有附加网址字段",
    "capacities": "服务地图没有容量字段",
    "service_capacities": "服务地图没有容量字段",
    "units": "服务地图没有容量字段",
}
ELSEWHERE = "该表只在服务地图不读取的位置出现 (如服务或部门的日程、电话)"


@dataclass
class TableCount:
    rows: int = 0
    read: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # ignored rows by reason
    kept: dict[str, int] = field(default_factory=dict)  # rows not read but kept in x_cityservices.hsds, by reason

    def ignore(self, reason: str) -> None:
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def keep(self, reason: str) -> None:
        self.kept[reason] = self.kept.get(reason, 0) + 1


@dataclass
class Survey:
    """What the input held: its form and, per table, the rows found, read and ignored (with reasons)."""

    form: str = ""
    tables: dict[str, TableCount] = field(default_factory=dict)

    def count(self, table: str) -> TableCount:
        return self.tables.setdefault(table, TableCount())

    def lines(self) -> list[str]:
        lines = [f"HSDS 形式: {self.form}"]
        for name, count in sorted(self.tables.items()):
            notes = [f"保留 {n} (x_cityservices.hsds): {reason}" for reason, n in count.kept.items()]
            notes += [f"忽略 {n}: {reason}" for reason, n in count.reasons.items()]
            lines.append(f"  {name}: {count.rows} 条，读取 {count.read}" + "".join(f"，{note}" for note in notes))
        return lines


def table_name(key: str) -> str:
    name = key.removesuffix(".csv").strip().lower()
    return SINGULAR.get(name, name)


def kind_of(obj: dict[str, Any]) -> str | None:
    """The HSDS table of a nested object, by the fields only that object has."""
    if isinstance(obj.get("location"), dict) or isinstance(obj.get("service"), dict):
        return "service_at_locations"
    if "service_id" in obj and "location_id" in obj:
        return "service_at_locations"
    if any(k in obj for k in ("latitude", "longitude", "location_type", "addresses", "transportation")):
        return "locations"
    if any(k in obj for k in ("service_at_locations", "eligibility_description", "application_process", "status")):
        return "services"
    if isinstance(obj.get("organization"), dict) or "organization_id" in obj:
        return "services"
    if any(k in obj for k in ("services", "locations", "website", "tax_status", "legal_status", "year_incorporated")):
        return "organizations"
    return None


class Collector:
    """Builds the one-shape document: main objects by table, first occurrence of an id wins."""

    def __init__(self, file_name: str, survey: Survey) -> None:
        self.file_name = file_name
        self.survey = survey
        self.tables: dict[str, list[dict[str, Any]]] = {name: [] for name in MAIN}
        self.seen: set[tuple[str, Any]] = set()
        self.profile = False  # our profile keeps no foreign fields (its objects have none)

    def document(self) -> dict[str, Any]:
        return dict(self.tables)

    def add(self, table: str, obj: dict[str, Any], where: str) -> dict[str, Any]:
        obj = {**obj, ORIGIN: obj.get(ORIGIN, where)}
        key = (table, obj.get("id"))
        if obj.get("id") is not None and key in self.seen:
            return obj
        self.seen.add(key)
        self.tables[table].append(obj)
        self.survey.count(table).rows += 1
        self.survey.count(table).read += 1
        self._children(table, obj)
        return obj

    def _children(self, table: str, obj: dict[str, Any]) -> None:
        for key, value in obj.items():
            name = table_name(key)
            if isinstance(value, list) and (name in CHILDREN or name in IGNORED):
                count = self.survey.count(name)
                for _ in value:
                    count.rows += 1
                    self._tally(count, table, name)

    def _tally(self, count: TableCount, parent: str, name: str) -> None:
        """A child of ``parent``: read into our model, kept with its parent (plain HSDS), or ignored."""
        if name in READ_CHILDREN.get(parent, set()):
            count.read += 1
        elif name == "contacts" or self.profile:
            count.ignore(IGNORED.get(name, ELSEWHERE))
        else:
            count.keep(IGNORED.get(name, ELSEWHERE))

    # --- nested documents -------------------------------------------------------------------------

    def nested(self, table: str, obj: dict[str, Any], where: str, **links: Any) -> dict[str, Any]:
        """Add a nested object and the main objects inside it; ``links`` are the ids its parent gives it."""
        flat = {**obj, **{k: v for k, v in links.items() if v is not None}}
        inner: list[tuple[str, str, dict[str, Any]]] = []
        for key in ("organization", "location", "service", "program"):
            if isinstance(flat.get(key), dict):
                inner.append((key, f"{where}/{key}", flat.pop(key)))
        for key in ("services", "locations", "service_at_locations"):
            if isinstance(flat.get(key), list) and key != table:
                values = flat.pop(key)
                inner.extend((key, f"{where}/{key}/{i}", v) for i, v in enumerate(values) if isinstance(v, dict))
        own_id = flat.get("id")
        for key, pointer, child in inner:
            child_id = child.get("id")
            if key == "organization":
                flat.setdefault("organization_id", child_id)
                self.nested("organizations", child, pointer)
            elif key == "location":
                flat.setdefault("location_id", child_id)
                self.nested("locations", child, pointer)
            elif key == "service":
                flat.setdefault("service_id", child_id)
                self.nested("services", child, pointer)
            elif key == "program":
                self.survey.count("programs").rows += 1
                self.survey.count("programs").ignore(IGNORED["programs"])
            elif key == "services":
                self.nested("services", child, pointer, organization_id=own_id)
            elif key == "locations":
                self.nested("locations", child, pointer)
            elif key == "service_at_locations":
                self.nested("service_at_locations", child, pointer, service_id=own_id)
        return self.add(table, flat, where)

    # --- tabular ----------------------------------------------------------------------------------

    def tabular(self, tables: dict[str, tuple[str, list[Any]]]) -> None:
        """``tables``: normalised name → (name in the input, rows). Main tables first, then children."""
        for name in MAIN:
            key, rows = tables.get(name, (name, []))
            for index, row in enumerate(rows):
                if isinstance(row, dict):
                    self.nested(name, row, _where(self.file_name, key, index, row))
        by_id = {(t, obj.get("id")): obj for t in MAIN for obj in self.tables[t]}
        terms = {t.get("id"): t for t in tables.get("taxonomy_terms", ("", []))[1] if isinstance(t, dict)}
        for name, (key, rows) in tables.items():
            if name in MAIN:
                continue
            if name == "attributes" and not self.profile:
                self._attributes(key, rows, by_id, terms)
                continue
            count = self.survey.count(name)
            for index, row in enumerate(rows):
                count.rows += 1
                if name not in CHILDREN or not isinstance(row, dict):
                    count.ignore(IGNORED.get(name, "不是 HSDS 3.x 的表"))
                    continue
                self._attach(name, row, _where(self.file_name, key, index, row), by_id, count)

    def _attributes(self, key: str, rows: list[Any], by_id: dict[tuple[str, Any], Any], terms: dict[Any, Any]) -> None:
        """Attributes link any object by ``link_id``: each is kept with it, with its taxonomy term when given."""
        count = self.survey.count("attributes")
        for index, row in enumerate(rows):
            count.rows += 1
            parent = next((by_id[(t, row.get("link_id"))] for t in MAIN if (t, row.get("link_id")) in by_id), None)
            if not isinstance(row, dict) or parent is None:
                count.ignore("所指的上级对象不在文件中")
                continue
            attribute = {k: v for k, v in row.items() if k != "link_id"}
            term = terms.get(row.get("taxonomy_term_id"))
            if term is not None:
                attribute["taxonomy_term"] = {k: v for k, v in term.items() if k != ORIGIN}
            parent.setdefault("attributes", []).append({**attribute, ORIGIN: _where(self.file_name, key, index, row)})
            count.keep(IGNORED["attributes"])

    def _attach(
        self, name: str, row: dict[str, Any], where: str, by_id: dict[tuple[str, Any], Any], count: TableCount
    ) -> None:
        """Give a child row to the first parent it names that is in the input."""
        for link in CHILDREN[name]:
            parent = by_id.get((PARENT_TABLE[link], row.get(link)))
            if row.get(link) is not None and parent is not None:
                child = {k: v for k, v in row.items() if k not in PARENT_TABLE}
                parent.setdefault(name, []).append({**child, ORIGIN: where})
                self._tally(count, PARENT_TABLE[link], name)
                return
        count.ignore("所指的上级对象不在文件中")


def _where(file_name: str, key: str, index: int, row: dict[str, Any]) -> str:
    origin = row.get(ORIGIN)
    return origin if isinstance(origin, str) else f"{file_name}#/{key}/{index}"


def main_tables(keys: Iterable[str]) -> list[str]:
    return [key for key in keys if table_name(key) in MAIN]
