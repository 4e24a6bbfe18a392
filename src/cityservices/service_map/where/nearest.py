"""Nearest venues for an item or a bundle: only venues that handle it, by estimated travel time.

Travel time is an estimate that grows with straight-line distance for a given mode, so ranking by it is
ranking by distance: the index's k-nearest query is the ranking. Each hit carries the distance, the travel
estimate, the arrival time and the open state on arrival (with the next opening when closed). Filters
(district, level, open on arrival, parking, accessible) drop venues; with ``explain`` the answer also says
why nearer venues were left out — filtered, closed, not handling the item, or the item is handled at
another level.

A bundle is a plan, not a list: of each "choice" group (选择其一) only one option is needed — the one the
citizen picked, else the one whose nearest venue open on arrival is nearest; a conditional step ("if") is
needed only when the citizen says it applies, is left out when they say it does not, and otherwise is shown
as 如适用 without being required of the venue.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from cityservices.errors import NotFound, RequestInvalid, RuleViolation
from cityservices.kit.calendar import to_china_time
from cityservices.kit.geo import FloatArray, unit_vectors
from cityservices.service_map.catalogue.models import LEVEL_NAMES
from cityservices.service_map.where.hours import OpenState, open_state
from cityservices.service_map.where.travel import (
    ModeChoice,
    TravelEstimate,
    choose_mode,
    estimate_travel,
    is_sensible,
    travel_alternatives,
)
from cityservices.service_map.where.venue_index import BundleStep, IntArray, ItemRef, VenueIndex

EXPLAIN_LIMIT = 10
FIRST_BATCH = 32

ReasonCode = Literal[
    "venue_not_open",
    "closed_on_arrival",
    "level_filter",
    "district_filter",
    "no_parking",
    "not_accessible",
    "wrong_level",
    "not_handled",
    "bundle_incomplete",
]


PlanStatus = Literal["required", "chosen", "not_chosen", "undecided", "applies", "if_applicable", "skipped"]
ChosenBy = Literal["", "citizen", "nearest", "nearest_any", "first"]
PLAN_STATUS_LABELS: dict[str, str] = {
    "required": "须办",
    "chosen": "已选",
    "not_chosen": "未选",
    "undecided": "待选",
    "applies": "适用",
    "if_applicable": "如适用",
    "skipped": "不适用",
}
NEEDED: frozenset[str] = frozenset({"required", "chosen", "applies"})


@dataclass(frozen=True)
class PlanStep:
    """A bundle step as the citizen's plan has it: needed, one option of a group (chosen or not), or conditional."""

    item: ItemRef
    kind: str
    group: str
    condition: str
    status: PlanStatus
    chosen_by: ChosenBy = ""


@dataclass(frozen=True)
class PlanChoices:
    """The citizen's answers about a bundle: the option picked in choice groups, and conditional steps that do
    or do not apply (items by code, name or alias)."""

    picks: tuple[str, ...] = ()
    applies: tuple[str, ...] = ()
    skips: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """What the person needs: one item, or the needed items of a bundle (``items``) and its whole plan."""

    kind: Literal["item", "bundle"]
    code: str
    name: str
    items: tuple[ItemRef, ...]
    plan: tuple[PlanStep, ...] = ()

    @property
    def undecided_groups(self) -> list[str]:
        return list(dict.fromkeys(s.group for s in self.plan if s.status == "undecided"))


@dataclass(frozen=True)
class NearestQuery:
    origin: tuple[float, float]  # WGS-84 (lat, lng)
    at: dt.datetime
    mode: ModeChoice = "auto"  # "auto": chosen per venue by distance (travel.choose_mode)
    limit: int = 5
    district: str | None = None
    level: str | None = None
    open_now: bool = False  # open on arrival (query time + travel estimate)
    open_first: bool = False  # rank by the day the venue first serves (open on arrival: that day), nearest first
    parking: bool = False
    accessible: bool = False
    explain: bool = False


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    message: str


@dataclass(frozen=True)
class NearestHit:
    position: int
    distance_m: float
    travel: TravelEstimate
    arrival: dt.datetime
    state: OpenState
    missing_items: tuple[ItemRef, ...] = ()
    alternatives: tuple[TravelEstimate, ...] = ()  # every mode, fastest first


