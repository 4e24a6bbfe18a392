"""Stage 2: understand a normalised query — rewrite pinyin and homophones, find lexicon phrases,
slots and life events, and turn what is left into weighted search terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cityservices.service_map.search.lexicon import Hit, Lexicon, Phrase, PhraseMatcher, longest_hits, make_phrase
from cityservices.service_map.search.phonetic import PinyinVocabulary, Rewrite
from cityservices.service_map.search.records import DivisionRecord
from cityservices.service_map.search.segment import Segmenter
from cityservices.service_map.search.slots import (
    Slots,
    add_applicant,
    add_time,
    place_phrases,
    place_slot,
    rewrite_ages,
)

QUIET_FILLERS = frozenset({"filler", "question", "action", "stop", "list"})  # not "person": 孩子 tells the case
KIND_ORDER = {"syn": 0, "cond": 1, "place": 2, "time": 3, "ood": 4, "filler": 5}


@dataclass
class Concept:
    """A piece of query content: a lexicon phrase or a leftover word, with the search terms it yields."""

    start: int
    end: int
    surface: str
    kind: str  # "syn" | "word" | "venue" (a place of business: only a category hint)
    terms: dict[str, float]  # official term (or the word itself) → weight
    categories: tuple[str, ...] = ()

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class EventHit:
    event: str
    surface: str
    start: int
    end: int


@dataclass
class _State:
    """What is being collected while the hits of one query are walked."""

    slots: Slots
    concepts: list[Concept]
    ood: list[tuple[int, int, str]]
    covered: list[bool]
    list_intent: bool
    quiet: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Analysis:
    """Everything understood about one query."""

    text: str
    rewritten: str
    rewrites: list[Rewrite]
    slots: Slots
    concepts: list[Concept]
    events: list[EventHit]
    out_of_domain: list[tuple[int, int, str]]
    list_intent: bool
    content_chars: int
    # spans of fillers, question words and condition words: how the need is asked, not what the case is
    quiet: tuple[tuple[int, int], ...] = ()

    @property
    def categories(self) -> set[str]:
        return {c for concept in self.concepts for c in concept.categories}


class Understander:
    """Built once per index: phrase matchers over the lexicon and the stored divisions."""

    def __init__(
        self, lexicon: Lexicon, segmenter: Segmenter, vocabulary: PinyinVocabulary, divisions: list[DivisionRecord]
    ) -> None:
        self.lexicon = lexicon
        self.segmenter = segmenter
        self.vocabulary = vocabulary
        self.synonyms = {**lexicon.composed_synonyms, **lexicon.synonyms}
        phrases = [make_phrase(p, "syn") for p in self.synonyms]
        self.conditions = {**lexicon.composed_conditions, **lexicon.query_conditions}
        phrases += [make_phrase(p, "cond") for p in self.conditions]
        phrases += [Phrase(p.text, "place|" + p.payload) for p in place_phrases(divisions, lexicon)]
        phrases += [Phrase(p, "time") for p, (slot, _) in lexicon.slot_words.items() if slot == "time"]
        phrases += [make_phrase(p, "ood") for p in lexicon.out_of_domain]
        phrases += [Phrase(p, "filler") for p in lexicon.fillers if len(p) >= 2]
        self.matcher = PhraseMatcher(phrases)
        triggers = {**lexicon.composed_triggers, **lexicon.event_triggers}
        self.events = PhraseMatcher([make_phrase(p, e) for p, e in triggers.items()])

    def analyze(self, text: str) -> Analysis:
        rewritten, rewrites = self.vocabulary.rewrite_latin(text)
        rewritten, more = self.vocabulary.correct_homophones(rewritten, self._is_word)
        rewrites += more
        rewritten, ages = rewrite_ages(rewritten, lambda surface: surface in self.synonyms)
        rewrites += [Rewrite(original, phrase, "age") for original, phrase in ages]
        triggers = self._events(rewritten)
        state = _State(Slots(), [], [], [False] * len(rewritten), False)
        for hit in longest_hits_by_kind(self.matcher.find(rewritten)):
            self._apply(hit, rewritten, state, triggers)
        concepts = sorted(state.concepts + self._leftover_words(rewritten, state.covered), key=lambda c: c.start)
        concepts = self._conditions_of_named(concepts, state)
        add_applicant(state.slots, self.lexicon, rewritten)
        state.slots.settle()
        synonyms = [(c.start, c.end) for c in concepts if c.kind == "syn"]
        events = [
            EventHit(h.phrase.payload, rewritten[h.start : h.end], h.start, h.end)
            for h in triggers
            if not any(s <= h.start and h.end <= e and e - s > h.length for s, e in synonyms)
        ]
        # 日子过不下去: a lexicon phrase inside a life event composed of two word classes (a household's living ×
        # "cannot go on") is read as the event, not as itself (过不下去 → 离婚登记)
        composed = self.lexicon.composed_triggers
        longer = [(h.start, h.end) for h in triggers if h.phrase.entry in composed]
        concepts = [
            c
            for c in concepts
            if not (c.kind == "syn" and any(s <= c.start and c.end <= e and e - s > c.length for s, e in longer))
        ]
        if any(e.event == DEATH for e in events) and not state.slots.conditions and _names_a_document(concepts):
            state.slots.conditions.append("cancel")  # 残疾人去世了残疾证咋处理: a deceased's document is cancelled
        content = sum(c.length for c in concepts) + sum(end - start for start, end, _ in state.ood)
        return Analysis(
            text,
            rewritten,
            rewrites,
            state.slots,
            concepts,
            events,
            state.ood,
            state.list_intent,
            content,
            tuple(state.quiet),
        )

    def _apply(self, hit: Hit, text: str, state: _State, triggers: list[Hit]) -> None:
        """Record one lexicon / slot hit in the analysis being built."""
        kind = hit.phrase.payload.split("|", 1)[0]
        if kind == "cond" and self.conditions[hit.phrase.entry] == "none":
            return  # 补贴 is not 补办: leave it to be searched as a word
        state.covered[hit.start : hit.end] = [True] * hit.length
        surface = text[hit.start : hit.end]
        obj = self.lexicon.composed_objects.get(hit.phrase.entry, "")
        if obj:  # 换个名字: the verb is the condition, the object (名字) is still searched as a word
            start = hit.start if surface.startswith(obj) else hit.end - len(obj)
            state.covered[start : start + len(obj)] = [False] * len(obj)
        if kind == "syn":
            state.concepts.append(self._synonym(hit, surface))
        elif kind == "cond" and not any(t.start <= hit.start and hit.end <= t.end for t in triggers):
            self._condition(state.slots, hit.phrase.entry, surface)  # 没了 in 老人没了 is no lost card
            state.quiet.append((hit.start, hit.end))
        elif kind == "place":
            place = place_slot(Hit(hit.start, hit.end, Phrase(hit.phrase.text, hit.phrase.payload[6:])))
            if state.slots.place is None or (state.slots.place["kind"] != "division" and place["kind"] == "division"):
                state.slots.place = place  # 青岛市南区: the district, not the city
        elif kind == "time":
            add_time(state.slots, surface, self.lexicon.slot_words[hit.phrase.text][1])
        elif kind == "ood":
            state.ood.append((hit.start, hit.end, surface))
        elif kind == "filler":
            role = self.lexicon.fillers[hit.phrase.entry]
            state.list_intent = state.list_intent or role == "list"
            if role in QUIET_FILLERS:
                state.quiet.append((hit.start, hit.end))

    def _conditions_of_named(self, concepts: list[Concept], state: _State) -> list[Concept]:
        """A phrase that is both a service and a condition (改名: 姓名变更登记, and a change) said beside a phrase
        naming another document or service is the condition of that one (饭店改了名字，食品许可证要跟着变)."""
        both = {c.surface for c in concepts if c.kind == "syn" and self.conditions.get(c.surface, "none") != "none"}
        named = [c for c in concepts if c.kind == "syn" and c.surface not in both]
        if not named:
            return concepts
        kept = []
        for concept in concepts:
            if concept.kind == "syn" and concept.surface in both:
                self._condition(state.slots, concept.surface, concept.surface)
                continue
            kept.append(concept)
        return kept

    def _is_word(self, text: str) -> bool:
        return bool(self.segmenter.is_dictionary_word(text))

    def _synonym(self, hit: Hit, surface: str) -> Concept:
        key = hit.phrase.entry
        terms = {e.term: e.weight for e in self.synonyms.get(key, ())}
        categories = self.lexicon.categories.get(key, ())
        kind = "syn" if terms else "venue"  # 派出所, 车管所: where, not what
        return Concept(hit.start, hit.end, surface, kind, terms, categories)

    def _condition(self, slots: Slots, key: str, surface: str) -> None:
        condition = self.conditions[key]
        if condition != "none" and condition not in slots.conditions:
            slots.conditions.append(condition)
        if condition != "none":
            slots.condition_words.append(surface)

    def _leftover_words(self, text: str, covered: list[bool]) -> list[Concept]:
        """Words outside every lexicon phrase and slot (each uncovered run segmented on its own)."""
        concepts: list[Concept] = []
        run_start: int | None = None
        for i in range(len(text) + 1):
            inside = i < len(text) and not covered[i] and not text[i].isspace()
            if inside and run_start is None:
                run_start = i
            elif not inside and run_start is not None:
                concepts += self._run_words(text[run_start:i], run_start)
                run_start = None
        return concepts

    def _run_words(self, run: str, offset: int) -> list[Concept]:
        out: list[Concept] = []
        position = offset
        for word in self.segmenter.words(run):
            start, position = position, position + len(word)
            if word in self.lexicon.fillers or not word.strip():
                continue
            out.append(Concept(start, position, word, "word", {word: 1.0}))
        return out

    def _events(self, text: str) -> list[Hit]:
        return longest_hits(self.events.find(text))


DEATH = "death"
DOCUMENT_ENDINGS = ("证", "卡", "照", "簿")
REGISTERS = frozenset({"户口", "户籍"})  # a person's entry in the household register ends with the person


def _names_a_document(concepts: list[Concept]) -> bool:
    """Whether the query names a certificate or card (a synonym whose official term ends in 证 / 卡 / 照 / 簿) or the
    household register (户口: 俺爹走了，他那个户口咋弄 → the deceased's registration is cancelled)."""
    return any(
        (c.kind == "syn" and any(t.endswith(DOCUMENT_ENDINGS) for t in c.terms)) or c.surface in REGISTERS
        for c in concepts
    )


def longest_hits_by_kind(hits: list[Hit]) -> list[Hit]:
    """Non-overlapping hits: most literal characters first (二手房 before the gap phrase 买~房 that spans
    买二手房; an exact phrase before a gap phrase of the same length), then by kind, then leftmost."""
    chosen: list[Hit] = []
    taken: set[int] = set()
    for hit in sorted(hits, key=_priority):
        span = set(range(hit.start, hit.end))
        if not span & taken:
            chosen.append(hit)
            taken |= span
    return sorted(chosen, key=lambda h: h.start)


def _priority(hit: Hit) -> tuple[int, bool, int, int]:
    kind = hit.phrase.payload.split("|", 1)[0]
    return (-len(hit.phrase.text), hit.phrase.regex is not None, KIND_ORDER[kind], hit.start)
