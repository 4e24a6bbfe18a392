"""Read and write one service-map record (venue, item, guide, bundle) as the importer's validated records.

Writing goes through the same checks as an import: the pydantic records of ``interchange/records.py`` and
the reference checks of ``interchange/references.py``; venues are written by the GeoJSON upsert.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, NotFound, RuleViolation
from cityservices.service_map.catalogue.models import (
    WEEKDAYS,
    Bundle,
    BundleItem,
    Guide,
    Item,
    OpeningException,
    OpeningInterval,
    Venue,
    venue_departments,
)
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
from cityservices.service_map.interchange.references import check_dataset
from cityservices.service_map.interchange.store import known_keys

KINDS = ("venue", "item", "guide", "bundle")
RECORD_TYPES: dict[str, type[BaseModel]] = {
    "venue": VenueRecord,
    "item": ItemRecord,
    "guide": GuideRecord,
    "bundle": BundleRecord,
}
KIND_NAMES = {"venue": "场所", "item": "事项", "guide": "办事指南", "bundle": "一件事"}
DATASET_FIELDS = {"venue": "venues", "item": "items", "guide": "guides", "bundle": "bundles"}


class RecordInvalid(RuleViolation):
    """A record failed the importer's validation; ``issues`` name each field."""

    code = "invalid_record"

    def __init__(self, issues: list[tuple[str, str]]) -> None:
        super().__init__("数据校验未通过: " + "; ".join(f"{field}: {message}" for field, message in issues))
        self.issues = issues


def record_key(kind: str, record: Any) -> str:
    if kind == "venue":
        return str(record.id)
    if kind == "guide":
        return str(record.item_code)
    return str(record.code)


def validate_record(kind: str, data: dict[str, Any]) -> Any:
    """The record of ``kind`` made from ``data``, or RecordInvalid with every failing field."""
    try:
        return RECORD_TYPES[kind].model_validate(data)
    except ValidationError as exc:
        issues = [(".".join(str(p) for p in e["loc"]) or "-", str(e["msg"])) for e in exc.errors()]
        raise RecordInvalid(issues) from None


def snapshot(record: BaseModel) -> dict[str, Any]:
    return record.model_dump(mode="json")


def _columns(row: Any, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in exclude}


def read_record(session: Session, kind: str, key: str) -> Any | None:
    """The stored record of ``kind`` with ``key`` (venue id, item code, the item code of a guide, bundle code)."""
    readers = {"venue": _read_venue, "item": _read_item, "guide": _read_guide, "bundle": _read_bundle}
    return readers[kind](session, key)


def _read_venue(session: Session, venue_id: str) -> VenueRecord | None:
    venue = session.get(Venue, venue_id)
    if venue is None:
        return None
    hours: dict[str, list[tuple[str, str]]] = {day: [] for day in WEEKDAYS}
    intervals = select(OpeningInterval).where(OpeningInterval.venue_id == venue_id)
    for iv in session.scalars(intervals.order_by(OpeningInterval.weekday, OpeningInterval.opens)):
        hours[WEEKDAYS[iv.weekday]].append((iv.opens.strftime("%H:%M"), iv.closes.strftime("%H:%M")))
    exceptions = select(OpeningException).where(OpeningException.venue_id == venue_id)
    dated = [
        HoursException(date=ex.on_date, intervals=[(str(a), str(b)) for a, b in ex.intervals], note=ex.note)
        for ex in session.scalars(exceptions.order_by(OpeningException.on_date))
    ]
    departments = session.scalars(
        select(venue_departments.c.department_code).where(venue_departments.c.venue_id == venue_id)
    )
    data = {**_columns(venue), "hours": hours, "hours_exceptions": dated, "departments": sorted(departments)}
    return VenueRecord.model_validate(data)


def _read_item(session: Session, code: str) -> ItemRecord | None:
    item = session.scalar(select(Item).where(Item.code == code))
    return None if item is None else ItemRecord.model_validate(_columns(item, exclude=frozenset({"id"})))


def _current_guide(session: Session, item_code: str) -> Guide | None:
    query = select(Guide).join(Item, Item.id == Guide.item_id).where(Item.code == item_code, Guide.is_current.is_(True))
    return session.scalar(query)


