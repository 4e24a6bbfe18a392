"""Stage 3b: ranking — fuse the BM25 score with what understanding found.

final = BM25 / best BM25                                (0–1, lexical relevance)
      + CORE_PRIOR for the high-frequency catalogue items
      + condition fit (到期 → 期满换证; a different explicit condition is pushed down)
      + life-event bundle membership, category hints (车管所 → 车驾管), applicant (个人 / 企业)
      + semantic similarity, when an embedding model is configured
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from cityservices.service_map.search.lexicon import Lexicon
from cityservices.service_map.search.records import ItemRecord
from cityservices.service_map.search.understand import Analysis

CORE_PRIOR = 0.4
CONDITION_BONUS = 0.5
CONDITION_PENALTY = 0.3
LAST_CONDITION_WEIGHT = 2.0
DEFAULT_FIRST_BONUS = 0.08
DEFAULT_OTHER_PENALTY = 0.08
CATEGORY_BONUS = 0.12
APPLICANT_BONUS = 0.1
EVENT_BONUS_DOMINANT = 0.6
EVENT_BONUS_MILD = 0.12
EVENT_POSITION_STEP = 0.02
MOVE_BONUS = 1.0  # the item a household-registration move's direction names (moves.py)
EXPLICIT = frozenset({"lost", "report_loss", "expired", "damaged", "change", "cancel", "reissue", "replace", "first"})


@dataclass
class Scored:
    index: int
    score: float
    lexical: float
    parts: dict[str, float] = field(default_factory=dict)


class ConditionModel:
    """Which conditions an item name serves (丢失补领 → lost + reissue) and how well it fits a query."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.markers = sorted(lexicon.item_conditions.items(), key=lambda kv: -len(kv[0]))
        self.compatibility = lexicon.compatibility
        self.of = lru_cache(maxsize=200_000)(self._of)

    def _of(self, name: str) -> frozenset[str]:
        return frozenset(cond for marker, cond in self.markers if marker in name)

    def marker_in(self, name: str, condition: str) -> str | None:
        return next((m for m, c in self.markers if c == condition and m in name), None)

    def base(self, name: str) -> str:
        """The name without its condition markers: items that share a base differ only by condition."""
        for marker, _ in self.markers:
            name = name.replace(marker, "")
        return name.strip("、，,（）() ")

    def fit(self, query_conditions: list[str], name: str) -> float:
        """Score adjustment for an item given the query's conditions (may be negative)."""
        item = self.of(name)
        if not query_conditions:
            if "first" in item:
                return DEFAULT_FIRST_BONUS
            return -DEFAULT_OTHER_PENALTY if item & EXPLICIT else 0.0
        fits = [max((self.compatibility.get((q, i), 0.0) for i in item), default=0.0) for q in query_conditions]
        # 丢了先挂个失: the situation comes first, the action asked for last — the last condition counts double
        weights = [1.0] * (len(fits) - 1) + [LAST_CONDITION_WEIGHT]
        best = sum(f * w for f, w in zip(fits, weights, strict=True)) / sum(weights)
        if best > 0:
            return CONDITION_BONUS * best
        return -CONDITION_PENALTY if item & EXPLICIT else 0.0


def fuse(
    analysis: Analysis,
    candidates: list[tuple[int, float]],
    items: list[ItemRecord],
    conditions: ConditionModel,
    event_items: dict[int, tuple[int, bool]],
    semantic: dict[int, float] | None = None,
    move: int | None = None,
) -> list[Scored]:
    """Final scores of the candidates, best first. ``event_items``: index → (position, dominant); ``move``: the
    item the direction of a household-registration move names."""
    best = max((s for _, s in candidates), default=0.0) or 1.0
    categories = analysis.categories
    applicant = analysis.slots.applicant
    out: list[Scored] = []
    for index, lexical in candidates:
        item = items[index]
        parts = {"lexical": lexical / best}
        if item.is_core:
            parts["core"] = CORE_PRIOR
        parts["condition"] = conditions.fit(analysis.slots.conditions, item.name)
        if categories and item.category in categories:
            parts["category"] = CATEGORY_BONUS
        if applicant and applicant in item.applicant_type:
            parts["applicant"] = APPLICANT_BONUS
        if index in event_items:
            position, dominant = event_items[index]
            bonus = EVENT_BONUS_DOMINANT if dominant else EVENT_BONUS_MILD
            parts["event"] = bonus - EVENT_POSITION_STEP * position
        if index == move:
            parts["move"] = MOVE_BONUS
        if semantic is not None and index in semantic:
            parts["semantic"] = semantic[index]
        out.append(Scored(index, sum(parts.values()), lexical, parts))
    out.sort(key=lambda s: (-s.score, s.index))
    return out