@dataclass(frozen=True)
class Exclusion:
    position: int
    distance_m: float
    reasons: tuple[Reason, ...]


@dataclass
class NearestResult:
    target: Target
    query: NearestQuery
    hits: list[NearestHit] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)
    candidates: int = 0
    note: str | None = None


OPEN_FIRST_POOL = 3  # with open_first, the open venues are looked for among the 3 × limit nearest


def resolve_target(
    index: VenueIndex, *, item: str | None = None, bundle: str | None = None, choices: PlanChoices | None = None
) -> Target:
    """The Target named by an item (code, name or alias) or a bundle (code or name): exactly one of them.

    For a bundle, ``choices`` settle its choice groups and conditional steps (RequestInvalid naming ``pick``,
    ``applies`` or ``skip`` for an answer that does not fit the plan); groups left open are "undecided" until
    ``find_nearest_venues`` takes the option with the nearest open venue."""
    if (item is None) == (bundle is None):
        raise RuleViolation("请给出事项 (item) 或一件事 (bundle) 之一")
    if item is not None:
        ref = index.resolve_item(item)
        return Target("item", ref.code, ref.name, (ref,))
    assert bundle is not None
    found = index.resolve_bundle(bundle)
    plan = _plan(index, found.plan(), choices or PlanChoices())
    return Target("bundle", found.code, found.name, _needed(plan), plan)


def _is_conditional(step: BundleStep) -> bool:
    return step.kind == "if" or (step.kind == "first" and bool(step.condition.strip()))


def _answered(index: VenueIndex, steps: tuple[BundleStep, ...], keys: tuple[str, ...], field_name: str) -> set[int]:
    ids: set[int] = set()
    members = {s.item_id for s in steps}
    for key in keys:
        try:
            ref = index.resolve_item(key)
        except (NotFound, RuleViolation) as exc:
            raise RequestInvalid(field_name, f"未知的事项：{key}") from exc
        if ref.id not in members:
            raise RequestInvalid(field_name, f"“{ref.name}”不是这件事的办理步骤")
        ids.add(ref.id)
    return ids


def _plan(index: VenueIndex, steps: tuple[BundleStep, ...], choices: PlanChoices) -> tuple[PlanStep, ...]:
    picks = _answered(index, steps, choices.picks, "pick")
    applies = _answered(index, steps, choices.applies, "applies")
    skips = _answered(index, steps, choices.skips, "skip")
    by_id = {s.item_id: s for s in steps}
    picked_groups: dict[str, int] = {}
    for item_id in sorted(picks):
        step = by_id[item_id]
        name = index.items[item_id].name
        if step.kind != "choice":
            raise RequestInvalid("pick", f"“{name}”不是“选择其一”的选项")
        if step.group in picked_groups:
            raise RequestInvalid("pick", f"“{step.group}”只能选择其一")
        picked_groups[step.group] = item_id
    for item_id in applies | skips:
        if not _is_conditional(by_id[item_id]):
            raise RequestInvalid(
                "skip" if item_id in skips else "applies", f"“{index.items[item_id].name}”不是有条件办理的步骤"
            )
    if both := applies & skips:
        raise RequestInvalid("skip", f"“{index.items[min(both)].name}”不能既适用又不适用")
    plan: list[PlanStep] = []
    for step in steps:
        status: PlanStatus
        chosen_by: ChosenBy = ""
        if step.kind == "choice":
            picked = picked_groups.get(step.group)
            if picked is None:
                status = "undecided"
            elif picked == step.item_id:
                status, chosen_by = "chosen", "citizen"
            else:
                status = "not_chosen"
        elif step.item_id in skips:
            status = "skipped"
        elif step.kind == "if":
            status = "applies" if step.item_id in applies else "if_applicable"
        else:
            status = "required"
        plan.append(PlanStep(index.items[step.item_id], step.kind, step.group, step.condition, status, chosen_by))
    return tuple(plan)


def _needed(plan: tuple[PlanStep, ...]) -> tuple[ItemRef, ...]:
    return tuple({s.item.id: s.item for s in plan if s.status in NEEDED}.values())