def _read_guide(session: Session, item_code: str) -> GuideRecord | None:
    guide = _current_guide(session, item_code)
    if guide is None:
        return None
    return GuideRecord.model_validate({**_columns(guide, exclude=frozenset({"id", "item_id"})), "item_code": item_code})


def _read_bundle(session: Session, code: str) -> BundleRecord | None:
    bundle = session.scalar(select(Bundle).where(Bundle.code == code))
    if bundle is None:
        return None
    refs = session.execute(
        select(BundleItem.position, Item.code, BundleItem.note)
        .join(Item, Item.id == BundleItem.item_id)
        .where(BundleItem.bundle_id == bundle.id)
        .order_by(BundleItem.position)
    )
    items = [BundleItemRef(position=p, item_code=c, note=n) for p, c, n in refs]
    return BundleRecord.model_validate({**_columns(bundle, exclude=frozenset({"id"})), "items": items})


def write_record(session: Session, kind: str, record: Any, *, exists: bool) -> None:
    """Check ``record``'s references like an import does, then insert or update it."""
    dataset = Dataset()
    dataset.records(DATASET_FIELDS[kind]).append(record)
    dataset.origins[DATASET_FIELDS[kind]] = [Origin(KIND_NAMES[kind], 0)]
    issues = check_dataset(dataset, known_keys(session)) if kind != "venue" else []
    if issues:
        raise RecordInvalid([(issue.field, issue.message) for issue in issues])
    try:
        if kind == "venue":
            upsert_venues(session, dataset)
        elif kind == "item":
            _write_item(session, record, exists=exists)
        elif kind == "guide":
            _write_guide(session, record)
        else:
            _write_bundle(session, record, exists=exists)
    except ImportFailed as exc:
        raise RecordInvalid([(_field(issue), issue.message) for issue in exc.issues]) from None
    session.flush()


def _field(issue: ImportIssue) -> str:
    return issue.field.removeprefix("properties.")


def _write_item(session: Session, record: ItemRecord, *, exists: bool) -> None:
    clash = session.scalar(select(Item.code).where(Item.name == record.name, Item.code != record.code))
    if clash is not None:
        raise Conflict(f"事项名称“{record.name}”已被事项 {clash} 使用")
    values = record.model_dump()
    if exists:
        session.execute(update(Item).where(Item.code == record.code).values(**values))
    else:
        session.execute(insert(Item).values(**values))


def _write_guide(session: Session, record: GuideRecord) -> None:
    item_id = session.scalar(select(Item.id).where(Item.code == record.item_code))
    if item_id is None:
        raise NotFound(f"未找到事项 {record.item_code}")
    values = {**record.model_dump(exclude={"item_code"}), "is_current": True}
    current = _current_guide(session, record.item_code)
    other = select(Guide.id).where(Guide.item_id == item_id, Guide.version == record.version)
    if current is not None:
        other = other.where(Guide.id != current.id)
    if session.scalar(other) is not None:
        raise Conflict(f"版本号 {record.version} 已被该事项的历史指南使用")
    if current is None:
        session.execute(insert(Guide).values(item_id=item_id, **values))
    else:
        session.execute(update(Guide).where(Guide.id == current.id).values(**values))


def _write_bundle(session: Session, record: BundleRecord, *, exists: bool) -> None:
    clash = session.scalar(select(Bundle.code).where(Bundle.name == record.name, Bundle.code != record.code))
    if clash is not None:
        raise Conflict(f"一件事名称“{record.name}”已被 {clash} 使用")
    values = record.model_dump(exclude={"items"})
    if exists:
        bundle_id = session.scalar(select(Bundle.id).where(Bundle.code == record.code))
        session.execute(update(Bundle).where(Bundle.id == bundle_id).values(**values))
        session.execute(delete(BundleItem).where(BundleItem.bundle_id == bundle_id))
    else:
        bundle_id = session.scalar(insert(Bundle).values(**values).returning(Bundle.id))
    codes = [r.item_code for r in record.items]
    item_ids = dict(session.execute(select(Item.code, Item.id).where(Item.code.in_(codes))).all())
    rows = [
        {"bundle_id": bundle_id, "position": ref.position, "item_id": item_ids[ref.item_code], "note": ref.note}
        for ref in record.items
    ]
    session.execute(insert(BundleItem), rows)
