"""A whole dataset in memory, with where each record came from (for error messages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from cityservices.errors import RuleViolation
from cityservices.service_map.interchange.records import (
    BoundaryRecord,
    BundleRecord,
    DepartmentRecord,
    DivisionRecord,
    GuideRecord,
    HsdsExtraRecord,
    ImplementationRecord,
    ItemRecord,
    PoiRecord,
    VenueItemRecord,
    VenueRecord,
)


@dataclass(frozen=True)
class Origin:
    """Where a record came from: a file and a row (CSV rows count the header as 1; JSONL lines from 1)."""

    file: str
    row: int


@dataclass(frozen=True)
class ImportIssue:
    """One problem found in the input, named by file, row and field."""

    file: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        return f"{where}: {self.field or '-'}: {self.message}"


class ImportFailed(RuleViolation):
    """The input has errors; nothing was written."""

    status_code = 422
    code = "import_failed"

    def __init__(self, issues: list[ImportIssue]) -> None:
        shown = "\n".join(str(issue) for issue in issues[:50])
        more = f"\n… 另有 {len(issues) - 50} 处错误" if len(issues) > 50 else ""
        super().__init__(f"导入失败，共 {len(issues)} 处错误，未写入任何数据:\n{shown}{more}")
        self.issues = issues


KINDS = (
    "divisions", "boundaries", "departments", "items", "implementations",
    "venues", "venue_items", "guides", "bundles", "pois", "hsds_extras",
)  # fmt: skip

RECORD_TYPES: dict[str, type[BaseModel]] = {
    "divisions": DivisionRecord,
    "boundaries": BoundaryRecord,
    "departments": DepartmentRecord,
    "items": ItemRecord,
    "implementations": ImplementationRecord,
    "venues": VenueRecord,
    "venue_items": VenueItemRecord,
    "guides": GuideRecord,
    "bundles": BundleRecord,
    "pois": PoiRecord,
    "hsds_extras": HsdsExtraRecord,
}


@dataclass
class Dataset:
    """Records of every kind, in file order, and the origin of each."""

    divisions: list[DivisionRecord] = field(default_factory=list)
    boundaries: list[BoundaryRecord] = field(default_factory=list)
    departments: list[DepartmentRecord] = field(default_factory=list)
    items: list[ItemRecord] = field(default_factory=list)
    implementations: list[ImplementationRecord] = field(default_factory=list)
    venues: list[VenueRecord] = field(default_factory=list)
    venue_items: list[VenueItemRecord] = field(default_factory=list)
    guides: list[GuideRecord] = field(default_factory=list)
    bundles: list[BundleRecord] = field(default_factory=list)
    pois: list[PoiRecord] = field(default_factory=list)
    hsds_extras: list[HsdsExtraRecord] = field(default_factory=list)
    origins: dict[str, list[Origin]] = field(default_factory=dict)

    def records(self, kind: str) -> list[Any]:
        records: list[Any] = getattr(self, kind)
        return records

    def origin(self, kind: str, index: int) -> Origin:
        origins = self.origins.get(kind, [])
        return origins[index] if index < len(origins) else Origin(kind, index + 1)

    def counts(self) -> dict[str, int]:
        return {kind: len(self.records(kind)) for kind in KINDS}


class DatasetBuilder:
    """Collects validated records and the issues of rows that failed validation."""

    def __init__(self) -> None:
        self.dataset = Dataset()
        self.issues: list[ImportIssue] = []

    def add(self, kind: str, raw: dict[str, Any], origin: Origin) -> None:
        """Validate ``raw`` as a record of ``kind``; keep it, or note each failing field."""
        try:
            record = RECORD_TYPES[kind].model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                loc = ".".join(str(part) for part in error["loc"])
                self.issues.append(ImportIssue(origin.file, origin.row, loc, _message(error)))
            return
        self.dataset.records(kind).append(record)
        self.dataset.origins.setdefault(kind, []).append(origin)

    def problem(self, origin: Origin, field_name: str, message: str) -> None:
        self.issues.append(ImportIssue(origin.file, origin.row, field_name, message))


def _message(error: Any) -> str:
    message = str(error.get("msg", "invalid"))
    value = error.get("input")
    if isinstance(value, str | int | float) and len(str(value)) <= 60:
        return f"{message} (值: {value!r})"
    return message
