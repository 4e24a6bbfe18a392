"""Write a validated dataset into the database in one transaction, and read it back out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from sqlalchemy.orm import Session

from cityservices.kit import events
from cityservices.service_map.catalogue.models import (
    WEEKDAYS,
    BundleItem,
    Department,
    Division,
    Guide,
    OpeningException,
    OpeningInterval,
    Poi,
    Venue,
    VenueItem,
    venue_departments,
)
from cityservices.service_map.install import CHANGED
from cityservices.service_map.interchange import repository as repo
from cityservices.service_map.interchange.dataset import Dataset, ImportFailed, ImportIssue
from cityservices.service_map.interchange.records import VenueRecord
from cityservices.service_map.interchange.references import KnownKeys, check_dataset

ImportMode = Literal["insert", "replace"]
Step = Callable[[str], None]


def _no_step(_label: str) -> None:
    return None


def import_dataset(
    session: Session,
    dataset: Dataset,
    *,
    mode: ImportMode = "insert",
    step: Step = _no_step,
    known: KnownKeys | None = None,
) -> dict[str, int]:
    """Check ``dataset`` against itself and the database, then write it; raise ImportFailed on any issue.

    ``insert`` adds to what is there and refuses keys that already exist; ``replace`` first removes every
    service-map row. The caller's transaction makes it all-or-nothing. ``known`` (insert only; default:
    every stored key) holds at least the stored keys that ``dataset`` refers to or adds.
    """
    if known is None:
        known = KnownKeys() if mode == "replace" else known_keys(session)
    issues = check_dataset(dataset, known) + (_conflicts(dataset, known) if mode == "insert" else [])
    if issues:
        raise ImportFailed(issues)
    step("checked")
    if mode == "replace":
        repo.delete_everything(session)
        step("cleared")
    _write(session, dataset, step)
    session.flush()
    # Running servers drop their indexes and cached answers once this commits (docs/operations.md, "Serving").
    events.publish_after_commit(session, CHANGED, {"kind": "import", "key": mode})
    return dataset.counts()


def known_keys(session: Session) -> KnownKeys:
    """The keys already stored, which imported rows may refer to."""
    return KnownKeys(
        divisions=repo.division_codes(session),
        departments=repo.department_codes(session),
        items=repo.item_codes(session),
        implementations=set(repo.implementation_ids(session)),
        venue_levels=repo.venue_levels(session),
    )


EXISTING_HINT = "（整个数据集可用 --mode replace 替换；场所 GeoJSON 可用 --mode upsert 更新）"


def _conflicts(dataset: Dataset, known: KnownKeys) -> list[ImportIssue]:
    checks: list[tuple[str, str, set[Any], Any]] = [
        ("divisions", "code", known.divisions, lambda r: r.code),
        ("departments", "code", known.departments, lambda r: r.code),
        ("items", "code", known.items, lambda r: r.code),
        ("venues", "id", set(known.venue_levels), lambda r: r.id),
    ]
    issues = []
    for kind, field_name, existing, key in checks:
        for index, record in enumerate(dataset.records(kind)):
            if key(record) in existing:
                origin = dataset.origin(kind, index)
                message = f"{key(record)!r} 已存在于数据库中{EXISTING_HINT}"
                issues.append(ImportIssue(origin.file, origin.row, field_name, message))
    return issues


def _write(session: Session, d: Dataset, step: Step) -> None:
    boundaries = {b.code: b for b in d.boundaries}
    repo.insert_rows(session, Division, [
        {**r.model_dump(), "boundary": boundaries[r.code].geometry if r.code in boundaries else None,
         "boundary_source": boundaries[r.code].source if r.code in boundaries else None}
        for r in d.divisions
    ])  # fmt: skip
    repo.insert_rows(session, Department, [r.model_dump() for r in d.departments])
    step("divisions")
    item_ids = _insert_items(session, d)
    impl_ids = _insert_implementations(session, d, item_ids)
    step("items")
    _write_venues(session, d.venues)
    step("venues")
    repo.insert_rows(session, VenueItem, [
        {"venue_id": r.venue_id, "item_id": item_ids[r.item_code],
         "implementation_id": impl_ids[(r.item_code, r.level)], "window_number": r.window_number}
        for r in d.venue_items
    ])  # fmt: skip
    step("venue_items")
    repo.insert_rows(session, Guide, [
        {**r.model_dump(exclude={"item_code"}), "item_id": item_ids[r.item_code]} for r in d.guides
    ])  # fmt: skip
    step("guides")
    _write_bundles(session, d, item_ids)
    repo.insert_rows(session, Poi, [r.model_dump() for r in d.pois])
    repo.replace_hsds_extras(session, [r.model_dump() for r in d.hsds_extras])
    step("pois")


def _insert_items(session: Session, d: Dataset) -> dict[str, int]:
    """Ids by item code: the stored ones (when rows of ``d`` refer to items) and those inserted now."""
    refers = d.implementations or d.venue_items or d.guides or d.bundles
    ids = repo.item_ids_by_code(session) if refers else {}
    if d.items:
        ids.update(repo.insert_items(session, [r.model_dump() for r in d.items]))
    return ids


def _insert_implementations(session: Session, d: Dataset, item_ids: dict[str, int]) -> dict[tuple[str, str], int]:
    ids: dict[tuple[str, str], int] = {}
    if d.venue_items:  # the only rows that refer to stored implementations
        ids = repo.implementation_ids(session)
    if d.implementations:
        rows = [{**r.model_dump(exclude={"item_code"}), "item_id": item_ids[r.item_code]} for r in d.implementations]
        new_ids = repo.insert_implementations(session, rows)
        ids.update({(r.item_code, r.level): i for r, i in zip(d.implementations, new_ids, strict=True)})
    return ids


def _write_venues(session: Session, venues: list[VenueRecord]) -> None:
    nested = {"hours", "hours_exceptions", "departments"}
    repo.insert_rows(session, Venue, [r.model_dump(exclude=nested) for r in venues])
    repo.insert_rows(session, venue_departments, [
        {"venue_id": v.id, "department_code": code} for v in venues for code in v.departments
    ])  # fmt: skip
    repo.insert_rows(session, OpeningInterval, [
        {"venue_id": v.id, "weekday": WEEKDAYS.index(day), "opens": _time(o), "closes": _time(c)}
        for v in venues for day, intervals in v.hours.items() for o, c in intervals
    ])  # fmt: skip
    repo.insert_rows(session, OpeningException, [
        {"venue_id": v.id, "on_date": e.date, "intervals": [list(i) for i in e.intervals], "note": e.note}
        for v in venues for e in v.hours_exceptions
    ])  # fmt: skip


def _write_bundles(session: Session, d: Dataset, item_ids: dict[str, int]) -> None:
    if not d.bundles:
        return
    bundle_ids = repo.insert_bundles(session, [r.model_dump(exclude={"items"}) for r in d.bundles])
    repo.insert_rows(session, BundleItem, [
        {"bundle_id": bid, "position": ref.position, "item_id": item_ids[ref.item_code], "note": ref.note,
         "kind": ref.kind, "choice_group": ref.choice_group, "condition": ref.condition, "produces": ref.produces}
        for b, bid in zip(d.bundles, bundle_ids, strict=True) for ref in b.items
    ])  # fmt: skip


def _time(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


# The labels ``import_dataset`` reports through ``step``, in order (for progress bars).
WRITE_STEPS = ("checked", "cleared", "divisions", "items", "venues", "venue_items", "guides", "pois")
