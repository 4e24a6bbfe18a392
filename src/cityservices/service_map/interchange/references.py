"""Cross-record checks: unique keys and references that resolve within the input or the database."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cityservices.service_map.interchange.dataset import Dataset, ImportIssue


@dataclass
class KnownKeys:
    """Keys already in the database that the input may refer to."""

    divisions: set[str] = field(default_factory=set)
    departments: set[str] = field(default_factory=set)
    items: set[str] = field(default_factory=set)
    implementations: set[tuple[str, str]] = field(default_factory=set)
    venue_levels: dict[str, str] = field(default_factory=dict)


UNIQUE_KEYS: dict[str, tuple[str, Callable[[Any], Hashable]]] = {
    "divisions": ("code", lambda r: r.code),
    "boundaries": ("code", lambda r: r.code),
    "departments": ("code", lambda r: r.code),
    "items": ("code", lambda r: r.code),
    "implementations": ("item_code,level", lambda r: (r.item_code, r.level)),
    "venues": ("id", lambda r: r.id),
    "venue_items": ("venue_id,item_code", lambda r: (r.venue_id, r.item_code)),
    "guides": ("item_code,version", lambda r: (r.item_code, r.version)),
    "bundles": ("code", lambda r: r.code),
    "pois": ("id", lambda r: r.id),
    "hsds_extras": ("kind,key", lambda r: (r.kind, r.key)),
}


def check_dataset(dataset: Dataset, known: KnownKeys) -> list[ImportIssue]:
    """Every duplicate key and every reference that resolves neither in ``dataset`` nor in ``known``."""
    checker = _Checker(dataset, known)
    checker.unique()
    checker.unique_names()
    checker.references()
    return checker.issues


class _Checker:
    def __init__(self, dataset: Dataset, known: KnownKeys) -> None:
        self.d = dataset
        self.issues: list[ImportIssue] = []
        self.divisions = known.divisions | {r.code for r in dataset.divisions}
        self.departments = known.departments | {r.code for r in dataset.departments}
        self.items = known.items | {r.code for r in dataset.items}
        self.implementations = known.implementations | {(r.item_code, r.level) for r in dataset.implementations}
        self.venue_levels = known.venue_levels | {r.id: r.level for r in dataset.venues}

    def report(self, kind: str, index: int, field_name: str, message: str) -> None:
        origin = self.d.origin(kind, index)
        self.issues.append(ImportIssue(origin.file, origin.row, field_name, message))

    def unique(self) -> None:
        for kind, (label, key) in UNIQUE_KEYS.items():
            self._unique_by(kind, label, key, self.d.records(kind))

    def unique_names(self) -> None:
        self._unique_by("items", "name", lambda r: r.name, self.d.items)
        self._unique_by("bundles", "name", lambda r: r.name, self.d.bundles)
        current: dict[str, int] = {}
        for index, guide in enumerate(self.d.guides):
            if guide.is_current:
                current[guide.item_code] = current.get(guide.item_code, 0) + 1
                if current[guide.item_code] > 1:
                    self.report("guides", index, "is_current", f"事项 {guide.item_code} 有多个当前版本")

    def _unique_by(self, kind: str, label: str, key: Callable[[Any], Hashable], rows: Iterable[Any]) -> None:
        seen: set[Hashable] = set()
        for index, record in enumerate(rows):
            value = key(record)
            if value in seen:
                self.report(kind, index, label, f"重复的键 {value!r}")
            seen.add(value)

    def need(self, kind: str, index: int, field_name: str, value: Any, pool: Any, what: str) -> None:
        if value is not None and value not in pool:
            self.report(kind, index, field_name, f"引用的{what} {value!r} 不存在")

    def references(self) -> None:
        self._division_refs()
        for i, r in enumerate(self.d.departments):
            self.need("departments", i, "division_code", r.division_code, self.divisions, "区划")
        for i, item in enumerate(self.d.items):
            self.need("items", i, "department_code", item.department_code, self.departments, "部门")
        for i, impl in enumerate(self.d.implementations):
            self.need("implementations", i, "item_code", impl.item_code, self.items, "事项")
            self.need("implementations", i, "department_code", impl.department_code, self.departments, "部门")
        self._venue_refs()
        for i, g in enumerate(self.d.guides):
            self.need("guides", i, "item_code", g.item_code, self.items, "事项")
        for i, b in enumerate(self.d.bundles):
            self.need("bundles", i, "lead_department_code", b.lead_department_code, self.departments, "部门")
            for ref in b.items:
                self.need("bundles", i, f"items.{ref.position}.item_code", ref.item_code, self.items, "事项")

    def _division_refs(self) -> None:
        codes = {r.code: r for r in self.d.divisions}
        for i, r in enumerate(self.d.divisions):
            if r.parent_code is not None and r.parent_code in self.divisions:
                parent = codes.get(r.parent_code)
                if parent is not None and not r.code.startswith(parent.code):
                    self.report("divisions", i, "parent_code", f"代码 {r.code} 不在上级 {parent.code} 之下")
            elif r.parent_code is not None and len(r.code) > 4:
                self.report("divisions", i, "parent_code", f"引用的上级区划 {r.parent_code!r} 不存在")
        for i, boundary in enumerate(self.d.boundaries):
            self.need("boundaries", i, "code", boundary.code, self.divisions, "区划")

    def _venue_refs(self) -> None:
        for i, v in enumerate(self.d.venues):
            self.need("venues", i, "division_code", v.division_code, self.divisions, "区划")
            for code in v.departments:
                self.need("venues", i, "departments", code, self.departments, "部门")
            for window in v.windows:
                dept = window.get("department_code")
                self.need("venues", i, "windows.department_code", dept, self.departments, "部门")
        for i, vi in enumerate(self.d.venue_items):
            level = self.venue_levels.get(vi.venue_id)
            if level is None:
                self.report("venue_items", i, "venue_id", f"引用的场所 {vi.venue_id!r} 不存在")
            elif level != vi.level:
                self.report("venue_items", i, "level", f"场所层级为 {level}，不能办理 {vi.level} 级实施事项")
            if (vi.item_code, vi.level) not in self.implementations:
                self.report("venue_items", i, "item_code", f"事项 {vi.item_code!r} 没有 {vi.level} 级实施")
