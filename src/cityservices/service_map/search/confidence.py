"""Stage 3c: is the query understood? The share of its content that the best item explains.

Content is every lexicon phrase, leftover word and out-of-domain word (not fillers, slots or
condition words). A phrase is explained when one of its search terms is a token of the item; a
recognised life event explains its trigger. Below MIN_COVERAGE (ANCHORED_MIN_COVERAGE when a lexicon
phrase matched, OUT_OF_DOMAIN_MIN_COVERAGE beside an out-of-domain word) the engine is unsure and offers its
best candidates as a choice. Whether a query is about the catalogue's services at all ("no matching service")
is decided by domain.py, not by the coverage.
"""

from __future__ import annotations

from collections.abc import Callable

from cityservices.service_map.search.records import ItemRecord
from cityservices.service_map.search.segment import BIGRAM
from cityservices.service_map.search.understand import Analysis, Concept

MIN_COVERAGE = 0.4
OUT_OF_DOMAIN_MIN_COVERAGE = 0.55  # 电动车 + 充电桩: half explained is not enough next to an off-topic word
ANCHORED_MIN_COVERAGE = 0.25  # when a lexicon phrase matched the best item and nothing is out of domain
OUT_OF_DOMAIN_WEIGHT = 1.5

TokensOf = Callable[[str], list[str]]


def concept_hits(concept: Concept, item_tokens: set[str], tokens_of: TokensOf, item: ItemRecord) -> str | None:
    """The term through which ``concept`` matches the item (None when it does not)."""
    if concept.categories and item.category in concept.categories:
        return item.category
    candidates = list(concept.terms)
    if concept.kind == "syn":
        candidates.append(concept.surface)
    for term in candidates:
        tokens = tokens_of(term)
        words = [t for t in tokens if not t.startswith(BIGRAM)]
        grams = [t for t in tokens if t.startswith(BIGRAM)]
        # A lexicon phrase's official term (生育津贴支付) is matched by most of its words, not by one shared
        # word (津贴 of 高龄津贴); a leftover word of the query (公司地址) by any of its words.
        needed = len(words) // 2 + 1 if concept.kind == "syn" else 1
        if words and sum(w in item_tokens for w in words) >= needed:
            return term
        if grams and sum(g in item_tokens for g in grams) * 2 >= len(grams):
            return term
    return None


def coverage(
    analysis: Analysis,
    item: ItemRecord,
    item_tokens: set[str],
    tokens_of: TokensOf,
    event: bool,
    weight_of: Callable[[Concept], float],
) -> float:
    """Weighted share of the query's content that the item (or a recognised life event) explains.

    Weights come from ``weight_of`` (lexicon phrases most, leftover words by rarity, unknown words little);
    an out-of-domain word weighs 1.5 and counts as explained only when the item names it and a lexicon
    phrase or life event also matched.
    """
    total = 0.0
    explained = 0.0
    event_spans = [(h.start, h.end) for h in analysis.events] if event else []
    anchored = False
    for concept in analysis.concepts:
        weight = weight_of(concept)
        total += weight
        in_event = any(s <= concept.start and concept.end <= e for s, e in event_spans)
        hit = concept_hits(concept, item_tokens, tokens_of, item) is not None
        anchored = anchored or (hit and concept.kind == "syn")
        if in_event or hit:
            explained += weight
    for _, _, surface in analysis.out_of_domain:
        total += OUT_OF_DOMAIN_WEIGHT
        # 旅游 is off-topic alone, not in 去香港旅游 where the item is a tourist endorsement
        if (anchored or event_spans) and any(t in item_tokens for t in tokens_of(surface)):
            explained += OUT_OF_DOMAIN_WEIGHT
    if event_spans:
        total += 1.0
        explained += 1.0
    return explained / total if total else 0.0


def has_domain_concept(analysis: Analysis, explained_syn: bool, event: bool) -> bool:
    """A query with out-of-domain words needs a lexicon phrase or a life event that matched."""
    return not analysis.out_of_domain or explained_syn or event
