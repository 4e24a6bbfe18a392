"""What the search index is built from: plain records read from the database in four queries.

Keeping the index independent of the ORM lets benchmarks build it from synthetic records (the
1,000,000-item scale run) and keeps every query-time lookup in memory.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cityservices.service_map.catalogue import repository as catalogue_repo
from cityservices.service_map.catalogue.models import BundleItem, Guide
from cityservices.service_map.search import repository as repo


@dataclass(frozen=True)
class GuideSummary:
    """The guide facts shown next to a search result."""

    materials: tuple[str, ...] = ()
    promised_time_limit_days: int | None = None
    time_limit_kind: str | None = None
    visits_to_site: int | None = None
    online_url: str | None = None
    online_name: str | None = None
    fee_free: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "materials_count": len(self.materials),
            "materials": list(self.materials),
            "promised_time_limit_days": self.promised_time_limit_days,
            "time_limit_kind": self.time_limit_kind,
            "visits_to_site": self.visits_to_site,
            "online": {"name": self.online_name, "url": self.online_url} if self.online_url else None,
            "fee_free": self.fee_free,
        }


@dataclass(frozen=True)
class ItemRecord:
    code: str
    name: str
    category: str = ""
    department: str = ""
    applicant_type: str = "个人"
    aliases: tuple[str, ...] = ()
    is_core: bool = False
    guide: GuideSummary | None = None
    fields: tuple[tuple[str, str], ...] = ()  # guide texts searched as weighted fields (search/fields.py)


@dataclass(frozen=True)
class BundleRecord:
    code: str
    name: str
    life_event: str
    item_codes: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DivisionRecord:
    code: str
    name: str
    level: str


@dataclass
class Catalogue:
    """Everything the index needs, as plain values."""

    items: list[ItemRecord] = field(default_factory=list)
    bundles: list[BundleRecord] = field(default_factory=list)
    divisions: list[DivisionRecord] = field(default_factory=list)


def guide_summary(guide: Guide) -> GuideSummary:
    online = next((c for c in guide.channels if isinstance(c, dict) and c.get("kind") == "online"), None)
    return GuideSummary(
        materials=tuple(str(m.get("name", "")) for m in guide.materials if isinstance(m, dict)),
        promised_time_limit_days=guide.promised_time_limit_days,
        time_limit_kind=guide.time_limit_kind,
        visits_to_site=guide.visits_to_site,
        online_url=online.get("url") if online else None,
        online_name=online.get("name") if online else None,
        fee_free=not guide.fees,
    )


def guide_fields(
    conditions: str, materials: list[Any], result: str, situations: list[Any] | None = None
) -> tuple[tuple[str, str], ...]:
    """The guide texts the search indexes as fields: conditions, material names, the certificate issued and
    the plain-language situations in which the item is needed (适用情形)."""
    names = " ".join(str(m.get("name", "")) for m in materials if isinstance(m, dict))
    plain = " ".join(str(s) for s in situations or () if isinstance(s, str))
    return (("conditions", conditions or ""), ("materials", names), ("result", result or ""), ("situations", plain))


def read_item_record(session: Session, code: str) -> ItemRecord | None:
    """One item as ``read_catalogue`` reads it (with department name and current guide), or None when absent:
    what a patch of the index for a single edited item or guide needs."""
    item = repo.get_item_by_code(session, code)
    if item is None:
        return None
    department = catalogue_repo.department_names(session, [item.department_code]).get(item.department_code, "")
    guide = catalogue_repo.current_guides(session, [item.id]).get(item.id)
    return ItemRecord(
        code=item.code,
        name=item.name,
        category=item.category,
        department=department,
        applicant_type=item.applicant_type,
        aliases=tuple(str(a) for a in item.aliases),
        is_core=item.is_core,
        guide=guide_summary(guide) if guide is not None else None,
        fields=guide_fields(guide.acceptance_conditions, guide.materials, guide.result_certificate, guide.situations)
        if guide
        else (),
    )


def read_catalogue(session: Session) -> Catalogue:
    """Items (with department name and current guide), bundles with ordered items, divisions."""
    departments = catalogue_repo.department_names(session)
    current = catalogue_repo.current_guides(session, None)
    guides = {item_id: guide_summary(g) for item_id, g in current.items()}
    texts = {
        item_id: guide_fields(g.acceptance_conditions, g.materials, g.result_certificate, g.situations)
        for item_id, g in current.items()
    }
    items: list[ItemRecord] = []
    codes: dict[int, str] = {}
    for item in repo.list_items(session):
        codes[item.id] = item.code
        items.append(
            ItemRecord(
                code=item.code,
                name=item.name,
                category=item.category,
                department=departments.get(item.department_code, ""),
                applicant_type=item.applicant_type,
                aliases=tuple(str(a) for a in item.aliases),
                is_core=item.is_core,
                guide=guides.get(item.id),
                fields=texts.get(item.id, ()),
            )
        )
    members: dict[int, list[BundleItem]] = {}
    for row in repo.list_bundle_members(session):
        members.setdefault(row.bundle_id, []).append(row)
    bundles = [
        BundleRecord(
            code=b.code,
            name=b.name,
            life_event=b.life_event,
            item_codes=tuple(codes[m.item_id] for m in members.get(b.id, []) if m.item_id in codes),
            notes=tuple(m.note for m in members.get(b.id, []) if m.item_id in codes),
        )
        for b in repo.list_bundles(session)
    ]
    divisions = [DivisionRecord(code=d.code, name=d.name, level=d.level) for d in repo.list_divisions(session)]
    return Catalogue(items=items, bundles=bundles, divisions=divisions)


def _guide_from_json(row: dict[str, Any]) -> GuideSummary:
    online = next((c for c in row.get("channels") or [] if c.get("kind") == "online"), None)
    return GuideSummary(
        materials=tuple(str(m.get("name", "")) for m in row.get("materials") or []),
        promised_time_limit_days=row.get("promised_time_limit_days"),
        time_limit_kind=row.get("time_limit_kind"),
        visits_to_site=row.get("visits_to_site"),
        online_url=online.get("url") if online else None,
        online_name=online.get("name") if online else None,
        fee_free=not row.get("fees"),
    )


def read_dataset_catalogue(directory: Path) -> Catalogue:
    """The same catalogue read straight from a dataset directory (docs/data-format.md), without a database.

    Benchmarks and tests use it to build the demo index in about a second.
    """
    with (directory / "departments.csv").open(encoding="utf-8") as handle:
        departments = {row["code"]: row["name"] for row in csv.DictReader(handle)}
    guides: dict[str, GuideSummary] = {}
    texts: dict[str, tuple[tuple[str, str], ...]] = {}
    for line in (directory / "guides.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("is_current", True):
            guides[row["item_code"]] = _guide_from_json(row)
            conditions, result = row.get("acceptance_conditions", ""), row.get("result_certificate", "")
            texts[row["item_code"]] = guide_fields(
                conditions, row.get("materials") or [], result, row.get("situations") or []
            )
    with (directory / "items.csv").open(encoding="utf-8") as handle:
        items = [
            ItemRecord(
                code=row["code"],
                name=row["name"],
                category=row["category"],
                department=departments.get(row["department_code"], ""),
                applicant_type=row["applicant_type"],
                aliases=tuple(a for a in row["aliases"].split(";") if a),
                is_core=row["is_core"] == "true",
                guide=guides.get(row["code"]),
                fields=texts.get(row["code"], ()),
            )
            for row in csv.DictReader(handle)
        ]
    bundles = []
    for line in (directory / "bundles.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        members = sorted(row["items"], key=lambda m: m["position"])
        codes = tuple(m["item_code"] for m in members)
        notes = tuple(m.get("note", "") for m in members)
        bundles.append(BundleRecord(row["code"], row["name"], row.get("life_event", ""), codes, notes))
    with (directory / "divisions.csv").open(encoding="utf-8") as handle:
        divisions = [DivisionRecord(r["code"], r["name"], r["level"]) for r in csv.DictReader(handle)]
    return Catalogue(items=items, bundles=bundles, divisions=divisions)
