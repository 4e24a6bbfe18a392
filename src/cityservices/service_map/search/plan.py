"""Stage 3 input: turn understood concepts into a scoring plan for the lexical index.

Each concept (a lexicon phrase, a leftover word, a recognised life event) becomes one weighted group
of alternative terms. Lexicon phrases weigh 1 (they are curated); a leftover word weighs by how rare
it is among item names (登记 is everywhere, 宅基地 is specific); a life event that the query is about adds
its terms (a specific need next to the event — 新生儿 + 重名 — is left to decide alone).
"""

from __future__ import annotations

import math

from cityservices.service_map.search.lexicon import Lexicon
from cityservices.service_map.search.retrieve import PlanConcept, ScoringIndex
from cityservices.service_map.search.segment import BIGRAM, Segmenter
from cityservices.service_map.search.understand import Analysis, Concept

SURFACE_WEIGHT = 0.5
BIGRAM_FACTOR = 0.5
EVENT_WEIGHT = 1.5  # only when the event is what the query is about (see engine._event)
LEFTOVER_FACTOR = 0.7  # a word no lexicon phrase explains says less about intent than one that does
MIN_WORD_WEIGHT = 0.3
BENEFICIARY_MARKERS = frozenset("给帮替为")
BENEFICIARY_WEIGHT = 0.5
FULL_WEIGHT_SHARE = 0.01  # a word in at most 1 % of items weighs fully
# A relative (老公 → 夫妻, 闺女 → 子女) names who a need concerns, not the need, except in a household-registration
# query (投靠 items are named by the relation): elsewhere its phrase weighs KIN_WEIGHT.
KIN_TERMS = frozenset({"夫妻", "父母", "子女"})
KIN_WEIGHT = 0.4
BACKGROUND_WEIGHT = 0.6
YES_NO = ("吗", "么", "不")
CLAUSE_END = frozenset("，,。；;！!？? ")


def token_bag(segmenter: Segmenter, text: str) -> dict[str, float]:
    return {t: (BIGRAM_FACTOR if t.startswith(BIGRAM) else 1.0) for t in segmenter.tokens(text)}


def idf(index: ScoringIndex, df: int) -> float:
    return math.log((index.size - df + 0.5) / (df + 0.5) + 1)


def word_weight(index: ScoringIndex, bag: dict[str, float]) -> float:
    """Rarer words weigh more: the rarest token's IDF against that of a word in 1 % of the items."""
    words = [t for t in bag if not t.startswith(BIGRAM)] or list(bag)
    if not words:
        return MIN_WORD_WEIGHT
    rarest = max(idf(index, index.document_frequency(t)) for t in words)
    full = idf(index, max(1, int(index.size * FULL_WEIGHT_SHARE)))
    return max(MIN_WORD_WEIGHT, min(1.0, rarest / full))


def merged_bag(segmenter: Segmenter, terms: dict[str, float]) -> dict[str, float]:
    """One token bag for all of a concept's terms (a token keeps its highest weight)."""
    bag: dict[str, float] = {}
    for term, weight in terms.items():
        for token, w in token_bag(segmenter, term).items():
            bag[token] = max(bag.get(token, 0.0), w * weight)
    return bag


def concept_plan(concept: Concept, segmenter: Segmenter, index: ScoringIndex) -> PlanConcept | None:
    if concept.kind == "venue":
        return None  # a category hint for ranking, nothing to search
    if concept.kind == "syn":
        bag = merged_bag(segmenter, {**concept.terms, concept.surface: SURFACE_WEIGHT})
        return PlanConcept(1.0, [(1.0, bag)], concept.surface)
    bag = merged_bag(segmenter, concept.terms)
    if not bag:
        return None  # a single character: nothing to search, it still counts for confidence
    return PlanConcept(LEFTOVER_FACTOR * word_weight(index, bag), [(1.0, bag)], concept.surface)


def _beneficiary(analysis: Analysis, concept: Concept) -> bool:
    """给闺女换个名字: the one a thing is done for (after 给 / 帮 / 替 / 为, with the need still to come) is not
    the thing acted on, so it weighs less than the words of the need."""
    text = analysis.rewritten
    before = text[concept.start - 1] if concept.start > 0 else ""
    later = any(c.start >= concept.end for c in analysis.concepts) or bool(analysis.slots.conditions)
    return before in BENEFICIARY_MARKERS and later


def background_end(analysis: Analysis) -> int:
    """Where the background of the query ends: 户口从外地迁到青岛了，残疾证也要跟着转过来 — clauses ending in 了 (what
    has happened) before a later clause that names its own thing (a lexicon phrase) tell the situation, not the need;
    so do all the clauses before a closing yes/no question that names its own thing (又没劳动能力，能吃低保吗: who
    applies, then what is asked for). 0 when there is no such background."""
    text = analysis.rewritten
    end = 0
    for i, char in enumerate(text):
        told = char in CLAUSE_END and i > 0 and text[:i].rstrip("".join(CLAUSE_END)).endswith("了")
        if told and any(c.kind == "syn" and c.start > i for c in analysis.concepts):
            end = i
    body = text.rstrip("".join(CLAUSE_END) + "？?！! ")
    last = max((i for i, char in enumerate(body) if char in CLAUSE_END), default=0)
    asked = last > 0 and body.endswith(YES_NO) and any(c.kind == "syn" and c.start > last for c in analysis.concepts)
    return max(end, last) if asked else end


def is_kin(concept: Concept) -> bool:
    """A lexicon phrase that only names a relative (its terms are all kinship words)."""
    return concept.kind == "syn" and bool(concept.terms) and set(concept.terms) <= KIN_TERMS


def build_plan(
    analysis: Analysis,
    segmenter: Segmenter,
    index: ScoringIndex,
    lexicon: Lexicon,
    *,
    dominant_event: bool = False,
    household: bool = True,
) -> list[PlanConcept]:
    """``household``: the query is about the household register (a relative then names the 投靠 relation)."""
    plan = []
    background = background_end(analysis)
    for concept in analysis.concepts:
        part = concept_plan(concept, segmenter, index)
        if part is not None and concept.start < background:
            part = PlanConcept(part.weight * BACKGROUND_WEIGHT, part.terms, part.label)
        if part is not None and _beneficiary(analysis, concept):
            part = PlanConcept(part.weight * BENEFICIARY_WEIGHT, part.terms, part.label)
        if part is not None and not household and is_kin(concept):
            part = PlanConcept(part.weight * KIN_WEIGHT, part.terms, part.label)
        if part is not None:
            plan.append(part)
    for hit in analysis.events[:1] if dominant_event else []:
        terms = lexicon.events[hit.event].terms if hit.event in lexicon.events else ()
        # Alternatives (the best one counts), not one bag: a long item name must not outweigh a short one.
        bags = [(1.0, bag) for term in terms if (bag := token_bag(segmenter, term))]
        if bags:
            plan.append(PlanConcept(EVENT_WEIGHT, bags, hit.surface))
    return plan
