"""Rules of one-thing bundles (一件事) used by the pages: the materials several of its items ask for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cityservices.service_map.models import Guide


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


def _key(name: str) -> str:
    return name.replace("《", "").replace("》", "").replace(" ", "")
