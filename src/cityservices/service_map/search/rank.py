"""Stage 3b: ranking — fuse the BM25 score with what understanding found.

final = BM25 / best BM25                                (0–1, lexical relevance)
      + CORE_PRIOR for the high-frequency catalogue items
      + condition fit (到期 → 期满换证; a different explicit condition is pushed down)
      + life-event bundle membership, category hints (车管所 → 车驾管), applicant (个人 / 企业)
      + semantic similarity, when an embedding model is configured
"""

from __future__ import annotations

from collections.abc import Callable
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
EVENT_BY_WORDS = 0.3  # × lexical: a bundle member the words beside a life event match (父亲去世 + 房 → 继承登记)
MOVE_BONUS = 1.0  # the item a household-registration move's direction names (moves.py)
DOCUMENT_BONUS = 0.5  # an item issuing the document a query asks for (开个……的证明, documents.py)
BENEFIT_BONUS = 0.3  # an item paying the money or benefit a query asks for (benefits.py)
STATUS_PENALTY = 0.15  # an item only establishing the applicant's status when money is asked for
BENEFIT_MIN_LEXICAL = 0.45  # below this share of the best lexical score an item is not about the query
PASSAGE_BONUS = 0.8  # × the cosine of the query and the item's best situation above PASSAGE_FLOOR (passages.py)
PASSAGE_FLOOR = 0.2  # a cosine at or below this shares only everyday pieces with the query (从老家 + 转过来)
FAMILY_BONUS = 0.3  # the member of a family of items whose own word the query names (提前退休 → 提前退休申请)
FAMILY_MIN_PREFIX = 3  # characters a family's members share at the start of their names (居住证, 社会保障卡)
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
    event_items: dict[int, tuple[int, bool, bool]],
    semantic: dict[int, float] | None = None,
    move: int | None = None,
    documents: frozenset[int] = frozenset(),
    benefits: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset()),
    passages: dict[int, float] | None = None,
) -> list[Scored]:
    """Final scores of the candidates, best first. ``event_items``: index → (position, dominant, by words) — by
    words, a member's bonus grows with how well the query's words match it, whatever its position; ``move``: the
    item the direction of a household-registration move names; ``documents``: the candidates that issue the document
    the query asks for (documents.py); ``benefits``: when the query asks for money, the candidates that pay it and those
    that only establish the applicant's status (benefits.py)."""
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
            position, dominant, by_words = event_items[index]
            bonus = (EVENT_BONUS_DOMINANT if dominant else EVENT_BONUS_MILD) - EVENT_POSITION_STEP * position
            parts["event"] = max(bonus, EVENT_BY_WORDS * parts["lexical"]) if by_words else bonus
        if index == move:
            parts["move"] = MOVE_BONUS
        if index in documents:
            parts["document"] = DOCUMENT_BONUS
        if index in benefits[0] and parts["lexical"] >= BENEFIT_MIN_LEXICAL:
            parts["benefit"] = BENEFIT_BONUS
        elif index in benefits[1]:
            parts["benefit"] = -STATUS_PENALTY
        if passages and index in passages:
            parts["passage"] = PASSAGE_BONUS * max(0.0, passages[index] - PASSAGE_FLOOR) / (1.0 - PASSAGE_FLOOR)
        if semantic is not None and index in semantic:
            parts["semantic"] = semantic[index]
        out.append(Scored(index, sum(parts.values()), lexical, parts))
    out.sort(key=lambda s: (-s.score, s.index))
    return out


def shared_start(names: list[str]) -> int:
    """How many characters all the names share at their start."""
    shortest = min(names, key=len)
    return next((i for i, char in enumerate(shortest) if any(name[i] != char for name in names)), len(shortest))


def family_pick(
    ranked: list[Scored],
    items: list[ItemRecord],
    named: set[str],
    tokens_of: Callable[[str], list[str]],
    generic: Callable[[str], bool],
) -> list[Scored]:
    """Items of one family differ by a word after their shared start (企业职工基本养老保险 正常 / 提前 退休申请,
    社会保障卡 申领 / 启用（激活）): the members whose own words the query names — said or through a lexicon phrase
    (早点退休 → 提前退休申请) — get FAMILY_BONUS over the members it does not. Only core items are picked: a
    long non-core name (持军警驾驶证申领(…大中型客货车…)) names too many words to be told apart by one.
    ``named``: the query's words and terms; ``generic``: words too common in item names to tell members apart
    (申请, 登记)."""
    if len(ranked) < 2:
        return ranked
    top = items[ranked[0].index].name
    names = {p: items[s.index].name for p, s in enumerate(ranked)}
    names = {p: name for p, name in names.items() if shared_start([top, name]) >= FAMILY_MIN_PREFIX}
    if len(names) < 2:
        return ranked
    shared = shared_start(list(names.values()))
    members = {p: {t for t in tokens_of(name[shared:]) if len(t) >= 2 and t.isalnum()} for p, name in names.items()}
    everywhere = set.intersection(*members.values())
    picked = {
        p
        for p, own in members.items()
        if items[ranked[p].index].is_core and any(t in named and not generic(t) for t in own - everywhere)
    }
    if not picked or 0 in picked or len(picked) == len(members):  # the leader named already: scores stay as they are
        return ranked
    out = list(ranked)
    for position in picked:
        scored = out[position]
        out[position] = Scored(
            scored.index, scored.score + FAMILY_BONUS, scored.lexical, {**scored.parts, "family": FAMILY_BONUS}
        )
    out.sort(key=lambda s: (-s.score, s.index))
    return out
