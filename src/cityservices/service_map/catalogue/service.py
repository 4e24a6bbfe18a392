"""Use cases of the public catalogue API: items, guides, bundles, divisions and departments as API shapes.

Rules only: no web framework, no commits. Every list is turned into its shapes with a fixed number of
lookups (department and division names, current guides, window numbers), whatever the page size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from cityservices.errors import NotFound
from cityservices.kit.pagination import PageRequest, PageSlice
from cityservices.service_map.catalogue import repository as repo
from cityservices.service_map.catalogue.models import (
    Bundle,
    Department,
    Division,
    Guide,
    Item,
    ItemImplementation,
    Poi,
    Venue,
    VenueItem,
)
from cityservices.service_map.catalogue.repository import ItemFilter
from cityservices.service_map.catalogue.schemas import (
    BundleDetailRead,
    BundleMemberRead,
    BundleRefRead,
    BundleSummaryRead,
    CommonMaterialRead,
    DepartmentRead,
    DivisionRead,
    DivisionSummaryRead,
    GuideRead,
    ImplementationRead,
    ItemGuideSummaryRead,
    ItemRead,
    ItemSummaryRead,
    VenueItemRead,
)
from cityservices.service_map.search.records import guide_summary
from cityservices.service_map.venues import repository as venue_repo

_GUIDE_FIELDS = (
    "version", "is_current", "valid_from", "last_verified", "legal_basis", "acceptance_conditions", "situations",
    "materials", "steps", "legal_time_limit_days", "promised_time_limit_days", "time_limit_kind", "time_limit_note",
    "fees", "visits_to_site", "channels", "consult_phone", "complaint_phone", "faqs", "result_certificate", "source",
    "demo_fields",
)  # fmt: skip


def item_summaries(session: Session, items: Sequence[Item]) -> list[ItemSummaryRead]:
    """Items (implementations loaded) with their department names: one lookup for the whole list."""
    names = {code: d.name for code, d in repo.departments_by_code(session, [i.department_code for i in items]).items()}
    return [_item_summary(item, names.get(item.department_code)) for item in items]


def _item_summary(item: Item, department_name: str | None) -> ItemSummaryRead:
    return ItemSummaryRead(
        code=item.code,
        name=item.name,
        item_type=item.item_type,
        applicant_type=item.applicant_type,
        department_code=item.department_code,
        department_name=department_name,
        category=item.category,
        is_core=item.is_core,
        aliases=[str(a) for a in item.aliases or []],
        levels=[impl.level for impl in _by_level(item)],
        demo_fields=list(item.demo_fields or []),
    )


def _by_level(item: Item) -> list[ItemImplementation]:
    order = {"city": 0, "district": 1, "street": 2}
    return sorted(item.implementations, key=lambda impl: order.get(impl.level, len(order)))


def guide_brief(guide: Guide) -> ItemGuideSummaryRead:
    return ItemGuideSummaryRead(
        **guide_summary(guide).as_dict(),
        version=guide.version,
        valid_from=guide.valid_from,
        last_verified=guide.last_verified,
        legal_time_limit_days=guide.legal_time_limit_days,
        demo_fields=list(guide.demo_fields or []),
    )


def venue_item_page(
    session: Session, venue_id: str, f: ItemFilter, request: PageRequest
) -> tuple[PageSlice[Item], list[VenueItemRead]]:
    """A page of the items handled at a venue, with their window numbers; NotFound for an unknown venue."""
    if not venue_repo.venue_exists(session, venue_id):
        raise NotFound(f"未知的场所: {venue_id}")
    filters = replace(f, venue=venue_id)
    page = repo.page_items(session, repo.item_conditions(session, filters), request)
    windows = venue_repo.window_numbers(session, venue_id, [i.id for i in page.rows])
    rows = [
        VenueItemRead(**summary.model_dump(), window_number=windows.get(item.id))
        for item, summary in zip(page.rows, item_summaries(session, page.rows), strict=True)
    ]
    return page, rows


def item_detail(session: Session, code: str) -> ItemRead:
    """An item with its implementations per level, current guide in brief, bundles and venue counts."""
    item = repo.get_item(session, code)
    if item is None:
        raise NotFound(f"未知的事项: {code}")
    implementations = _by_level(item)
    departments = repo.departments_by_code(
        session, [item.department_code, *(i.department_code for i in implementations)]
    )
    counts = repo.venue_counts_by_implementation(session, item.id)
    guide = repo.current_guides(session, [item.id]).get(item.id)
    summary = _item_summary(item, _name(departments.get(item.department_code)))
    return ItemRead(
        **summary.model_dump(),
        basic_code=item.basic_code,
        source=item.source,
        implementations=[
            ImplementationRead(
                level=impl.level,
                department_code=impl.department_code,
                department_name=_name(departments.get(impl.department_code)),
                implementation_code=impl.implementation_code,
                venue_count=counts.get(impl.id, 0),
                demo_fields=list(impl.demo_fields or []),
            )
            for impl in implementations
        ],
        guide=guide_brief(guide) if guide else None,
        bundles=[
            BundleRefRead(code=b.code, name=b.name, life_event=b.life_event, position=position)
            for b, position in repo.bundles_of_item(session, item.id)
        ],
        venue_count=sum(counts.values()),
    )


def _name(row: Department | Division | None) -> str | None:
    return row.name if row is not None else None


def guide_detail(session: Session, code: str, *, version: int | None) -> GuideRead:
    """The current guide of an item, or the given version; NotFound when there is none."""
    item = repo.get_item(session, code)
    if item is None:
        raise NotFound(f"未知的事项: {code}")
    if version is None:
        guide = repo.current_guides(session, [item.id]).get(item.id)
        missing = f"事项 {code} 暂无现行办事指南"
    else:
        guide = repo.get_guide(session, item.id, version)
        missing = f"事项 {code} 没有第 {version} 版办事指南"
    if guide is None:
        raise NotFound(missing)
    return _guide_read(guide, item.code, item.name, repo.guide_versions(session, item.id))


def current_guide_details(session: Session) -> dict[str, GuideRead]:
    """``guide_detail(code, version=None)`` of every item that has a current guide, by item code, in three queries
    (for the guides' read model, built once per data generation)."""
    items = repo.item_codes_and_names(session)
    versions = repo.guide_versions_by_item(session)
    return {
        items[item_id][0]: _guide_read(guide, *items[item_id], versions.get(item_id, []))
        for item_id, guide in repo.current_guides(session, None).items()
        if item_id in items
    }


def _guide_read(guide: Guide, item_code: str, item_name: str, versions: list[int]) -> GuideRead:
    values = {name: getattr(guide, name) for name in _GUIDE_FIELDS}
    return GuideRead(**values, item_code=item_code, item_name=item_name, versions=versions)


def bundle_summaries(session: Session, bundles: Sequence[Bundle]) -> list[BundleSummaryRead]:
    counts = repo.count_bundle_items(session, [b.id for b in bundles])
    return [_bundle_summary(b, counts.get(b.id, 0)) for b in bundles]


def _bundle_summary(bundle: Bundle, item_count: int) -> BundleSummaryRead:
    return BundleSummaryRead(
        code=bundle.code,
        name=bundle.name,
        life_event=bundle.life_event,
        description=bundle.description,
        lead_department_code=bundle.lead_department_code,
        item_count=item_count,
        demo_fields=list(bundle.demo_fields or []),
    )


def bundle_detail(session: Session, code: str) -> BundleDetailRead:
    """A bundle with its items in order, each with its current guide in brief, and the materials they share."""
    bundle = repo.get_bundle(session, code)
    if bundle is None:
        raise NotFound(f"未知的一件事: {code}")
    items = repo.items_by_id(session, [m.item_id for m in bundle.items])
    guides = repo.current_guides(session, items)
    summaries = dict(zip(items, item_summaries(session, list(items.values())), strict=True))
    lead = repo.departments_by_code(session, [bundle.lead_department_code]).get(bundle.lead_department_code or "")
    members = [
        BundleMemberRead(
            position=m.position,
            note=m.note,
            kind=m.kind,
            choice_group=m.choice_group,
            condition=m.condition,
            produces=list(m.produces or []),
            item=summaries[m.item_id],
            guide=guide_brief(guides[m.item_id]) if m.item_id in guides else None,
        )
        for m in bundle.items
    ]
    common = materials_in_common([(m.position, guides.get(m.item_id)) for m in bundle.items])
    return BundleDetailRead(
        **_bundle_summary(bundle, len(members)).model_dump(),
        lead_department_name=_name(lead),
        source=bundle.source,
        items=members,
        shared_materials=list(bundle.shared_materials or []),
        common_materials=[CommonMaterialRead(name=c.name, positions=list(c.positions)) for c in common],
    )


def division_detail(session: Session, code: str, *, boundary: bool) -> DivisionRead:
    """A division with its parent's name, children and venue count; its boundary only when asked for."""
    division = repo.get_division(session, code, boundary=boundary)
    if division is None:
        raise NotFound(f"未知的区划: {code}")
    parent = repo.division_rows(session, [division.parent_code]).get(division.parent_code or "")
    return DivisionRead(
        code=division.code,
        name=division.name,
        level=division.level,
        parent_code=division.parent_code,
        parent_name=parent.name if parent else None,
        children=[DivisionSummaryRead.model_validate(c) for c in repo.child_divisions(session, code)],
        venue_count=repo.count_venues_within(session, code),
        boundary=division.boundary if boundary else None,
        boundary_source=division.boundary_source if boundary else None,
    )


def department_rows(session: Session, departments: Sequence[Department]) -> list[DepartmentRead]:
    divisions = repo.division_rows(session, [d.division_code for d in departments])
    return [
        DepartmentRead(
            code=d.code,
            name=d.name,
            category=d.category,
            division_code=d.division_code,
            division_name=divisions[d.division_code].name if d.division_code in divisions else None,
            demo_fields=list(d.demo_fields or []),
        )
        for d in departments
    ]


VENUE_ATTRIBUTES: tuple[str, ...] = (
    "name", "level", "division_code", "address", "postcode", "coordinates", "photos", "phones", "hours",
    "windows", "departments", "transport", "parking", "accessibility", "appointment_url", "kiosks",
    "status", "last_verified", "description", "website",
)  # fmt: skip


def venue_attribute_values(venue: Venue) -> dict[str, Any]:
    """The value of each of the 20 attributes; the venue's intervals and departments must be loaded."""
    values: dict[str, Any] = {name: getattr(venue, name, None) for name in VENUE_ATTRIBUTES}
    values["coordinates"] = (venue.lat, venue.lng, venue.source_crs) if venue.source_crs else None
    values["hours"] = venue.intervals
    values["departments"] = venue.departments
    return values


def missing_venue_attributes(venue: Venue) -> list[str]:
    """The attributes of ``venue`` that are empty."""
    return [name for name, value in venue_attribute_values(venue).items() if value in (None, "", [], {}, ())]


def collect_stats(session: Session) -> dict[str, Any]:
    """Counts of everything stored, and how complete the venues are."""
    venues = venue_repo.list_venues_with_hours(session)
    incomplete = {v.id: missing for v in venues if (missing := missing_venue_attributes(v))}
    return {
        "divisions": repo.count_by(session, Division.level),
        "venues": {"total": len(venues), "by_level": repo.count_by(session, Venue.level)},
        "venues_with_all_attributes": len(venues) - len(incomplete),
        "venue_attributes": len(VENUE_ATTRIBUTES),
        "venues_missing_attributes": incomplete,
        "items": {"total": repo.count_rows(session, Item), "core": repo.count_core_items(session)},
        "items_without_guide": repo.count_items_without_guide(session),
        "venue_items": repo.count_rows(session, VenueItem),
        "venue_items_by_level": repo.count_venue_items_by_level(session),
        "guides": {"total": repo.count_rows(session, Guide), "current": repo.count_current_guides(session)},
        "bundles": repo.count_rows(session, Bundle),
        "pois": {"total": repo.count_rows(session, Poi), "by_category": repo.count_by(session, Poi.category)},
    }


@dataclass(frozen=True)
class CommonMaterial:
    """A material (by name) that the guides of two or more items of a bundle list, and those items' positions."""

    name: str
    positions: tuple[int, ...]


def materials_in_common(guides: Sequence[tuple[int, Guide | None]]) -> list[CommonMaterial]:
    """Materials named in the current guides of at least two items, most shared first (then by first use).

    ``guides`` are ``(position, guide)`` in bundle order. Names are compared after trimming spaces and the
    book-title marks 《》, so 《出生医学证明》 and 出生医学证明 are one material."""
    seen: dict[str, tuple[str, list[int]]] = {}
    for position, guide in guides:
        if guide is None:
            continue
        for material in guide.materials:
            name = str(material.get("name", "")).strip() if isinstance(material, dict) else ""
            key = _key(name)
            if not key:
                continue
            positions = seen.setdefault(key, (name, []))[1]
            if position not in positions:
                positions.append(position)
    shared = [CommonMaterial(label, tuple(p)) for label, p in seen.values() if len(p) >= 2]
    order = list(seen)
    return sorted(shared, key=lambda m: (-len(m.positions), order.index(_key(m.name))))


@dataclass(frozen=True, slots=True)
class PlanBlock:
    """One numbered stage of a bundle's plan: a single step, or the alternatives of one choice group."""

    kind: str
    group: str
    entries: tuple[Any, ...]


def plan_blocks(entries: Sequence[Any]) -> list[PlanBlock]:
    """Group a bundle's ordered steps into stages; the steps of one choice group form one stage (选择其一).

    ``entries`` are bundle items in order (anything with ``kind`` and ``choice_group``)."""
    blocks: list[PlanBlock] = []
    index: dict[str, int] = {}
    for entry in entries:
        if entry.kind == "choice":
            if entry.choice_group in index:
                at = index[entry.choice_group]
                blocks[at] = replace(blocks[at], entries=(*blocks[at].entries, entry))
                continue
            index[entry.choice_group] = len(blocks)
        blocks.append(PlanBlock(entry.kind, entry.choice_group, (entry,)))
    return blocks


def _key(name: str) -> str:
    return name.replace("《", "").replace("》", "").replace(" ", "")
