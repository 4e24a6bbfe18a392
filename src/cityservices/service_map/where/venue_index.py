"""The in-memory venue index behind "nearest venue": columns of venue facts, hours, item → venues, KD-trees.

Venues are points on the unit sphere (``kit.geo.unit_vectors``) in a ``scipy.spatial.cKDTree``; chord
order there is great-circle order, so a k-nearest query gives venues by straight-line distance. An item
handled by few venues is searched by a vectorised scan of its venues; one handled by many gets its own
KD-tree, built on first use and kept. Built from the database by ``build_venue_index`` (one query per
table), or from arrays by ``VenueIndex(...)`` (benchmarks).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree
from sqlalchemy.orm import Session

from cityservices.errors import NotFound, RuleViolation
from cityservices.kit.calendar import WorkCalendar
from cityservices.kit.calendar.repository import load_calendar
from cityservices.kit.geo import FloatArray, chord_to_metres, unit_vectors
from cityservices.platform.indexes import RebuiltOnChange
from cityservices.service_map.install import CHANGED
from cityservices.service_map.where import repository as repo
from cityservices.service_map.where.hours import Interval, VenueHours, make_hours

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
SCAN_MAX = 4096  # subsets up to this size are scanned; larger ones get a KD-tree
ACCESSIBLE_FEATURE = "无障碍通道"


@dataclass(frozen=True)
class ItemRef:
    id: int
    code: str
    name: str
    levels: tuple[str, ...]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class BundleStep:
    """A step of a bundle's plan: ``kind`` is step | first | choice (one of ``group``) | if (``condition``)."""

    item_id: int
    kind: str = "step"
    group: str = ""
    condition: str = ""


@dataclass(frozen=True)
class BundleRef:
    code: str
    name: str
    item_ids: tuple[int, ...]
    steps: tuple[BundleStep, ...] = ()

    def plan(self) -> tuple[BundleStep, ...]:
        """The steps in order; every item a plain step when the plan was not given."""
        return self.steps or tuple(BundleStep(i) for i in self.item_ids)


@dataclass
class VenueColumns:
    """One entry per venue, in index order."""

    ids: list[str]
    names: list[str]
    levels: list[str]
    division_codes: list[str]
    addresses: list[str]
    lat: FloatArray
    lng: FloatArray
    statuses: list[str]
    has_parking: BoolArray
    accessible: BoolArray
    hours: list[VenueHours]
    demo_fields: list[list[str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)


class VenueIndex:
    """Venues, their hours and items, and KD-trees over their positions (WGS-84)."""

    def __init__(
        self,
        venues: VenueColumns,
        *,
        item_venues: Mapping[int, IntArray],
        items: Mapping[int, ItemRef],
        bundles: Mapping[str, BundleRef] | None = None,
        district_names: Mapping[str, str] | None = None,
        calendar: WorkCalendar | None = None,
    ) -> None:
        self.venues = venues
        self.item_venues = dict(item_venues)
        self.items = dict(items)
        self.bundles = dict(bundles or {})
        self.district_names = dict(district_names or {})
        self.calendar = calendar or WorkCalendar.builtin()
        self.position = {venue_id: i for i, venue_id in enumerate(venues.ids)}
        self.xyz = unit_vectors(venues.lat, venues.lng)
        self.tree = cKDTree(self.xyz)
        self._item_keys = _item_keys(self.items.values())
        self._subset_trees: dict[int, cKDTree] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.venues)

    def resolve_item(self, key: str) -> ItemRef:
        """An item by code, exact name or alias; NotFound or an ambiguity error naming the candidates."""
        ids = self._item_keys.get(key.strip(), ())
        if not ids:
            raise NotFound(f"未知的事项: {key}")
        if len(ids) > 1:
            names = "、".join(sorted(self.items[i].name for i in ids))
            raise RuleViolation(f"“{key}” 对应多个事项，请指明: {names}")
        return self.items[ids[0]]

    def resolve_bundle(self, key: str) -> BundleRef:
        bundle = self.bundles.get(key.strip()) or next(
            (b for b in self.bundles.values() if b.name == key.strip()), None
        )
        if bundle is None:
            raise NotFound(f"未知的一件事: {key}")
        return bundle

    def venues_of(self, item_id: int) -> IntArray:
        """Index positions of the venues that handle ``item_id`` (sorted)."""
        return self.item_venues.get(item_id, np.empty(0, dtype=np.int64))

    def nearest(
        self, origin_xyz: FloatArray, k: int, subset: IntArray | None = None, *, key: int | None = None
    ) -> tuple[IntArray, FloatArray]:
        """The ``k`` nearest venues (of ``subset`` if given) as (positions, metres), nearest first.

        ``key`` names a subset whose KD-tree may be cached (an item id)."""
        size = len(self) if subset is None else len(subset)
        k = min(k, size)
        if k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0)
        if subset is None:
            return self._query(self.tree, origin_xyz, k, None)
        if size <= SCAN_MAX:
            chord = np.linalg.norm(self.xyz[subset] - origin_xyz, axis=1)
            order = np.argsort(chord, kind="stable")[:k] if k < size else np.argsort(chord, kind="stable")
            return subset[order], chord_to_metres(chord[order])
        return self._query(self._subset_tree(subset, key), origin_xyz, k, subset)

    def _query(
        self, tree: cKDTree, origin_xyz: FloatArray, k: int, subset: IntArray | None
    ) -> tuple[IntArray, FloatArray]:
        chord, found = tree.query(origin_xyz, k=k)
        chord, found = np.atleast_1d(chord), np.atleast_1d(found).astype(np.int64)
        positions = found if subset is None else subset[found]
        return positions, chord_to_metres(chord)

    def _subset_tree(self, subset: IntArray, key: int | None) -> cKDTree:
        if key is None:
            return cKDTree(self.xyz[subset])
        with self._lock:
            tree = self._subset_trees.get(key)
            if tree is None:
                tree = self._subset_trees[key] = cKDTree(self.xyz[subset])
        return tree

    def prebuild_item_trees(self) -> int:
        """Build every item's KD-tree now (else on first use); returns how many were built."""
        built = 0
        for item_id, subset in self.item_venues.items():
            if len(subset) > SCAN_MAX:
                self._subset_tree(subset, item_id)
                built += 1
        return built


