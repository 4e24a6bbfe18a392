"""Read the whole stored dataset back into records (for export in any format)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from cityservices.service_map.catalogue.models import (
    WEEKDAYS,
    Department,
    Guide,
    Item,
    ItemImplementation,
    Venue,
)
from cityservices.service_map.interchange import repository as repo
from cityservices.service_map.interchange.dataset import Dataset
from cityservices.service_map.interchange.records import (
    BoundaryRecord,
    BundleItemRef,
    BundleRecord,
    DepartmentRecord,
    DivisionRecord,
    GuideRecord,
    HoursException,
    HsdsExtraRecord,
    ImplementationRecord,
    ItemRecord,
    PoiRecord,
    VenueItemRecord,
    VenueRecord,
)


def _columns(row: Any, *, exclude: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in exclude}


def dump_dataset(session: Session) -> Dataset:
    """Every service-map row as records, in a stable order."""
    d = Dataset()
    for div in repo.list_divisions(session):
        d.divisions.append(DivisionRecord(code=div.code, name=div.name, level=div.level, parent_code=div.parent_code))
        if div.boundary is not None:
            d.boundaries.append(BoundaryRecord(code=div.code, geometry=div.boundary, source=div.boundary_source or ""))
    d.departments = [department_record(r) for r in repo.list_departments(session)]
    codes = repo.item_codes_by_id(session)
    d.items = [item_record(r) for r in repo.list_items(session)]
    impls = repo.list_implementations(session)
    impl_rows = [implementation_record(r, codes[r.item_id]) for r in impls]
    d.implementations = sorted(impl_rows, key=lambda r: (r.item_code, r.level))
    d.venues = [venue_record(v) for v in repo.list_venues(session)]
    levels = {impl.id: impl.level for impl in impls}
    vi_rows = [
        VenueItemRecord(
            venue_id=r.venue_id,
            item_code=codes[r.item_id],
            level=levels[r.implementation_id],
            window_number=r.window_number,
        )
        for r in repo.list_venue_items(session)
    ]
    d.venue_items = sorted(vi_rows, key=lambda r: (r.venue_id, r.item_code))
    guides = [guide_record(r, codes[r.item_id]) for r in repo.list_guides(session)]
    d.guides = sorted(guides, key=lambda g: (g.item_code, g.version))
    d.bundles = _bundles(session, codes)
    d.pois = [PoiRecord.model_validate(_columns(r)) for r in repo.list_pois(session)]
    d.hsds_extras = [
        HsdsExtraRecord.model_validate(_columns(r, exclude={"id"})) for r in repo.list_hsds_extras(session)
    ]
    return d


# --- one row as a record (also used by the HSDS API, which reads one page at a time) ---------------------------


def department_record(row: Department) -> DepartmentRecord:
    return DepartmentRecord.model_validate(_columns(row))


def item_record(row: Item) -> ItemRecord:
    return ItemRecord.model_validate(_columns(row, exclude={"id"}))


def implementation_record(row: ItemImplementation, item_code: str) -> ImplementationRecord:
    return ImplementationRecord.model_validate({**_columns(row, exclude={"id", "item_id"}), "item_code": item_code})


def guide_record(row: Guide, item_code: str) -> GuideRecord:
    return GuideRecord.model_validate({**_columns(row, exclude={"id", "item_id"}), "item_code": item_code})


def venue_record(venue: Venue) -> VenueRecord:
    """A venue with its hours, dated exceptions and departments (``repository.VENUE_LOADS`` loaded)."""
    hours: dict[str, list[tuple[str, str]]] = {day: [] for day in WEEKDAYS}
    for iv in venue.intervals:
        hours[WEEKDAYS[iv.weekday]].append((iv.opens.strftime("%H:%M"), iv.closes.strftime("%H:%M")))
    exceptions = [
        HoursException(date=ex.on_date, intervals=[(str(a), str(b)) for a, b in ex.intervals], note=ex.note)
        for ex in venue.exceptions
    ]
    departments = sorted(d.code for d in venue.departments)
    return VenueRecord.model_validate({
        **_columns(venue), "hours": hours, "hours_exceptions": exceptions, "departments": departments,
    })  # fmt: skip


def _bundles(session: Session, codes: dict[int, str]) -> list[BundleRecord]:
    refs: dict[int, list[BundleItemRef]] = defaultdict(list)
    for bi in repo.list_bundle_items(session):
        refs[bi.bundle_id].append(
            BundleItemRef(
                position=bi.position,
                item_code=codes[bi.item_id],
                note=bi.note,
                kind=bi.kind,
                choice_group=bi.choice_group,
                condition=bi.condition,
                produces=list(bi.produces),
            )
        )
    return [
        BundleRecord.model_validate({**_columns(b, exclude={"id"}), "items": refs[b.id]})
        for b in repo.list_bundles(session)
    ]
