"""Read and write one service-map record (venue, item, guide, bundle) as the importer's validated records.

Each kind of record is described once, by a ``RecordSpec`` in ``RECORD_KINDS``: its Chinese label, its
record type, its key field, and how it is read, checked and written. Writing goes through the same checks as
an import: the pydantic records of ``interchange/records.py`` and the reference checks of
``interchange/references.py``, against the stored keys the record refers to (looked up by key, not all
loaded); venues are written by the GeoJSON upsert. Every query is in ``editing/repository.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, NotFound, RuleViolation
from cityservices.service_map.catalogue.models import WEEKDAYS
from cityservices.service_map.editing import repository as repo
from cityservices.service_map.interchange.dataset import Dataset, ImportFailed, ImportIssue, Origin
from cityservices.service_map.interchange.geojson import upsert_venues
from cityservices.service_map.interchange.records import (
    BundleItemRef,
    BundleRecord,
    GuideRecord,
    HoursException,
    ItemRecord,
    VenueRecord,
)
from cityservices.service_map.interchange.references import KnownKeys, check_dataset

R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class References:
    """The stored keys a record refers to, by kind (a venue also names itself: its level may not change)."""

    divisions: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()
    items: frozenset[str] = frozenset()
    venues: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Edit:
    """One record written by a staff edit: as a one-record import, with the stored keys it refers to."""

    dataset: Dataset
    known: KnownKeys
    exists: bool


@dataclass(frozen=True)
class RecordSpec(Generic[R]):
    """One kind of record that staff edit."""

    kind: str  # "venue": the singular used in versions, audit rows and events
    label: str  # "场所": the Chinese name in messages and pages
    record_type: type[R]
    key_field: str  # the field holding the key (venue id, item code, the item code of a guide, bundle code)
    dataset_field: str  # the list of an import ``Dataset`` that holds this kind
    read: Callable[[Session, str], R | None]
    references: Callable[[R], References]
    write: Callable[[Session, R, Edit], None]
    checked_by_writer: bool = False  # the writer runs the importer's reference checks itself

    def key_of(self, record: R) -> str:
        return str(getattr(record, self.key_field))

    def validate(self, data: dict[str, Any]) -> R:
        """The record made from ``data``, or RecordInvalid with every failing field."""
        try:
            return self.record_type.model_validate(data)
        except ValidationError as exc:
            issues = [(".".join(str(p) for p in e["loc"]) or "-", str(e["msg"])) for e in exc.errors()]
            raise RecordInvalid(issues) from None


class RecordInvalid(RuleViolation):
    """A record failed the importer's validation; ``issues`` name each field."""

    code = "invalid_record"

    def __init__(self, issues: list[tuple[str, str]]) -> None:
        super().__init__("数据校验未通过: " + "; ".join(f"{field}: {message}" for field, message in issues))
        self.issues = issues


def _codes(values: Iterable[object]) -> frozenset[str]:
    """The string keys among ``values`` (anything else cannot be stored and is reported by the checks)."""
    return frozenset(v for v in values if isinstance(v, str))


def _columns(row: Any, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in exclude}


# ----- venues -------------------------------------------------------------------------------------------


def _read_venue(session: Session, venue_id: str) -> VenueRecord | None:
    venue = repo.get_venue(session, venue_id)
    if venue is None:
        return None
    hours: dict[str, list[tuple[str, str]]] = {day: [] for day in WEEKDAYS}
    for iv in repo.venue_intervals(session, venue_id):
        hours[WEEKDAYS[iv.weekday]].append((iv.opens.strftime("%H:%M"), iv.closes.strftime("%H:%M")))
    dated = [
        HoursException(date=ex.on_date, intervals=[(str(a), str(b)) for a, b in ex.intervals], note=ex.note)
        for ex in repo.venue_exceptions(session, venue_id)
    ]
    departments = repo.venue_department_codes(session, venue_id)
    data = {**_columns(venue), "hours": hours, "hours_exceptions": dated, "departments": departments}
    return VenueRecord.model_validate(data)


def _venue_references(record: VenueRecord) -> References:
    windows = (window.get("department_code") for window in record.windows)
    return References(
        divisions=_codes([record.division_code]),
        departments=_codes([*record.departments, *windows]),
        venues=frozenset({record.id}),
    )


def _write_venue(session: Session, record: VenueRecord, edit: Edit) -> None:
    upsert_venues(session, edit.dataset, known=edit.known)


# ----- items --------------------------------------------------------------------------------------------


def _read_item(session: Session, code: str) -> ItemRecord | None:
    item = repo.get_item(session, code)
    return None if item is None else ItemRecord.model_validate(_columns(item, exclude=frozenset({"id"})))


def _item_references(record: ItemRecord) -> References:
    return References(departments=_codes([record.department_code]))


def _write_item(session: Session, record: ItemRecord, edit: Edit) -> None:
    clash = repo.item_named(session, record.name, other_than=record.code)
    if clash is not None:
        raise Conflict(f"事项名称“{record.name}”已被事项 {clash} 使用")
    values = record.model_dump()
    if edit.exists:
        repo.update_item(session, record.code, values)
    else:
        repo.insert_item(session, values)


# ----- guides -------------------------------------------------------------------------------------------


def _read_guide(session: Session, item_code: str) -> GuideRecord | None:
    guide = repo.current_guide(session, item_code)
    if guide is None:
        return None
    return GuideRecord.model_validate({**_columns(guide, exclude=frozenset({"id", "item_id"})), "item_code": item_code})


def _guide_references(record: GuideRecord) -> References:
    return References(items=_codes([record.item_code]))


