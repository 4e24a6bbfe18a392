"""The dataset as an HSDS CSV data package: ``datapackage.json`` and one CSV per HSDS table.

The tables and columns are those of the JSON export (``export_document``), flattened: each child (phone,
schedule, address, …) is a row of its own table with its parent's id, as in the specification's
``examples/csv``. ``x_cityservices`` members are JSON text in an ``x_cityservices`` column (type ``object``),
and the document-level member is in ``datapackage.json``, which names our profile in ``hsds_profile``. Reading
the directory back with ``--format hsds-csv`` (``sources``) gives the same records.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from cityservices.service_map.hsds.export import export_document
from cityservices.service_map.hsds.mapping import EXT, HSDS_VERSION, PROFILE_URI
from cityservices.service_map.hsds.sources import PACKAGE, PACKAGE_PROFILE
from cityservices.service_map.interchange.dataset import Dataset

# table → (file, resource name); main tables first, then children in the order the specification lists them.
TABLES = {
    "organizations": ("organizations.csv", "organization"),
    "services": ("services.csv", "service"),
    "locations": ("locations.csv", "location"),
    "service_at_locations": ("service_at_location.csv", "service_at_location"),
    "phones": ("phones.csv", "phone"),
    "addresses": ("addresses.csv", "address"),
    "schedules": ("schedules.csv", "schedule"),
    "required_documents": ("required_documents.csv", "required_document"),
    "accessibility": ("accessibility.csv", "accessibility"),
    "cost_options": ("cost_options.csv", "cost_option"),
    "attributes": ("attributes.csv", "attribute"),
    "taxonomy_terms": ("taxonomy_terms.csv", "taxonomy_term"),
}
CHILD_TABLES = ("phones", "addresses", "schedules", "required_documents", "accessibility", "cost_options", "attributes")


def write_hsds_package(dataset: Dataset, path: Path) -> None:
    """Write the data package into the directory ``path`` (created; its package files are overwritten)."""
    document = export_document(dataset)
    rows = _rows(document)
    path.mkdir(parents=True, exist_ok=True)
    resources = []
    for table, (file_name, name) in TABLES.items():
        columns = _columns(rows[table])
        with (path / file_name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([_cell(row.get(column)) for column in columns] for row in rows[table])
        fields = [{"name": c, "type": _type([row.get(c) for row in rows[table]])} for c in columns]
        resources.append({"name": name, "path": file_name, "profile": "tabular-data-resource",
                          "format": "csv", "encoding": "utf-8", "schema": {"fields": fields}})  # fmt: skip
    descriptor = {
        "profile": "tabular-data-package",
        "name": "cityservices-hsds",
        "title": "cityservices service map, Open Referral HSDS 3.1 CSV data package",
        PACKAGE_PROFILE: PROFILE_URI,
        "hsds_version": HSDS_VERSION,
        EXT: document[EXT],
        "resources": resources,
    }
    text = json.dumps(descriptor, ensure_ascii=False, indent=1)
    (path / PACKAGE).write_text(text + "\n", encoding="utf-8")


def _rows(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every object of the document as a row of its table; children leave their parents for their own table."""
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
    terms: dict[str, dict[str, Any]] = {}
    for table in ("organizations", "services", "locations", "service_at_locations"):
        for obj in document[table]:
            row = dict(obj)
            for child in CHILD_TABLES:
                for value in row.pop(child, []):
                    child_row = dict(value)
                    term = child_row.pop("taxonomy_term", None)
                    if isinstance(term, dict):
                        terms.setdefault(str(term.get("id")), term)
                    rows[child].append(child_row)
            rows[table].append(row)
    rows["taxonomy_terms"] = list(terms.values())
    return rows


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    columns: dict[str, None] = {"id": None}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return str(value)


def _type(values: list[Any]) -> str:
    """The Table Schema type of a column: the narrowest that every non-empty value has."""
    kinds = {_kind(v) for v in values if v is not None and v != ""}
    if kinds == {"integer", "number"}:
        return "number"
    return kinds.pop() if len(kinds) == 1 else "string"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "object"
    return "array" if isinstance(value, list) else "string"
