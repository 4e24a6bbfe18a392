"""Read Open Referral HSDS 3.x into a Dataset, in any published form (``forms``, ``sources``).

A document in our profile (``profile`` = ``hsds.PROFILE_URI``) is read back exactly: standard fields plus the
``x_cityservices`` members. Any other HSDS 3.x document is read as plain HSDS (``hsds_plain``). Issues name
the object by a JSON Pointer after the file name (``data.json#/locations/3``) and the field by its path
inside that object (``schedules[2].opens_at``, ``x_cityservices.level``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cityservices.service_map.catalogue.models import CODE_PATTERN
from cityservices.service_map.hsds.forms import Survey
from cityservices.service_map.hsds.mapping import (
    EXT,
    EXT_VERSION,
    EXTERNAL_ID_TYPE,
    FEE_KEYS,
    MATERIAL_KEYS,
    PROFILE_URI,
    from_hsds_object,
    generated_code,
    venue_item_key,
)
from cityservices.service_map.hsds.objects import HsdsReader, foreign_fields, with_foreign_fields
from cityservices.service_map.hsds.sources import open_source
from cityservices.service_map.interchange.dataset import Dataset, ImportIssue

# Where a venue field is in an HSDS location (fields not listed are under x_cityservices).
LOCATION_PATHS = {
    "id": "external_identifier", "name": "name", "description": "description", "transport": "transportation",
    "lat": "latitude", "lng": "longitude", "address": "addresses[0].address_1",
    "postcode": "addresses[0].postal_code", "phones": "phones", "hours": "schedules",
    "hours_exceptions": "schedules", "accessibility": "accessibility",
}  # fmt: skip
CODE = re.compile(CODE_PATTERN)
OURS = (None, "", EXTERNAL_ID_TYPE)  # an external identifier of another type (UPRN, what3words…) is not our id
EXTENSION_KINDS = ("divisions", "boundaries", "bundles", "pois", "implementations", "guides")


def read_hsds(path: Path, *, default_division: str | None = None) -> tuple[Dataset, list[ImportIssue]]:
    """Read and validate HSDS in any published form (``forms``); return the records and every issue found."""
    dataset, issues, _ = survey_hsds(path, default_division=default_division)
    return dataset, issues


def survey_hsds(path: Path, *, default_division: str | None = None) -> tuple[Dataset, list[ImportIssue], Survey]:
    """``read_hsds`` and the survey of what each table held, read and ignored."""
    reader = HsdsReader(path.name)
    document, survey = open_source(path, reader.load, reader.problem, default_division=default_division)
    if document is not None:
        if document.get("profile") == PROFILE_URI:
            _read_profile(reader, document)
        else:
            _read_plain(reader, document)
        if not reader.builder.issues and not any(reader.builder.dataset.counts().values()):
            reader.problem("", "", "文件中没有可导入的数据")
    return reader.builder.dataset, reader.builder.issues, survey


# --- our profile ---------------------------------------------------------------------------------


def _read_profile(reader: HsdsReader, document: dict[str, Any]) -> None:
    extension = reader.extension(document, "")
    if extension.get("version") != EXT_VERSION:
        reader.problem("", f"{EXT}.version", f"不支持的扩展版本 {extension.get('version')!r}，应为 {EXT_VERSION}")
        return
    for kind in EXTENSION_KINDS:
        for pointer, raw in reader.objects(extension, kind, f"/{EXT}"):
            reader.add(kind, raw, pointer, {}, "")
    departments = {}
    for pointer, org in reader.objects(document, "organizations"):
        org_extension = reader.extension(org, pointer)
        reader.keep("department", org_extension.get("code"), org_extension, pointer)
        raw = {**org_extension, "name": org.get("name")}
        departments[org.get("id")] = raw.get("code")
        reader.add("departments", raw, pointer, {"name": "name"}, f"{EXT}.")
    items = {}
    for pointer, service in reader.objects(document, "services"):
        items[service.get("id")] = _profile_service(reader, service, pointer, departments)
    venues = {}
    for pointer, location in reader.objects(document, "locations"):
        venues[location.get("id")] = _profile_location(reader, location, pointer)
    for pointer, link in reader.objects(document, "service_at_locations"):
        _profile_service_at_location(reader, link, pointer, items, venues)


def _profile_service(reader: HsdsReader, service: dict[str, Any], pointer: str, departments: dict[Any, Any]) -> Any:
    extension = reader.extension(service, pointer)
    implementations = extension.pop("implementations", [])
    guides = extension.pop("guides", [])
    code = extension.get("code")
    reader.keep("item", code, extension, pointer)
    department = departments.get(service.get("organization_id"))
    if department is None:
        reader.problem(
            pointer, "organization_id", f"引用的组织 {service.get('organization_id')!r} 不在 organizations 中"
        )
    else:
        raw = {**extension, "name": service.get("name"), "department_code": department}
        reader.add("items", raw, pointer, {"name": "name", "department_code": "organization_id"}, f"{EXT}.")
    for index, impl in enumerate(implementations if isinstance(implementations, list) else []):
        raw = {**impl, "item_code": code} if isinstance(impl, dict) else {"item_code": code}
        reader.add("implementations", raw, pointer, {}, f"{EXT}.implementations[{index}].")
    projected = False
    for index, guide in enumerate(guides if isinstance(guides, list) else []):
        raw = {**guide, "item_code": code} if isinstance(guide, dict) else {"item_code": code}
        paths: dict[str, str] = {}
        if "materials" not in raw and not projected:  # the current guide: materials and fees are standard HSDS
            raw["materials"] = reader.mapped(service, "required_documents", pointer, MATERIAL_KEYS)
            raw["fees"] = reader.mapped(service, "cost_options", pointer, FEE_KEYS)
            paths, projected = {"materials": "required_documents", "fees": "cost_options"}, True
        reader.add("guides", raw, pointer, paths, f"{EXT}.guides[{index}].")
    return code


def _profile_location(reader: HsdsReader, location: dict[str, Any], pointer: str) -> tuple[Any, Any]:
    extension = reader.extension(location, pointer)
    reader.keep("venue", location.get("external_identifier"), extension, pointer)
    coordinates = reader.coordinates(location, pointer)
    parts, address = reader.location_parts(location, pointer)
    raw = {
        **extension, **parts,
        "id": location.get("external_identifier"), "name": location.get("name"),
        "description": location.get("description", ""), "transport": location.get("transportation", ""),
        "address": address.get("address_1", ""), "postcode": address.get("postal_code") or None,
    }  # fmt: skip
    if coordinates is not None:
        raw["lat"], raw["lng"] = coordinates
        reader.add("venues", raw, pointer, LOCATION_PATHS, f"{EXT}.")
    return raw["id"], extension.get("level")


def _profile_service_at_location(
    reader: HsdsReader, link: dict[str, Any], pointer: str, items: dict[Any, Any], venues: dict[Any, Any]
) -> None:
    extension = reader.extension(link, pointer)
    item_code = extension.pop("item_code", None) or items.get(link.get("service_id"))
    venue_id = extension.pop("venue_id", None) or venues.get(link.get("location_id"), (None, None))[0]
    _check_link(
        reader,
        link,
        pointer,
        item_code is None and link.get("service_id") not in items,
        venue_id is None and link.get("location_id") not in venues,
    )
    if item_code is not None and venue_id is not None:
        reader.keep("venue_item", venue_item_key(venue_id, item_code), extension, pointer)
        raw = {**extension, "venue_id": venue_id, "item_code": item_code}
        reader.add("venue_items", raw, pointer, {"venue_id": "location_id", "item_code": "service_id"}, f"{EXT}.")


def _check_link(reader: HsdsReader, link: dict[str, Any], pointer: str, no_service: bool, no_location: bool) -> None:
    """Report a service_at_location naming an object that is not in the document (not one that failed)."""
    if no_service:
        reader.problem(pointer, "service_id", f"引用的服务 {link.get('service_id')!r} 不在 services 中")
    if no_location:
        reader.problem(pointer, "location_id", f"引用的地点 {link.get('location_id')!r} 不在 locations 中")


# --- plain HSDS ----------------------------------------------------------------------------------

LEVELS_BY_CODE_LENGTH = {4: "city", 6: "district", 9: "street"}
PLAIN_ITEM_DEFAULTS = {"item_type": "公共服务", "applicant_type": "个人;企业", "category": "未分类"}
PLAIN_LOCATION_PATHS = {
    **LOCATION_PATHS, "level": f"{EXT}.division_code", "division_code": f"{EXT}.division_code",
    "source_lat": "latitude", "source_lng": "longitude",
}  # fmt: skip
# The plain HSDS fields read fully into our model; every other field is kept (``HsdsReader.keep``).
ORGANIZATION_READ = frozenset({"id", "name"})
SERVICE_READ = frozenset({
    "id", "name", "organization_id", "alternate_name", "eligibility_description", "application_process",
    "required_documents", "cost_options", "url",
})  # fmt: skip
LOCATION_READ = frozenset({"id", "name", "description", "transportation", "latitude", "longitude", "url", "phones"})
LINK_READ = frozenset({"id", "service_id", "location_id"})
NO_DIVISION = (
    f'HSDS 没有行政区划: 请在该对象上给出 "{EXT}": {{"division_code": "…"}}，'
    f'或在文档顶层给出 "{EXT}": {{"default_division_code": "…"}}'
)


def _read_plain(reader: HsdsReader, document: dict[str, Any]) -> None:
    """Plain HSDS: generated codes, defaults listed in ``demo_fields``; divisions must be given (NO_DIVISION)."""
    reader.keep_foreign = True
    default_division = reader.extension(document, "").get("default_division_code")
    departments: dict[Any, str] = {}
    for pointer, org in reader.objects(document, "organizations"):
        code = _plain_code(reader, org, pointer, "ORG")
        division = _division(reader, org, pointer, default_division)
        if code is not None:
            departments[org["id"]] = code
        if code is not None and division is not None:
            raw = {"code": code, "name": org.get("name"), "category": PLAIN_ITEM_DEFAULTS["category"],
                   "division_code": division, "demo_fields": ["category"]}  # fmt: skip
            reader.add("departments", raw, pointer, {"name": "name", "division_code": f"{EXT}.division_code"}, "")
            reader.keep("department", code, {}, pointer, foreign_fields(org, ORGANIZATION_READ))
    items = {s.get("id"): _plain_service(reader, s, p, departments) for p, s in reader.objects(document, "services")}
    venues = {
        loc.get("id"): _plain_location(reader, loc, p, default_division)
        for p, loc in reader.objects(document, "locations")
    }  # an entry is None when the object failed: its own issues explain it
    _plain_services_at_locations(reader, document, items, venues)


def _plain_code(reader: HsdsReader, obj: dict[str, Any], pointer: str, prefix: str) -> str | None:
    if isinstance(obj.get("id"), str) and obj["id"]:
        return generated_code(prefix, obj["id"])
    reader.problem(pointer, "id", "缺少 id")
    return None


def _division(reader: HsdsReader, obj: dict[str, Any], pointer: str, default: Any) -> Any:
    division = reader.extension(obj, pointer).get("division_code") or default
    if division is None:
        reader.problem(pointer, f"{EXT}.division_code", NO_DIVISION)
    return division


def _plain_service(
    reader: HsdsReader, service: dict[str, Any], pointer: str, departments: dict[Any, str]
) -> tuple[str, str] | None:
    code = _plain_code(reader, service, pointer, "SVC")
    department = departments.get(service.get("organization_id"))
    if department is None:
        reader.problem(
            pointer, "organization_id", f"引用的组织 {service.get('organization_id')!r} 不在 organizations 中"
        )
    if code is None or department is None:
        return None
    alias = service.get("alternate_name")
    raw = {"code": code, "name": service.get("name"), **PLAIN_ITEM_DEFAULTS, "department_code": department,
           "aliases": [alias] if alias else [], "source": "HSDS", "demo_fields": list(PLAIN_ITEM_DEFAULTS)}  # fmt: skip
    reader.add("items", raw, pointer, {"name": "name", "aliases": "alternate_name"}, "")
    reader.keep("item", code, {}, pointer, foreign_fields(service, SERVICE_READ))
    guide, paths = _plain_guide(reader, service, pointer)
    if guide:
        reader.add("guides", {"item_code": code, "version": 1, "is_current": True, "source": "HSDS", **guide}, pointer,
                   paths, "")  # fmt: skip
    return code, department


GUIDE_PATHS = {
    "materials": "required_documents", "fees": "cost_options", "steps": "application_process",
    "acceptance_conditions": "eligibility_description", "channels": "url", "consult_phone": "phones",
}  # fmt: skip


def _plain_guide(reader: HsdsReader, service: dict[str, Any], pointer: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The guide fields of a service (empty when it has none): documents, fees, eligibility, process, url, phone."""
    fees = [_plain_fee(o) for _, o in reader.objects(service, "cost_options", pointer)]
    if not fees and isinstance(service.get("fees_description"), str) and service["fees_description"]:
        fees, paths = [{"name": "收费说明", "amount": service["fees_description"]}], {"fees": "fees_description"}
    else:
        paths = {}
    process, url = service.get("application_process"), service.get("url")
    phones = [p.get("number") for _, p in reader.objects(service, "phones", pointer)]
    guide = {
        "materials": reader.mapped(service, "required_documents", pointer, MATERIAL_KEYS), "fees": fees,
        "acceptance_conditions": service.get("eligibility_description") or "",
        "steps": [{"name": "办理流程", "description": process}] if process else [],
        "channels": [{"kind": "online", "name": "网上办理", "url": url}] if url else [],
        "consult_phone": next((p for p in phones if isinstance(p, str) and p), None),
    }  # fmt: skip
    return {k: v for k, v in guide.items() if v}, {**GUIDE_PATHS, **paths}


