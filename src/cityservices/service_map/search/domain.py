"""Is a query about the services of this catalogue at all? Domain evidence weighed against off-topic evidence.

The catalogue itself says what its domain is: the high-frequency (core) items' names, aliases and plain-language
situations, the one-thing bundles' names, the lexicon's phrases and the official terms they stand for, the life
events' triggers. A query's content is weighed word by word:

- domain evidence: a lexicon phrase (1.5), a life event named outside the off-topic words (2.0), a leftover
  word the domain vocabulary knows (its weight in the confidence; half when only the situations use it);
- off-topic evidence: a word of the out-of-domain list (general topic words: weather, stocks, telecom plans …;
  2.0 each, so that it outweighs one lexicon phrase of everyday language beside it: 拼多多买的东西能退货吗) and a
  word of two or more characters that the domain vocabulary does not know (UNKNOWN_WEIGHT:
  鸡兔同笼, 申根, 征信 — a citizen asking for a service names something the catalogue describes).

A query whose off-topic evidence is at least its domain evidence is out of the domain ("no matching service");
any other query is answered, with "您是不是要办" candidates when the engine is unsure of the item.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import jieba

from cityservices.service_map.search.lexicon import GAP, Lexicon
from cityservices.service_map.search.segment import BIGRAM, Segmenter
from cityservices.service_map.search.understand import Analysis, Concept

SYNONYM_WEIGHT = 1.5  # a lexicon phrase: curated service vocabulary
EVENT_WEIGHT = 2.0  # a life event named outside the off-topic words (残疾人坐公交免费)
OFF_TOPIC_WEIGHT = 2.0  # a word of the out-of-domain list: as much as a life event, more than a lexicon phrase
UNKNOWN_WEIGHT = 0.5  # a noun of two or more characters that the domain vocabulary does not know
UNKNOWN_VERB_WEIGHT = 0.25  # an unknown verb says less about the topic (负担, 理赔)
# Parts of speech (jieba's dictionary tags) of words that name no topic: numerals and quantities (三岁, 十几万),
# time words (明年), pronouns (哪些), adverbs, place words (屋里), adjectives, idioms and set phrases, particles.
EVERYDAY_TAGS = frozenset(
    {"m", "mq", "mg", "q", "t", "tg", "r", "rr", "rg", "rz", "d", "dg", "df", "ad", "s", "f", "a", "ag", "an", "z"}
    | {"zg", "i", "l", "c", "p", "u", "ul", "uv", "ud", "uj", "uz", "ug", "y", "e", "o", "x", "g", "h", "k"}
)
VERB_TAGS = frozenset({"v", "vg", "vd", "vi", "vq"})
SITUATION_FACTOR = 0.5  # a word only the core items' plain-language situations use weighs half
CONDITION_WEIGHT = 1.0  # a condition (丢了, 过期) said in a clause that names a lexicon phrase
# Asking what has to be applied for (要办个啥, 什么手续; not 手续费, a fee) is asking about services
SERVICE_REQUEST = re.compile(r"办[个点些]?(?:啥|什么|哪些)|手续(?!费)")
REQUEST_WEIGHT = 1.5  # as much as a lexicon phrase: the question itself names a service
# Where a clause ends: punctuation, spaces, and the words that start a side question
CLAUSE_BREAK = re.compile(r"[\s,，.。;；:：!！?？、]+|顺便|另外|还有|对了|再问")


@dataclass(frozen=True)
class Evidence:
    domain: float
    off_topic: float

    @property
    def in_domain(self) -> bool:
        return self.domain > self.off_topic


class DomainVocabulary:
    """The words of the service domain, read from the catalogue and the lexicon when the index is built."""

    def __init__(
        self, segmenter: Segmenter, texts: Iterable[str], lexicon: Lexicon, situations: Iterable[str] = ()
    ) -> None:
        self.segmenter = segmenter
        words: set[str] = set()
        phrases = [
            *lexicon.synonyms,
            *lexicon.official_terms(),
            *lexicon.event_triggers,
            *lexicon.query_conditions,
            *lexicon.item_conditions,
        ]
        for text in [*texts, *(p.replace(GAP, " ") for p in phrases)]:
            words.update(self._words(text))
        self.words = frozenset(words)
        # words only the plain-language situations use (买, 报告, 便宜): everyday language, weaker evidence
        self.situation_words = frozenset(set().union(*(self._words(text) for text in situations)) - words)
        word_classes()  # read once per process when the first index is built, not on the first query

    def including(self, texts: Iterable[str]) -> DomainVocabulary:
        """A copy that also knows the words of ``texts`` (an edited core item's new name or aliases; words it no
        longer uses stay until the index is rebuilt)."""
        patched = copy.copy(self)
        patched.words = self.words.union(*(self._words(text) for text in texts))
        return patched

    def _words(self, text: str) -> set[str]:
        found = set(self.segmenter.search_words(text))
        found.update(w for w in self.segmenter.words(text) if len(w) >= 2)
        return found

    def knows(self, concept: Concept) -> float:
        """How well the domain knows a leftover word (itself, or one of its words or search terms): 1 when an item
        name, alias, bundle or lexicon phrase uses it, SITUATION_FACTOR when only the situations do, else 0."""
        words = {concept.surface, *self.segmenter.search_words(concept.surface)}
        for term in concept.terms:
            words.update(t for t in self.segmenter.tokens(term) if not t.startswith(BIGRAM))
        if words & self.words:
            return 1.0
        return SITUATION_FACTOR if words & self.situation_words else 0.0


@cache
def word_classes() -> tuple[frozenset[str], frozenset[str]]:
    """The everyday words and the verbs of jieba's dictionary (by its part-of-speech tags), read once per process."""
    everyday: set[str] = set()
    verbs: set[str] = set()
    with jieba.get_dict_file() as lines:
        for line in lines:
            parts = line.decode("utf-8").split()
            if len(parts) == 3 and parts[2] in EVERYDAY_TAGS:
                everyday.add(parts[0])
            elif len(parts) == 3 and parts[2] in VERB_TAGS:
                verbs.add(parts[0])
    return frozenset(everyday), frozenset(verbs)


