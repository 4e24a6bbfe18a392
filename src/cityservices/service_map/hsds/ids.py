"""Which of our records an HSDS id names: one reverse index per process.

Our HSDS ids are UUID v5 of our keys (``hsds.hsds_id``), which cannot be reversed: the HSDS API finds the record
an id names here. The index holds every department, item, venue, venue item and taxonomy term (the 30,000
venue items are most of it; ids are kept as 16 bytes). It is rebuilt after a ``service_map.changed`` event
(``kit.events``) and in any case when older than ``ttl_s`` seconds, like the venue index.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from cityservices.platform.indexes import RebuiltOnChange
from cityservices.service_map.hsds import repository as repo
from cityservices.service_map.hsds.mapping import hsds_uuid, venue_item_key
from cityservices.service_map.hsds.taxonomy import TAXONOMIES, all_terms, term_key
from cityservices.service_map.install import CHANGED

MAX_LOCATIONS = 5_000


def id_key(hsds_id_text: str) -> bytes | None:
    """The index key of an id as a client sent it (any UUID spelling); None if it is not a UUID at all."""
    try:
        return uuid.UUID(hsds_id_text).bytes
    except ValueError:
        return None


@lru_cache(maxsize=262_144)
def _key(kind: str, key: str) -> bytes:
    """The 16 bytes of ``hsds_id(kind, key)``, remembered: a rebuild after a change recomputes only new ids."""
    return hsds_uuid(kind, key).bytes


@dataclass(frozen=True)
class HsdsIds:
    """HSDS id (16 bytes) → our key, for every kind of record the HSDS API serves."""

    departments: dict[bytes, str] = field(default_factory=dict)  # → department code
    items: dict[bytes, int] = field(default_factory=dict)  # → item id
    venues: dict[bytes, str] = field(default_factory=dict)  # → venue id
    venue_items: dict[bytes, tuple[str, int]] = field(default_factory=dict)  # → (venue id, item id)
    terms: dict[bytes, tuple[str, str]] = field(default_factory=dict)  # → (taxonomy key, value)
    taxonomies: dict[bytes, str] = field(default_factory=dict)  # → taxonomy key
    categories: tuple[str, ...] = ()  # the item categories in use, sorted
    # Built location objects by venue id, for this index's lifetime (at most MAX_LOCATIONS, then started anew).
    locations: dict[str, dict[str, Any]] = field(default_factory=dict)

    def find(self, kind: str, hsds_id_text: str) -> Any:
        """Our key for ``hsds_id_text`` in the index ``kind`` (``"items"``, ``"venues"``, …), or None."""
        key = id_key(hsds_id_text)
        index: dict[bytes, Any] = getattr(self, kind)
        return None if key is None else index.get(key)


def build_hsds_ids(session: Session) -> HsdsIds:
    codes = repo.item_codes_by_id(session)
    categories = repo.item_categories(session)
    pairs = repo.venue_item_pairs(session)
    return HsdsIds(
        departments={_key("department", c): c for c in repo.department_codes(session)},
        items={_key("item", code): item_id for item_id, code in codes.items()},
        venues={_key("venue", v): v for v in repo.venue_ids(session)},
        venue_items={_key("venue_item", venue_item_key(v, codes[i])): (v, i) for v, i in pairs},
        terms={_key("taxonomy_term", term_key(k, v)): (k, v) for k, v in all_terms(categories)},
        taxonomies={_key("taxonomy", t.key): t.key for t in TAXONOMIES},
        categories=tuple(categories),
    )


class HsdsIdsCache(RebuiltOnChange[HsdsIds]):
    """One process's id index: rebuilt after a ``service_map.changed`` event and when older than ``ttl_s``."""

    def __init__(self, ttl_s: float = 60.0) -> None:
        super().__init__(build_hsds_ids, name="hsds_ids", topics=(CHANGED,), ttl_s=ttl_s)
