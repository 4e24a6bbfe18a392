"""Our item types and item categories as two declared HSDS taxonomies: ids, taxonomy and term objects, and the
``attributes`` that link a service to its terms. Shared by the file export and the HSDS API.

Taxonomy ids are ``hsds_id("taxonomy", key)``, term ids ``hsds_id("taxonomy_term", "<key>:<value>")``; a term's
``code`` and ``name`` are the value itself (``行政许可``, ``人社``). See docs/data-format.md, "HSDS 3.x profile".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, get_args

from cityservices.service_map.catalogue.models import ItemType
from cityservices.service_map.hsds.mapping import PROFILE_URI, child_id, hsds_id
from cityservices.service_map.interchange.records import ItemRecord

ITEM_TYPES: tuple[str, ...] = get_args(ItemType)
TERM_LANGUAGE = "zh"


@dataclass(frozen=True)
class Taxonomy:
    key: str  # also the ItemRecord field whose value is the term
    name: str
    description: str

    @property
    def id(self) -> str:
        return hsds_id("taxonomy", self.key)

    @property
    def uri(self) -> str:
        return f"{PROFILE_URI}#taxonomy-{self.key}"


TAXONOMIES = (
    Taxonomy("item_type", "政务服务事项类型", "政务服务事项的法定类型（行政许可……公共服务），即事项的 item_type"),
    Taxonomy("category", "事项业务类别", "政务服务事项所属的业务类别（如 人社、公安），即事项的 category"),
)
TAXONOMY_BY_KEY = {taxonomy.key: taxonomy for taxonomy in TAXONOMIES}


def term_key(key: str, value: str) -> str:
    """The key of a term in its id: ``hsds_id("taxonomy_term", term_key(…))``."""
    return f"{key}:{value}"


def term_id(key: str, value: str) -> str:
    return hsds_id("taxonomy_term", term_key(key, value))


def taxonomy_object(taxonomy: Taxonomy) -> dict[str, Any]:
    return {"id": taxonomy.id, "name": taxonomy.name, "description": taxonomy.description, "uri": taxonomy.uri}


def term_object(key: str, value: str, *, detail: bool = False) -> dict[str, Any]:
    """The term ``value`` of taxonomy ``key``; ``detail`` nests the taxonomy object (``taxonomy_detail``)."""
    term = dict(_term(key, value))
    if detail:
        term["taxonomy_detail"] = taxonomy_object(TAXONOMY_BY_KEY[key])
    return term


@lru_cache(maxsize=4096)
def _term(key: str, value: str) -> dict[str, Any]:
    """HSDS requires a description and we have no text for a term beyond its name: the description says which
    taxonomy the term is in. (Remembered: a term is in every service's attributes; callers get a copy.)"""
    taxonomy = TAXONOMY_BY_KEY[key]
    return {
        "id": term_id(key, value),
        "code": value,
        "name": value,
        "description": f"{taxonomy.name}：{value}",
        "taxonomy": taxonomy.uri,
        "taxonomy_id": taxonomy.id,
        "language": TERM_LANGUAGE,
    }


def all_terms(categories: list[str]) -> list[tuple[str, str]]:
    """Every term as (taxonomy key, value): all item types, then the item categories in use (sorted)."""
    return [("item_type", t) for t in ITEM_TYPES] + [("category", c) for c in sorted(set(categories))]


def service_attributes(service_id: str, item: ItemRecord) -> list[dict[str, Any]]:
    """One attribute per taxonomy, linking the service to its item type and its category."""
    attributes = []
    for index, taxonomy in enumerate(TAXONOMIES):
        value = getattr(item, taxonomy.key)
        attributes.append({
            "id": child_id(service_id, "attribute", index), "link_id": service_id, "link_entity": "service",
            "taxonomy_term_id": term_id(taxonomy.key, value), "taxonomy_term": term_object(taxonomy.key, value),
        })  # fmt: skip
    return attributes