def unknown_weight(word: str) -> float:
    """Off-topic evidence of a word the domain does not know: a noun (鸡兔同笼, 申根) names a topic, a verb less,
    a number, a time, a pronoun or an adverb none."""
    everyday, verbs = word_classes()
    if word in everyday or any(c.isdigit() for c in word):
        return 0.0
    return UNKNOWN_VERB_WEIGHT if word in verbs else UNKNOWN_WEIGHT


def clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the query's clauses: cut at punctuation, spaces and the words that start a side question."""
    spans = []
    position = 0
    for match in CLAUSE_BREAK.finditer(text):
        if match.start() > position:
            spans.append((position, match.start()))
        position = match.end()
    if position < len(text):
        spans.append((position, len(text)))
    return spans


def weigh(
    analysis: Analysis,
    vocabulary: DomainVocabulary,
    weight_of: Callable[[Concept], float],
    catalogue_knows: Callable[[Concept], bool],
) -> Evidence:
    """The query's evidence: that of its most domain-like clause (身份证快过期了，顺便问下明天下雨不 is about
    the identity card; the weather is a side question). A clause with no content is skipped."""
    weighed = [
        weigh_span(analysis, vocabulary, weight_of, catalogue_knows, start, end)
        for start, end in clauses(analysis.rewritten)
    ]
    weighed = [e for e in weighed if e.domain or e.off_topic]
    if not weighed:
        return Evidence(0.0, 0.0)
    return max(weighed, key=lambda e: e.domain - e.off_topic)


def weigh_span(
    analysis: Analysis,
    vocabulary: DomainVocabulary,
    weight_of: Callable[[Concept], float],
    catalogue_knows: Callable[[Concept], bool],
    start: int,
    end: int,
) -> Evidence:
    """Domain and off-topic evidence of the part of an analysed query between ``start`` and ``end``."""
    ood = [(s, e) for s, e, _ in analysis.out_of_domain if start <= s < end]
    domain = 0.0
    off_topic = OFF_TOPIC_WEIGHT * len(ood)
    named = False
    events = [
        h for h in analysis.events if start <= h.start < end and not any(s < h.end and h.start < e for s, e in ood)
    ]
    for concept in analysis.concepts:
        if not start <= concept.start < end:
            continue
        if any(h.start <= concept.start and concept.end <= h.end for h in events):
            named = named or concept.kind == "syn"
            continue  # 退休了: the event weighs for the phrases inside it
        if concept.kind == "syn":
            # a one-character phrase (车 in 停车位, 查) is weaker evidence than a word
            domain += SYNONYM_WEIGHT if concept.length > 1 else SYNONYM_WEIGHT / 2
            named = True
        elif concept.kind == "word" and len(concept.surface) >= 2:
            known = vocabulary.knows(concept)
            if known:
                domain += known * weight_of(concept)
            elif not catalogue_knows(concept):  # a word of another region's item (大火) is no evidence either way
                off_topic += unknown_weight(concept.surface)
    if events:
        domain += EVENT_WEIGHT
    clause = analysis.rewritten[start:end]
    if SERVICE_REQUEST.search(clause):
        domain += REQUEST_WEIGHT  # 满60了坐公交不花钱要办个啥: a service is asked for, whatever else is said
    if named and any(word in clause for word in analysis.slots.condition_words):
        domain += CONDITION_WEIGHT  # 身份证快过期了: a condition said of a named document or service
    return Evidence(domain, off_topic)