def _plain_fee(option: dict[str, Any]) -> dict[str, Any]:
    fee = {"name": "费用", **from_hsds_object(option, FEE_KEYS)}
    amount = option.get("amount")
    if "amount" not in fee and isinstance(amount, int | float):
        fee["amount"] = f"{amount:g} {option.get('currency') or ''}".strip()
    elif isinstance(amount, int | float):  # the text is the amount_description: the figure is kept beside it
        fee["amount_value"] = amount
    return with_foreign_fields(fee, {k: v for k, v in option.items() if k != "amount"}, FEE_KEYS)


def _plain_location(
    reader: HsdsReader, location: dict[str, Any], pointer: str, default_division: Any
) -> tuple[str, str] | None:
    external = location.get("external_identifier")
    code = (
        external
        if isinstance(external, str) and CODE.match(external) and location.get("external_identifier_type") in OURS
        else _plain_code(reader, location, pointer, "LOC")
    )
    division = _division(reader, location, pointer, default_division)
    level = LEVELS_BY_CODE_LENGTH.get(len(division)) if isinstance(division, str) else None
    if division is not None and level is None:
        reader.problem(
            pointer, f"{EXT}.division_code", f"{division!r} 不是市 (4 位)、区县 (6 位) 或街道乡镇 (9 位) 区划代码"
        )
    coordinates = reader.coordinates(location, pointer)
    parts, address = reader.location_parts(location, pointer)
    if code is None or level is None:
        return None
    postcode = address.get("postal_code")
    raw = {
        **parts, "id": code, "name": location.get("name"), "level": level, "division_code": division,
        "address": " ".join(str(address[k]) for k in ("address_1", "address_2") if address.get(k)),
        "postcode": postcode if isinstance(postcode, str) and re.fullmatch(r"\d{6}", postcode) else None,
        "transport": location.get("transportation") or "", "description": location.get("description") or "",
        "website": location.get("url") or None,
    }  # fmt: skip
    if coordinates is not None:
        lat, lng = coordinates
        raw.update(lat=lat, lng=lng, source_crs="wgs84", source_lat=lat, source_lng=lng)
        reader.add("venues", raw, pointer, PLAIN_LOCATION_PATHS, "")
        read = LOCATION_READ | ({"external_identifier"} if code == external else set())
        reader.keep("venue", code, {}, pointer, foreign_fields(location, read))
    return code, level


def _plain_services_at_locations(
    reader: HsdsReader,
    document: dict[str, Any],
    items: dict[Any, tuple[str, str] | None],
    venues: dict[Any, tuple[str, str] | None],
) -> None:
    """Each link becomes a venue item, and the item gets an implementation at the venue's level."""
    implemented: set[tuple[str, str]] = set()
    for pointer, link in reader.objects(document, "service_at_locations"):
        service_id, location_id = link.get("service_id"), link.get("location_id")
        item, venue = items.get(service_id), venues.get(location_id)
        _check_link(reader, link, pointer, service_id not in items, location_id not in venues)
        if item is None or venue is None:
            continue
        (code, department), (venue_id, level) = item, venue
        if (code, level) not in implemented:
            implemented.add((code, level))
            impl = {"item_code": code, "level": level, "department_code": department}
            reader.add("implementations", impl, pointer, {}, "")
        row = {"venue_id": venue_id, "item_code": code, "level": level}
        reader.add("venue_items", row, pointer, {"venue_id": "location_id", "item_code": "service_id"}, "")
        reader.keep("venue_item", venue_item_key(venue_id, code), {}, pointer, foreign_fields(link, LINK_READ))
