"""Stage 2a: the curated vocabulary, loaded from the TSV data files in ``search/data/``.

Every file is reviewed like code. Lines starting with ``#`` are comments; columns are TAB-separated;
lists inside a column are space-separated. In a phrase, ``~`` stands for a gap of up to four
characters (``扯~证`` matches 扯证 and 扯个证), so an entry generalises over filler words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

GAP = "~"
GAP_REGEX = ".{0,4}?"


@dataclass(frozen=True)
class Expansion:
    """An official term a colloquial phrase stands for, with a weight (1.0 = as strong as the phrase)."""

    term: str
    weight: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """A phrase to look for in a query, with its payload (what it means)."""

    text: str
    payload: str
    regex: re.Pattern[str] | None = None
    key: str = ""  # the entry as written in the data file ("扯~证"); defaults to ``text``

    @property
    def entry(self) -> str:
        return self.key or self.text

    @property
    def first(self) -> str:
        return self.text[0]


@dataclass(frozen=True)
class Hit:
    """One phrase found in a query: ``text[start:end]`` is the surface."""

    start: int
    end: int
    phrase: Phrase

    @property
    def length(self) -> int:
        return self.end - self.start


class PhraseMatcher:
    """Finds every occurrence of a set of phrases; phrases are bucketed by their first character."""

    def __init__(self, phrases: list[Phrase]) -> None:
        buckets: dict[str, list[Phrase]] = defaultdict(list)
        for phrase in phrases:
            buckets[phrase.first].append(phrase)
        self._buckets = {k: sorted(v, key=lambda p: -len(p.text)) for k, v in buckets.items()}
        self.phrases = phrases

    def find(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        for i, char in enumerate(text):
            for phrase in self._buckets.get(char, ()):
                if phrase.regex is not None:
                    m = phrase.regex.match(text, i)
                    if m:
                        hits.append(Hit(i, m.end(), phrase))
                elif text.startswith(phrase.text, i):
                    hits.append(Hit(i, i + len(phrase.text), phrase))
        return hits


def longest_hits(hits: list[Hit]) -> list[Hit]:
    """Non-overlapping hits, longest first (ties: leftmost), returned in text order."""
    chosen: list[Hit] = []
    taken: set[int] = set()
    for hit in sorted(hits, key=lambda h: (-h.length, h.start)):
        span = set(range(hit.start, hit.end))
        if not span & taken:
            chosen.append(hit)
            taken |= span
    return sorted(chosen, key=lambda h: h.start)


def make_phrase(text: str, payload: str) -> Phrase:
    if GAP in text:
        parts = [re.escape(p) for p in text.split(GAP)]
        return Phrase(text.replace(GAP, ""), payload, re.compile(GAP_REGEX.join(parts)), key=text)
    return Phrase(text, payload)


@dataclass(frozen=True)
class EventSpec:
    """A life event: the bundles that serve it, the terms searched for it, and items it implies done."""

    bundles: tuple[str, ...]
    terms: tuple[str, ...]
    done: tuple[str, ...] = ()


@dataclass
class Lexicon:
    """Everything the data files say, in the shapes the pipeline uses."""

    synonyms: dict[str, tuple[Expansion, ...]] = field(default_factory=dict)
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    query_conditions: dict[str, str] = field(default_factory=dict)
    item_conditions: dict[str, str] = field(default_factory=dict)
    condition_labels: dict[str, str] = field(default_factory=dict)
    compatibility: dict[tuple[str, str], float] = field(default_factory=dict)
    events: dict[str, EventSpec] = field(default_factory=dict)
    event_triggers: dict[str, str] = field(default_factory=dict)
    out_of_domain: dict[str, str] = field(default_factory=dict)
    fillers: dict[str, str] = field(default_factory=dict)
    slot_words: dict[str, tuple[str, str]] = field(default_factory=dict)
    group_headings: dict[str, str] = field(default_factory=dict)  # event → heading of its ad hoc group

    def official_terms(self) -> set[str]:
        """Every official term the synonyms expand to (part of the domain vocabulary)."""
        return {e.term for exps in self.synonyms.values() for e in exps}


def _rows(name: str) -> list[list[str]]:
    text = resources.files("cityservices.service_map.search").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([col.strip() for col in line.split("\t")])
    return rows


def _expansions(column: str) -> tuple[tuple[Expansion, ...], tuple[str, ...]]:
    terms: list[Expansion] = []
    categories: list[str] = []
    for token in column.split():
        if token.startswith("@"):
            categories.append(token[1:])
            continue
        term, _, weight = token.partition(":")
        terms.append(Expansion(term, float(weight) if weight else 1.0))
    return tuple(terms), tuple(categories)


def _load_synonyms(lex: Lexicon) -> None:
    for phrase, column, *_ in _rows("synonyms.tsv"):
        terms, categories = _expansions(column)
        lex.synonyms[phrase] = lex.synonyms.get(phrase, ()) + terms
        if categories:
            lex.categories[phrase] = lex.categories.get(phrase, ()) + categories


def _load_conditions(lex: Lexicon) -> None:
    for side, condition, column, *_ in _rows("conditions.tsv"):
        if side == "query":
            lex.query_conditions.update(dict.fromkeys(column.split(), condition))
        elif side == "item":
            lex.item_conditions.update(dict.fromkeys(column.split(), condition))
        elif side == "label":
            lex.condition_labels[condition] = column
        elif side == "match":
            for pair in column.split():
                item_condition, _, score = pair.partition(":")
                lex.compatibility[condition, item_condition] = float(score)


def _load_events(lex: Lexicon) -> None:
    for event, bundles, terms, *rest in _rows("life_events.tsv"):
        done = tuple(rest[0].split()) if rest else ()
        lex.events[event] = EventSpec(tuple(b for b in bundles.split() if b != "-"), tuple(terms.split()), done)
    for phrase, event, *_ in _rows("life_event_triggers.tsv"):
        lex.event_triggers[phrase] = event


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The lexicon bundled with the package (read once per process)."""
    lex = Lexicon()
    _load_synonyms(lex)
    _load_conditions(lex)
    _load_events(lex)
    lex.out_of_domain = {phrase: topic for phrase, topic, *_ in _rows("out_of_domain.tsv")}
    lex.fillers = {phrase: role for phrase, role, *_ in _rows("fillers.tsv")}
    lex.group_headings = {event: heading for event, heading, *_ in _rows("event_groups.tsv")}
    for slot, value, column, *_ in _rows("slot_words.tsv"):
        for phrase in column.split():
            lex.slot_words[phrase] = (slot, value)
    return lex