def _item_keys(items: Iterable[ItemRef]) -> dict[str, tuple[int, ...]]:
    """Lookup keys: code and name first; an alias only where no code or name is spelled the same."""
    keys: dict[str, set[int]] = defaultdict(set)
    aliases: dict[str, set[int]] = defaultdict(set)
    items = list(items)
    for item in items:
        keys[item.code].add(item.id)
        keys[item.name].add(item.id)
    result = {k: tuple(sorted(v)) for k, v in keys.items()}
    for item in items:
        for alias in item.aliases:
            aliases[alias].add(item.id)
    for alias, ids in aliases.items():
        result.setdefault(alias, tuple(sorted(ids)))
    return result


def build_venue_index(session: Session) -> VenueIndex:
    """Read venues, hours, venue–item entries, items, bundles and the calendar into a VenueIndex."""
    rows = repo.fetch_venue_rows(session)
    weekly: dict[str, list[list[Interval]]] = {r.id: [[] for _ in range(7)] for r in rows}
    for venue_id, weekday, opens, closes in repo.fetch_intervals(session):
        weekly[venue_id][weekday].append((opens, closes))
    exceptions: dict[str, dict[dt.date, Sequence[Sequence[str]]]] = defaultdict(dict)
    notes: dict[str, dict[dt.date, str]] = defaultdict(dict)
    for venue_id, on_date, intervals, note in repo.fetch_exceptions(session):
        exceptions[venue_id][on_date] = intervals
        notes[venue_id][on_date] = note
    columns = VenueColumns(
        ids=[r.id for r in rows],
        names=[r.name for r in rows],
        levels=[r.level for r in rows],
        division_codes=[r.division_code for r in rows],
        addresses=[r.address for r in rows],
        lat=np.array([r.lat for r in rows], dtype=np.float64),
        lng=np.array([r.lng for r in rows], dtype=np.float64),
        statuses=[r.status for r in rows],
        has_parking=np.array([int((r.parking or {}).get("spaces") or 0) > 0 for r in rows], dtype=np.bool_),
        accessible=np.array([ACCESSIBLE_FEATURE in (r.accessibility or []) for r in rows], dtype=np.bool_),
        hours=[make_hours(weekly[r.id], exceptions.get(r.id), notes=notes.get(r.id), status=r.status) for r in rows],
        demo_fields=[list(r.demo_fields or []) for r in rows],
    )
    position = {venue_id: i for i, venue_id in enumerate(columns.ids)}
    grouped: dict[int, list[int]] = defaultdict(list)
    for item_id, venue_id in repo.fetch_venue_items(session):
        grouped[item_id].append(position[venue_id])
    levels: dict[int, set[str]] = defaultdict(set)
    for item_id, level in repo.fetch_item_levels(session):
        levels[item_id].add(level)
    items = {
        r.id: ItemRef(r.id, r.code, r.name, _ordered_levels(levels[r.id]), tuple(r.aliases or ()))
        for r in repo.fetch_items(session)
    }
    bundle_items: dict[tuple[str, str], list[BundleStep]] = defaultdict(list)
    for code, name, item_id, kind, group, condition in repo.fetch_bundles(session):
        bundle_items[(code, name)].append(BundleStep(item_id, kind or "step", group or "", condition or ""))
    return VenueIndex(
        columns,
        item_venues={k: np.array(sorted(v), dtype=np.int64) for k, v in grouped.items()},
        items=items,
        bundles={
            code: BundleRef(code, name, tuple(s.item_id for s in steps), tuple(steps))
            for (code, name), steps in bundle_items.items()
        },
        district_names=dict(repo.fetch_district_names(session)),
        calendar=load_calendar(session),
    )


def _ordered_levels(levels: set[str]) -> tuple[str, ...]:
    order = ("city", "district", "street")
    return tuple(sorted(levels, key=lambda lv: order.index(lv) if lv in order else len(order)))


class VenueIndexCache(RebuiltOnChange[VenueIndex]):
    """One process's venue index: rebuilt after a ``service_map.changed`` event (``kit.events``), and in any
    case when older than ``ttl_s`` seconds (changes made by processes that do not relay events)."""

    def __init__(self, ttl_s: float = 60.0) -> None:
        super().__init__(build_venue_index, name="venues", topics=(CHANGED,), ttl_s=ttl_s)