def decide_choices(index: VenueIndex, target: Target, query: NearestQuery) -> Target:
    """``target`` with each undecided choice group settled: the option whose nearest venue open on arrival is
    nearest ("nearest"); when no option's venue is open then, the option whose nearest venue is nearest
    ("nearest_any"); the first option when none has a venue ("first"). Within the query's filters."""
    if not target.undecided_groups:
        return target
    single = replace(query, limit=1, open_first=False, explain=False)
    chosen: dict[str, tuple[int, ChosenBy]] = {}
    for group in target.undecided_groups:
        options = [s.item for s in target.plan if s.status == "undecided" and s.group == group]
        best: tuple[bool, float, int] | None = None
        for option in options:
            for open_only in (True, False):
                found = find_nearest_venues(index, target=Target("item", option.code, option.name, (option,)),
                                            query=replace(single, open_now=open_only))  # fmt: skip
                if found.hits:
                    score = (not open_only, found.hits[0].travel.duration_s, option.id)
                    best = score if best is None or score < best else best
                    break
        if best is None:
            chosen[group] = (options[0].id, "first")
        else:
            chosen[group] = (best[2], "nearest_any" if best[0] else "nearest")
    plan = tuple(
        s
        if s.status != "undecided"
        else replace(s, status="chosen", chosen_by=chosen[s.group][1])
        if chosen[s.group][0] == s.item.id
        else replace(s, status="not_chosen")
        for s in target.plan
    )
    return replace(target, items=_needed(plan), plan=plan)


def find_nearest_venues(index: VenueIndex, *, target: Target, query: NearestQuery) -> NearestResult:
    """The nearest venues handling ``target`` from ``query.origin`` at ``query.at``."""
    if query.district is not None:
        query = replace(query, district=resolve_district(index, query.district))
    target = decide_choices(index, target, query)
    if not target.items:
        raise RequestInvalid("skip", "按您的选择，这件事没有需要到场所办理的步骤")
    origin_xyz = unit_vectors(np.array([query.origin[0]]), np.array([query.origin[1]]))[0]
    subset, key, note = _candidates(index, target)
    result = NearestResult(target, query, candidates=len(subset), note=note)
    at = to_china_time(query.at).replace(microsecond=0)
    wanted = query.limit * OPEN_FIRST_POOL if query.open_first else query.limit
    done, k = 0, max(FIRST_BATCH, 4 * wanted)
    while len(result.hits) < wanted and done < len(subset):
        positions, metres = index.nearest(origin_xyz, k, subset, key=key)
        for position, distance in zip(positions[done:].tolist(), metres[done:].tolist(), strict=True):
            _consider(index, result, target, position, distance, at)
            if len(result.hits) >= wanted:
                break
        done, k = len(positions), k * 4
    if query.open_first:  # a stable sort: the venues that serve soonest (by day) first, nearest first within a day
        result.hits = sorted(result.hits, key=_service_day)[: query.limit]
    if query.explain:
        _explain_unhandled(index, result, origin_xyz, subset)
    return result


def _service_day(hit: NearestHit) -> dt.date:
    """The day the citizen is first served at the venue: the arrival day when it is open on arrival, else the day
    it next opens (the far future when unknown). Ranking by the day, not the minute, means a long drive that
    arrives just as a far hall opens never beats waiting for the nearest hall to open the same morning."""
    if hit.state.is_open:
        return hit.arrival.date()
    if hit.state.next_opening is not None:
        return hit.state.next_opening.date()
    return dt.date.max


def _candidates(index: VenueIndex, target: Target) -> tuple[IntArray, int | None, str | None]:
    if target.kind == "item":
        item_id = target.items[0].id
        return index.venues_of(item_id), item_id, None
    sets = [index.venues_of(item.id) for item in target.items]
    every = sets[0]
    for other in sets[1:]:
        every = np.intersect1d(every, other, assume_unique=True)
    if len(every):
        return every, -1 - zlib.crc32(target.code.encode()), None  # a negative key: never an item id
    anyone = np.unique(np.concatenate(sets)) if sets else np.empty(0, dtype=np.int64)
    return anyone, None, "没有一个场所能办理该一件事的全部事项；以下场所可办理其中部分事项 (见 missing_items)"