def _write_guide(session: Session, record: GuideRecord, edit: Edit) -> None:
    item_id = repo.item_id(session, record.item_code)
    if item_id is None:
        raise NotFound(f"未找到事项 {record.item_code}")
    values = {**record.model_dump(exclude={"item_code"}), "is_current": True}
    current = repo.current_guide(session, record.item_code)
    if repo.guide_version_taken(session, item_id, record.version, other_than=current.id if current else None):
        raise Conflict(f"版本号 {record.version} 已被该事项的历史指南使用")
    if current is None:
        repo.insert_guide(session, item_id, values)
    else:
        repo.update_guide(session, current.id, values)


# ----- bundles ------------------------------------------------------------------------------------------


def _read_bundle(session: Session, code: str) -> BundleRecord | None:
    bundle = repo.get_bundle(session, code)
    if bundle is None:
        return None
    items = [BundleItemRef.model_validate(member) for member in repo.bundle_members(session, bundle.id)]
    return BundleRecord.model_validate({**_columns(bundle, exclude=frozenset({"id"})), "items": items})


def _bundle_references(record: BundleRecord) -> References:
    return References(
        departments=_codes([record.lead_department_code]), items=_codes(ref.item_code for ref in record.items)
    )


def _write_bundle(session: Session, record: BundleRecord, edit: Edit) -> None:
    clash = repo.bundle_named(session, record.name, other_than=record.code)
    if clash is not None:
        raise Conflict(f"一件事名称“{record.name}”已被 {clash} 使用")
    values = record.model_dump(exclude={"items"})
    bundle_id = repo.update_bundle(session, record.code, values) if edit.exists else repo.insert_bundle(session, values)
    item_ids = repo.item_ids(session, [r.item_code for r in record.items])
    rows = [
        {"bundle_id": bundle_id, "item_id": item_ids[ref.item_code], **ref.model_dump(exclude={"item_code"})}
        for ref in record.items
    ]
    repo.insert_bundle_items(session, rows)


# ----- the registry -------------------------------------------------------------------------------------

VENUE = RecordSpec(
    kind="venue", label="场所", record_type=VenueRecord, key_field="id", dataset_field="venues",
    read=_read_venue, references=_venue_references, write=_write_venue, checked_by_writer=True,
)  # fmt: skip
ITEM = RecordSpec(
    kind="item", label="事项", record_type=ItemRecord, key_field="code", dataset_field="items",
    read=_read_item, references=_item_references, write=_write_item,
)  # fmt: skip
GUIDE = RecordSpec(
    kind="guide", label="办事指南", record_type=GuideRecord, key_field="item_code", dataset_field="guides",
    read=_read_guide, references=_guide_references, write=_write_guide,
)  # fmt: skip
BUNDLE = RecordSpec(
    kind="bundle", label="一件事", record_type=BundleRecord, key_field="code", dataset_field="bundles",
    read=_read_bundle, references=_bundle_references, write=_write_bundle,
)  # fmt: skip

RECORD_KINDS: dict[str, RecordSpec[Any]] = {spec.kind: spec for spec in (VENUE, ITEM, GUIDE, BUNDLE)}
KINDS = tuple(RECORD_KINDS)

# Views of the registry kept for callers that index by kind (staff pages, auth scopes); prefer RECORD_KINDS.
KIND_NAMES = {kind: spec.label for kind, spec in RECORD_KINDS.items()}
RECORD_TYPES: dict[str, type[BaseModel]] = {kind: spec.record_type for kind, spec in RECORD_KINDS.items()}


def record_kind(kind: str) -> RecordSpec[Any]:
    """The spec of ``kind`` ("venue", "item", "guide", "bundle")."""
    return RECORD_KINDS[kind]


# ----- operations by kind (the staff service, photos and pages call these) -----------------------------


def record_key(kind: str, record: Any) -> str:
    return record_kind(kind).key_of(record)


def validate_record(kind: str, data: dict[str, Any]) -> Any:
    """The record of ``kind`` made from ``data``, or RecordInvalid with every failing field."""
    return record_kind(kind).validate(data)


def snapshot(record: BaseModel) -> dict[str, Any]:
    return record.model_dump(mode="json")


def read_record(session: Session, kind: str, key: str) -> Any | None:
    """The stored record of ``kind`` with ``key`` (venue id, item code, the item code of a guide, bundle code)."""
    return record_kind(kind).read(session, key)


def referenced_keys(session: Session, spec: RecordSpec[R], record: R) -> KnownKeys:
    """Which of the keys ``record`` refers to are stored (only those keys are looked up)."""
    refs = spec.references(record)
    return repo.existing_keys(
        session, divisions=refs.divisions, departments=refs.departments, items=refs.items, venues=refs.venues
    )


def write_record(session: Session, kind: str, record: Any, *, exists: bool) -> None:
    """Check ``record``'s references like an import does, then insert or update it."""
    spec = record_kind(kind)
    dataset = Dataset()
    dataset.records(spec.dataset_field).append(record)
    dataset.origins[spec.dataset_field] = [Origin(spec.label, 0)]
    known = referenced_keys(session, spec, record)
    issues = [] if spec.checked_by_writer else check_dataset(dataset, known)
    if issues:
        raise RecordInvalid([(issue.field, issue.message) for issue in issues])
    try:
        spec.write(session, record, Edit(dataset, known, exists))
    except ImportFailed as exc:
        raise RecordInvalid([(_field(issue), issue.message) for issue in exc.issues]) from None
    session.flush()


def _field(issue: ImportIssue) -> str:
    return issue.field.removeprefix("properties.")
