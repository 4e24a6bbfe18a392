"""Our records as Open Referral HSDS 3.1 objects in our profile (see ``hsds``), and the whole dataset as one
JSON document.

The object builders (``organization_object``, ``service_object``, ``location_object``,
``service_at_location_object``) are the one mapping of our records to HSDS: the file export and the HSDS API
(``hsds_views``) both build their objects with them, so an object has the same id and fields in both.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Container
from pathlib import Path
from typing import Any

from cityservices.service_map.hsds.mapping import (
    EXT,
    EXT_VERSION,
    EXTERNAL_ID_TYPE,
    EXTRA,
    FEE_KEYS,
    HSDS_VERSION,
    MATERIAL_KEYS,
    PHONE_KEYS,
    PROFILE_URI,
    child_id,
    hours_to_schedules,
    hsds_id,
    to_hsds_object,
    venue_item_key,
)
from cityservices.service_map.hsds.taxonomy import service_attributes
from cityservices.service_map.interchange.dataset import Dataset
from cityservices.service_map.interchange.records import (
    DepartmentRecord,
    DivisionRecord,
    GuideRecord,
    ImplementationRecord,
    ItemRecord,
    VenueItemRecord,
    VenueRecord,
)

# Venue fields carried by standard HSDS location fields; every other venue field is in x_cityservices.
LOCATION_FIELDS = frozenset({
    "id", "name", "description", "transport", "lat", "lng", "address", "postcode", "phones", "hours",
    "hours_exceptions", "accessibility",
})  # fmt: skip
GUIDE_PROJECTED = frozenset({"materials", "fees"})  # the current guide's, as required_documents / cost_options


def write_hsds(dataset: Dataset, path: Path) -> None:
    """Write ``dataset`` to the file ``path`` (overwritten)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(export_document(dataset), ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def export_document(d: Dataset) -> dict[str, Any]:
    """The whole dataset as an HSDS document; reading it back with ``hsds_import`` loses nothing."""
    codes = {item.code for item in d.items}
    implementations: dict[str, list[ImplementationRecord]] = defaultdict(list)
    guides: dict[str, list[GuideRecord]] = defaultdict(list)
    for impl in d.implementations:
        implementations[impl.item_code].append(impl)
    for guide in d.guides:
        guides[guide.item_code].append(guide)
    extension = {
        "version": EXT_VERSION,
        **{kind: _dump(d.records(kind)) for kind in ("divisions", "boundaries", "bundles", "pois")},
        # Rows of items that are not in this document (a partial dataset): kept whole.
        "implementations": _dump([r for r in d.implementations if r.item_code not in codes]),
        "guides": _dump([r for r in d.guides if r.item_code not in codes]),
    }
    places = Places(d.divisions)
    venues = {venue.id for venue in d.venues}
    extras = Extras(d)
    return {
        "profile": PROFILE_URI,
        "hsds_version": HSDS_VERSION,
        EXT: extension,
        "organizations": [extras.add(organization_object(r), "department", r.code) for r in d.departments],
        "services": [
            extras.add(service_object(r, implementations[r.code], guides[r.code]), "item", r.code) for r in d.items
        ],
        "locations": [extras.add(location_object(v, places), "venue", v.id) for v in d.venues],
        "service_at_locations": [
            extras.add(
                service_at_location_object(r, items=codes, venues=venues),
                "venue_item",
                venue_item_key(r.venue_id, r.item_code),
            )
            for r in d.venue_items
        ],
    }


class Extras:
    """The foreign HSDS fields kept at import (``hsds.models.HsdsExtra``), written in ``x_cityservices.hsds``."""

    def __init__(self, d: Dataset) -> None:
        self.fields: dict[tuple[str, str], dict[str, Any]] = {(r.kind, r.key): r.fields for r in d.hsds_extras}

    def add(self, obj: dict[str, Any], kind: str, key: str) -> dict[str, Any]:
        fields = self.fields.get((kind, key))
        if fields:
            obj[EXT] = {**obj[EXT], EXTRA: fields}
        return obj


def _dump(records: list[Any], *, exclude: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    return [record.model_dump(mode="json", exclude=set(exclude)) for record in records]


def organization_object(department: DepartmentRecord) -> dict[str, Any]:
    return {
        "id": hsds_id("department", department.code),
        "name": department.name,
        "description": f"业务类别: {department.category}",
        EXT: department.model_dump(mode="json", exclude={"name"}),
    }


def service_ref(item: ItemRecord) -> dict[str, Any]:
    """The service's own one-to-one standard fields (the start of every service object)."""
    return {
        "id": hsds_id("item", item.code),
        "organization_id": hsds_id("department", item.department_code),
        "name": item.name,
        "status": "active",
    }


def service_object(
    item: ItemRecord, implementations: list[ImplementationRecord], guides: list[GuideRecord]
) -> dict[str, Any]:
    """An item with its implementations and every guide version; the current guide's materials and fees are the
    service's required documents and cost options, its text and phones informative standard fields."""
    service = service_ref(item)
    service_id = service["id"]
    current = next((g for g in guides if g.is_current), None)
    extension = item.model_dump(mode="json", exclude={"name", "department_code"})
    extension["implementations"] = _dump(implementations, exclude=frozenset({"item_code"}))
    extension["guides"] = [
        g.model_dump(mode="json", exclude={"item_code"} | (GUIDE_PROJECTED if g is current else set())) for g in guides
    ]
    if current is not None:
        link = {"service_id": service_id}
        service.update(_guide_text(current))
        service["required_documents"] = [
            to_hsds_object(m, MATERIAL_KEYS, {"id": child_id(service_id, "required_document", i), **link})
            for i, m in enumerate(current.materials)
        ]
        service["cost_options"] = [
            to_hsds_object(f, FEE_KEYS, {"id": child_id(service_id, "cost_option", i), **link, "currency": "CNY"})
            for i, f in enumerate(current.fees)
        ]
        if not current.fees:
            service["fees_description"] = "不收费"  # informative; empty fees mean no charge
        phones = [(number, label) for number, label in _guide_phones(current) if number]
        service["phones"] = [
            {"id": child_id(service_id, "phone", i), **link, "number": number, "description": label}
            for i, (number, label) in enumerate(phones)
        ]
    service["attributes"] = service_attributes(service_id, item)
    service[EXT] = extension
    return service


def _guide_text(guide: GuideRecord) -> dict[str, str]:
    """Informative: the acceptance conditions and the numbered steps as HSDS free-text fields."""
    text: dict[str, str] = {}
    if guide.acceptance_conditions:
        text["eligibility_description"] = guide.acceptance_conditions
    steps: list[str] = []
    for step in guide.steps:
        parts = [str(step[key]) for key in ("name", "description") if isinstance(step.get(key), str) and step[key]]
        if parts:
            steps.append(f"{len(steps) + 1}. {'：'.join(parts)}")
    if steps:
        text["application_process"] = "\n".join(steps)
    return text


def _guide_phones(guide: GuideRecord) -> tuple[tuple[str | None, str], ...]:
    return (guide.consult_phone, "咨询电话"), (guide.complaint_phone, "投诉电话")


def location_object(venue: VenueRecord, places: Places) -> dict[str, Any]:
    location_id = hsds_id("venue", venue.id)
    link = {"location_id": location_id}
    addresses = []
    if venue.address or venue.postcode:
        city, district = places.city_and_district(venue.division_code)
        addresses.append({
            "id": child_id(location_id, "address", 0), **link, "address_1": venue.address, "city": city,
            "region": district, "state_province": "", "postal_code": venue.postcode or "", "country": "CN",
            "address_type": "physical",
        })  # fmt: skip
    return {
        "id": location_id,
        "location_type": "physical",
        "name": venue.name,
        "description": venue.description,
        "transportation": venue.transport,
        "latitude": venue.lat,
        "longitude": venue.lng,
        "external_identifier": venue.id,
        "external_identifier_type": EXTERNAL_ID_TYPE,
        "addresses": addresses,
        "phones": [
            to_hsds_object(p, PHONE_KEYS, {"id": child_id(location_id, "phone", i), **link})
            for i, p in enumerate(venue.phones)
        ],
        "schedules": hours_to_schedules(location_id, venue),
        "accessibility": [
            {"id": child_id(location_id, "accessibility", i), **link, "description": text}
            for i, text in enumerate(venue.accessibility)
        ],
        EXT: venue.model_dump(mode="json", exclude=set(LOCATION_FIELDS)),
    }


def service_at_location_object(
    row: VenueItemRecord, *, items: Container[str] | None = None, venues: Container[str] | None = None
) -> dict[str, Any]:
    """A venue item; ``items`` / ``venues`` are the codes / ids in the document (None: all of them are), the
    others are named in ``x_cityservices`` since their ids alone cannot be resolved."""
    extension: dict[str, Any] = {"level": row.level, "window_number": row.window_number}
    if items is not None and row.item_code not in items:
        extension["item_code"] = row.item_code
    if venues is not None and row.venue_id not in venues:
        extension["venue_id"] = row.venue_id
    return {
        "id": hsds_id("venue_item", venue_item_key(row.venue_id, row.item_code)),
        "service_id": hsds_id("item", row.item_code),
        "location_id": hsds_id("venue", row.venue_id),
        EXT: extension,
    }


class Places:
    """Names of a division's city and district, for the informative ``city`` / ``region`` of addresses."""

    def __init__(self, divisions: list[DivisionRecord]) -> None:
        self.by_code = {d.code: d for d in divisions}

    def city_and_district(self, code: str) -> tuple[str, str]:
        names = {"city": "", "district": ""}
        division = self.by_code.get(code)
        while division is not None:
            if division.level in names and not names[division.level]:
                names[division.level] = division.name
            division = self.by_code.get(division.parent_code or "")
        return names["city"], names["district"]