def _consider(
    index: VenueIndex, result: NearestResult, target: Target, position: int, distance: float, at: dt.datetime
) -> None:
    query = result.query
    reasons = _filter_reasons(index, query, position)
    travel = estimate_travel(distance, choose_mode(distance, query.mode))
    arrival = at + dt.timedelta(seconds=round(travel.duration_s))
    state = None
    if not reasons:
        state = open_state(index.venues.hours[position], arrival, index.calendar)
        if query.open_now and not state.is_open:
            reasons.append(Reason("closed_on_arrival", _closed_message(state)))
    if reasons:
        if query.explain and len(result.excluded) < EXPLAIN_LIMIT:
            result.excluded.append(Exclusion(position, distance, tuple(reasons)))
        return
    assert state is not None
    missing = _missing_items(index, target, position)
    alternatives = tuple(a for a in travel_alternatives(distance) if a.mode != travel.mode and is_sensible(a))
    result.hits.append(NearestHit(position, distance, travel, arrival, state, missing, alternatives))


def _filter_reasons(index: VenueIndex, query: NearestQuery, position: int) -> list[Reason]:
    venues = index.venues
    reasons: list[Reason] = []
    if venues.statuses[position] != "open":
        reasons.append(Reason("venue_not_open", f"场所状态为 {venues.statuses[position]}，暂不提供服务"))
    level = venues.levels[position]
    if query.level is not None and level != query.level:
        reasons.append(Reason("level_filter", f"场所为{LEVEL_NAMES.get(level, level)}，不是所选的层级"))
    if query.district is not None and not venues.division_codes[position].startswith(query.district):
        reasons.append(Reason("district_filter", "不在所选区(市)"))
    if query.parking and not venues.has_parking[position]:
        reasons.append(Reason("no_parking", "没有停车位"))
    if query.accessible and not venues.accessible[position]:
        reasons.append(Reason("not_accessible", "没有无障碍通道"))
    return reasons


def _closed_message(state: OpenState) -> str:
    when = state.next_opening.strftime("%Y-%m-%d %H:%M") if state.next_opening else None
    detail = f"，{state.plan.note}" if state.plan.note else ""
    return f"到达时不开放{detail}" + (f"；下次开放 {when}" if when else "")


def _missing_items(index: VenueIndex, target: Target, position: int) -> tuple[ItemRef, ...]:
    if target.kind == "item":
        return ()
    return tuple(item for item in target.items if not _handles(index, item, position))


def _handles(index: VenueIndex, item: ItemRef, position: int) -> bool:
    venues = index.venues_of(item.id)
    at = int(np.searchsorted(venues, position))
    return at < len(venues) and int(venues[at]) == position


def _explain_unhandled(index: VenueIndex, result: NearestResult, origin_xyz: FloatArray, subset: IntArray) -> None:
    """Nearer venues that do not handle the target, with why: another level handles it, or not here."""
    cutoff = result.hits[-1].distance_m if result.hits else float("inf")
    positions, metres = index.nearest(origin_xyz, len(result.hits) + EXPLAIN_LIMIT + len(result.excluded))
    members = set(np.intersect1d(positions, subset).tolist())
    for position, distance in zip(positions.tolist(), metres.tolist(), strict=True):
        if len(result.excluded) >= EXPLAIN_LIMIT or distance > cutoff:
            break
        if position not in members:
            result.excluded.append(Exclusion(position, distance, (_unhandled_reason(index, result.target, position),)))
    result.excluded.sort(key=lambda e: e.distance_m)


def _unhandled_reason(index: VenueIndex, target: Target, position: int) -> Reason:
    level = index.venues.levels[position]
    if target.kind == "bundle":
        return Reason("bundle_incomplete", "此场所不能办理该一件事的全部事项")
    levels = target.items[0].levels
    if levels and level not in levels:
        where = "、".join(LEVEL_NAMES.get(lv, lv) for lv in levels)
        return Reason("wrong_level", f"该事项由{where}办理，此场所为{LEVEL_NAMES.get(level, level)}")
    return Reason("not_handled", "此场所不办理该事项")


def resolve_district(index: VenueIndex, district: str) -> str:
    """A district's code from its code or its name (市南区); RequestInvalid naming ``district`` when unknown."""
    value = district.strip()
    if value in index.district_names or (not index.district_names and value.isdigit()):
        return value
    for code, name in index.district_names.items():
        if name == value:
            return code
    raise RequestInvalid("district", f"未知的区(市) {district!r}，应为区(市)代码 (如 370202) 或名称 (如 市南区)")
