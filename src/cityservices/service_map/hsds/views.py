"""The bodies of the HSDS API (docs/api.md, "Open Referral HSDS"), built from one page of rows at a time.

Every object comes from the builders of ``hsds_export`` (the file export's), so ids and fields are the same in
both. Lists hold the compact form of an object (its one-to-one fields); details nest the related objects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cityservices.errors import NotFound
from cityservices.service_map.hsds import repository as repo
from cityservices.service_map.hsds.export import (
    Places,
    location_object,
    organization_object,
    service_at_location_object,
    service_object,
    service_ref,
)
from cityservices.service_map.hsds.ids import MAX_LOCATIONS, HsdsIds
from cityservices.service_map.hsds.mapping import EXT, HSDS_VERSION
from cityservices.service_map.hsds.repository import ItemFilter, ServiceRows
from cityservices.service_map.hsds.taxonomy import (
    TAXONOMIES,
    TAXONOMY_BY_KEY,
    all_terms,
    taxonomy_object,
    term_object,
)

Json = dict[str, Any]


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class ListQuery:
    """The HSDS list filters, with ids as the client sent them."""

    search: str | None = None
    organization_id: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    service_id: str | None = None
    location_id: str | None = None


def page_body(contents: list[Json], *, total: int, paging: Paging) -> Json:
    """The HSDS page: totals, position flags and the entities of this page."""
    total_pages = math.ceil(total / paging.per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def compact(obj: Json) -> Json:
    """The one-to-one fields of an object: no arrays or nested objects; of ``x_cityservices`` its scalar
    members and ``demo_fields`` (which values are generated demo values)."""
    out = {key: value for key, value in obj.items() if not isinstance(value, dict | list)}
    extension = obj.get(EXT)
    if isinstance(extension, dict):
        out[EXT] = {k: v for k, v in extension.items() if k == "demo_fields" or not isinstance(v, dict | list)}
    return out


def _nest(obj: Json, **children: Any) -> Json:
    """``obj`` with related objects added, ``x_cityservices`` kept last."""
    nested = {key: value for key, value in obj.items() if key != EXT}
    nested.update(children)
    if EXT in obj:
        nested[EXT] = obj[EXT]
    return nested


def api_root(*, profile_url: str, openapi_url: str) -> Json:
    return {
        "version": HSDS_VERSION,
        "profile": profile_url,
        "openapi_url": openapi_url,
        "description": "政务服务地图的 Open Referral HSDS 3.1 只读接口：办事事项 (service)、部门 (organization)、"
        "服务场所 (location) 及事项在场所的办理 (service_at_location)，办事指南等字段见 profile 的 x_cityservices。",
    }


# --- filters -------------------------------------------------------------------------------------------------


def item_filter(ids: HsdsIds, q: ListQuery) -> ItemFilter:
    """Our filter for the HSDS one; an id that names nothing gives an empty list, not an error."""
    unknown = False
    department = term = item_id = venue_id = None
    if q.organization_id is not None:
        department = ids.find("departments", q.organization_id)
        unknown |= department is None
    if q.taxonomy_term_id is not None:
        term = ids.find("terms", q.taxonomy_term_id)
        unknown |= term is None
    if q.taxonomy_id is not None:  # every service has one term of each taxonomy: only an unknown one filters
        unknown |= ids.find("taxonomies", q.taxonomy_id) is None
    if q.service_id is not None:
        item_id = ids.find("items", q.service_id)
        unknown |= item_id is None
    if q.location_id is not None:
        venue_id = ids.find("venues", q.location_id)
        unknown |= venue_id is None
    return ItemFilter(q.search, department, term, item_id, venue_id, none=unknown)


# --- services ------------------------------------------------------------------------------------------------


def services_page(session: Session, ids: HsdsIds, q: ListQuery, paging: Paging) -> Json:
    f = item_filter(ids, q)
    rows = repo.page_items(session, f, offset=paging.offset, limit=paging.per_page)
    departments = repo.departments_by_code(session, {r.item.department_code for r in rows})
    contents = [_service_summary(r, departments) for r in rows]
    return page_body(contents, total=repo.count_items(session, f), paging=paging)


def _service_summary(rows: ServiceRows, departments: dict[str, Any]) -> Json:
    service = compact(service_object(rows.item, rows.implementations, rows.guides))
    department = departments.get(rows.item.department_code)
    organization = compact(organization_object(department)) if department is not None else None
    return _nest(service, organization=organization) if organization is not None else service


def service_detail(session: Session, ids: HsdsIds, service_id: str) -> Json:
    item_id = ids.find("items", service_id)
    rows = None if item_id is None else repo.get_service_rows(session, item_id)
    if item_id is None or rows is None:
        raise NotFound(f"未找到该服务 (HSDS id {service_id})")
    venue_items = repo.page_venue_items(session, ItemFilter(item_id=item_id), offset=0, limit=None)
    locations = _locations(session, ids, {r.record.venue_id for r in venue_items})
    links = [_nest(service_at_location_object(r.record), location=locations[r.record.venue_id]) for r in venue_items]
    return _full_service(session, rows, service_at_locations=links)


def _full_service(session: Session, rows: ServiceRows, **children: Any) -> Json:
    code = rows.item.department_code
    department = repo.departments_by_code(session, [code]).get(code)
    organization = organization_object(department) if department is not None else None
    service = service_object(rows.item, rows.implementations, rows.guides)
    return _nest(service, organization=organization, **children)


def _locations(session: Session, ids: HsdsIds, venue_ids: set[str]) -> dict[str, Json]:
    """The full location object of each venue, built once per venue while the id index lives (locations
    change only with the data, and a change starts a new index). Never mutated once built."""
    memo = ids.locations
    found = {venue_id: obj for venue_id in venue_ids if (obj := memo.get(venue_id)) is not None}
    missing = venue_ids - found.keys()
    if missing:
        if len(memo) + len(missing) > MAX_LOCATIONS:
            memo.clear()
        places = Places(repo.division_records(session))
        for venue_id, venue in repo.venues_by_id(session, missing).items():
            found[venue_id] = memo[venue_id] = location_object(venue, places)
    return found


# --- service at locations ------------------------------------------------------------------------------------


def service_at_locations_page(session: Session, ids: HsdsIds, q: ListQuery, paging: Paging) -> Json:
    f = item_filter(ids, q)
    rows = repo.page_venue_items(session, f, offset=paging.offset, limit=paging.per_page)
    venues = _locations(session, ids, {r.record.venue_id for r in rows})
    locations = {venue_id: compact(obj) for venue_id, obj in venues.items()}
    services = repo.service_rows_by_id(session, {r.item_id for r in rows})
    summaries = {item_id: compact(service_object(s.item, [], s.guides)) for item_id, s in services.items()}
    contents = [
        _nest(
            service_at_location_object(r.record),
            location=locations[r.record.venue_id],
            service=summaries[r.item_id],
        )
        for r in rows
    ]
    return page_body(contents, total=repo.count_venue_items(session, f), paging=paging)


def service_at_location_detail(session: Session, ids: HsdsIds, link_id: str) -> Json:
    key = ids.find("venue_items", link_id)
    row = None if key is None else repo.get_venue_item(session, *key)
    rows = None if row is None else repo.get_service_rows(session, row.item_id)
    if row is None or rows is None:
        raise NotFound(f"未找到该服务场所关联 (HSDS id {link_id})")
    location = _locations(session, ids, {row.record.venue_id})[row.record.venue_id]
    return _nest(service_at_location_object(row.record), location=location, service=_full_service(session, rows))


# --- organizations -------------------------------------------------------------------------------------------


def organizations_page(session: Session, q: ListQuery, paging: Paging) -> Json:
    rows = repo.page_departments(session, search=q.search, offset=paging.offset, limit=paging.per_page)
    contents = [compact(organization_object(r)) for r in rows]
    return page_body(contents, total=repo.count_departments(session, search=q.search), paging=paging)


def organization_detail(session: Session, ids: HsdsIds, organization_id: str) -> Json:
    code = ids.find("departments", organization_id)
    department = None if code is None else repo.departments_by_code(session, [code]).get(code)
    if code is None or department is None:
        raise NotFound(f"未找到该组织 (HSDS id {organization_id})")
    services = [service_ref(item) for item in repo.department_items(session, code)]
    return _nest(organization_object(department), services=services)


# --- taxonomies ----------------------------------------------------------------------------------------------


def _slice(contents: list[Json], paging: Paging) -> Json:
    return page_body(contents[paging.offset : paging.offset + paging.per_page], total=len(contents), paging=paging)


def _matches(search: str | None, *texts: str) -> bool:
    return not search or any(search.casefold() in text.casefold() for text in texts)


def taxonomies_page(q: ListQuery, paging: Paging) -> Json:
    found = [taxonomy_object(t) for t in TAXONOMIES if _matches(q.search, t.name, t.description)]
    return _slice(found, paging)


def taxonomy_detail(ids: HsdsIds, taxonomy_id: str) -> Json:
    key = ids.find("taxonomies", taxonomy_id)
    if key is None:
        raise NotFound(f"未找到该分类体系 (HSDS id {taxonomy_id})")
    return taxonomy_object(TAXONOMY_BY_KEY[key])


def taxonomy_terms_page(ids: HsdsIds, q: ListQuery, paging: Paging) -> Json:
    wanted = None if q.taxonomy_id is None else ids.find("taxonomies", q.taxonomy_id)
    terms = [
        term_object(key, value)
        for key, value in all_terms(list(ids.categories))
        if (q.taxonomy_id is None or key == wanted) and _matches(q.search, value)
    ]
    return _slice(terms, paging)


def taxonomy_term_detail(ids: HsdsIds, term_id: str) -> Json:
    term = ids.find("terms", term_id)
    if term is None:
        raise NotFound(f"未找到该分类词 (HSDS id {term_id})")
    return term_object(*term, detail=True)
