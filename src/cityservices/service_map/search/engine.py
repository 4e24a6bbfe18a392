"""The search engine: built once from the catalogue (``build_search_index``), then queried in memory.

normalise → understand (pinyin, homophones, lexicon, slots, life events) → BM25 with weighted terms →
fuse (core prior, condition fit, bundle, hints, optional semantic score) → confidence → clarification
and explanations.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from cityservices.service_map.search.benefits import BenefitRequests
from cityservices.service_map.search.clarify import clarify
from cityservices.service_map.search.confidence import (
    ANCHORED_MIN_COVERAGE,
    MIN_COVERAGE,
    OUT_OF_DOMAIN_MIN_COVERAGE,
    concept_hits,
    coverage,
)
from cityservices.service_map.search.documents import DocumentRequests
from cityservices.service_map.search.domain import REQUEST_WEIGHT, SYNONYM_WEIGHT, DomainVocabulary, Evidence, weigh
from cityservices.service_map.search.explain import describe_intent, explain
from cityservices.service_map.search.fields import FIELD_WEIGHTS, SITUATIONS, FieldedIndex
from cityservices.service_map.search.frames import PurposeFrames
from cityservices.service_map.search.groups import GroupBuilder
from cityservices.service_map.search.lexicon import Lexicon, load_lexicon
from cityservices.service_map.search.moves import MoveRules
from cityservices.service_map.search.normalize import clean_query, normalize_text
from cityservices.service_map.search.passages import SituationPassages
from cityservices.service_map.search.phonetic import PinyinVocabulary
from cityservices.service_map.search.plan import LEFTOVER_FACTOR, build_plan, merged_bag, word_weight
from cityservices.service_map.search.rank import ConditionModel, Scored, family_pick, fuse
from cityservices.service_map.search.records import BundleRecord, Catalogue, ItemRecord, read_catalogue
from cityservices.service_map.search.retrieve import FloatArray, LexicalIndex, PlanConcept, score_plan, top_k
from cityservices.service_map.search.schemas import (
    BundleItemRead,
    BundleRead,
    ClarificationOptionRead,
    ClarificationRead,
    GuideSummaryRead,
    SearchItemRead,
    SearchRead,
)
from cityservices.service_map.search.segment import BIGRAM, Segmenter
from cityservices.service_map.search.semantic import SemanticCascade, SemanticScorer
from cityservices.service_map.search.understand import Analysis, Concept, Understander

CANDIDATES = 80
UNKNOWN_WORD_WEIGHT = 0.25
SYNONYM_CONFIDENCE_WEIGHT = 1.5
MAX_LIMIT = 50
DOMINANT_LEFTOVER_CHARS = 2
NO_MATCH_MESSAGE = "没有找到能办理这件事的政务服务事项"
UNSURE_MESSAGE = "没有完全听懂，下面是最接近的事项"
DID_YOU_MEAN = "您是不是要办："
DID_YOU_MEAN_OPTIONS = 3
NAMED_MIN = 4  # characters of an official name typed in full
# The shown list ends where the answers stop being about the query: after the first TAIL_KEEP, an item scoring
# under TAIL_RATIO of the best is left out (诊所备案 after the four 异地就医 filings), unless it belongs to
# the recognised life event.
TAIL_KEEP = 3
NAME_PUNCTUATION = re.compile(r"[\s，、,；;：:（）()“”\"'《》<>·.。]")
TAIL_RATIO = 0.5
FAMILY_WINDOW = 12  # the best-ranked candidates among which a family's members are told apart
GENERIC_NAME_WORD = 14  # a word in this many core item names (登记, 申请) tells no family member apart
DEFAULT_SUGGESTIONS = ("居民身份证到期换领", "社会保障卡申领", "租房提取住房公积金", "内地居民结婚登记", "出生登记")


@dataclass
class EventMatch:
    event: str
    bundle: BundleRecord | None
    dominant: bool


class SearchIndex:
    """An in-memory index of one catalogue. Thread-safe for reads; rebuild to pick up changes."""

    def __init__(
        self,
        catalogue: Catalogue,
        *,
        lexicon: Lexicon | None = None,
        semantic: SemanticScorer | None = None,
        cascade: SemanticCascade | None = None,
        field_weights: Mapping[str, float] = FIELD_WEIGHTS,
        situations_explain: bool = True,
    ):
        started = time.perf_counter()
        self.catalogue = catalogue
        self.items = catalogue.items
        self.lexicon = lexicon or load_lexicon()
        self.segmenter = Segmenter(self._domain_words())
        self.tokens_of = self.segmenter.tokens
        documents = [self._document(item) for item in self.items]
        core_names = [item.name for item in self.items if item.is_core]
        self.vocabulary = PinyinVocabulary(self._vocabulary(documents), self.lexicon.fillers, core_names)
        self.lexical = FieldedIndex(
            LexicalIndex(documents), self.items, catalogue.bundles, self.segmenter.tokens, field_weights
        )
        del documents
        self.understander = Understander(self.lexicon, self.segmenter, self.vocabulary, catalogue.divisions)
        self.conditions = ConditionModel(self.lexicon)
        self.by_code = {item.code: i for i, item in enumerate(self.items)}
        self.event_bundles = self._event_bundles(catalogue.bundles)
        self.semantic = semantic
        if semantic is not None:
            semantic.index([item.name for item in self.items])
        self.cascade = cascade
        if cascade is not None:
            cascade.index(self._cascade_texts(catalogue.bundles, with_situations=cascade.with_situations))
        self._groups = GroupBuilder(self.items, self.lexicon)
        self.moves = MoveRules.load()
        self._move_items = self._items_named(self.moves.results)
        self.purposes = PurposeFrames.load()
        self.documents = DocumentRequests.load()
        self.benefits = BenefitRequests.load()
        self._purpose_items = self._items_named(self.purposes.items())
        self._core_names = sorted(
            ((normalize_text(item.name).replace(" ", ""), i) for i, item in enumerate(self.items) if item.is_core),
            key=lambda pair: -len(pair[0]),
        )
        self.situations_explain = situations_explain
        core = [item for item in self.items if item.is_core]
        self.domain = DomainVocabulary(
            self.segmenter,
            [*(b.name for b in catalogue.bundles), *(t for item in core for t in (item.name, *item.aliases))],
            self.lexicon,
            [dict(item.fields).get(SITUATIONS, "") for item in core],
        )
        self._generic_words = self._common_name_words()
        self._payers = np.array([self.benefits.pays(item.name) for item in self.items], dtype=bool)
        self.passages = situation_passages(self.items)
        self._item_tokens: dict[int, set[str]] = {}
        self._guides: dict[int, GuideSummaryRead | None] = {}
        self.build_seconds = time.perf_counter() - started

    # ----- building -------------------------------------------------------------------------------

    def _domain_words(self) -> list[str]:
        lex = self.lexicon
        words = [*lex.synonyms, *lex.official_terms(), *lex.query_conditions, *lex.item_conditions]
        words += [p for p in lex.event_triggers if "~" not in p]
        words += [item.name for item in self.items if item.is_core]
        return words

    def _document(self, item: ItemRecord) -> list[str]:
        tokens = self.segmenter.tokens(item.name)
        for alias in item.aliases:
            tokens += self.segmenter.tokens(alias)
        return tokens

    def _vocabulary(self, documents: list[list[str]]) -> list[tuple[str, int]]:
        """Terms for pinyin and homophones with priorities (lower wins): tier × 10 − use in core names."""
        lex = self.lexicon
        core_names = [item.name for item in self.items if item.is_core]
        best: dict[str, int] = {p: 0 for p in lex.synonyms if "~" not in p}
        for term in [*lex.official_terms(), *lex.query_conditions, *lex.event_triggers]:
            if "~" not in term:
                best.setdefault(term, 10)
        for item, tokens in zip(self.items, documents, strict=True):
            tier = 20 if item.is_core else 30
            for token in tokens:
                if not token.startswith(BIGRAM) and best.get(token, 99) > tier:
                    best[token] = tier
        return [(term, tier - min(9, sum(term in name for name in core_names))) for term, tier in best.items()]

    def _common_name_words(self) -> frozenset[str]:
        """Words too common in core item names to tell a family's members apart, and the condition markers (the
        condition fit weighs those)."""
        counts: Counter[str] = Counter()
        for item in self.items:
            if item.is_core:
                counts.update(set(self.tokens_of(item.name)))
        common = {word for word, n in counts.items() if n >= GENERIC_NAME_WORD}
        return frozenset(common | set(self.lexicon.item_conditions))

    def _items_named(self, names: Mapping[str, str]) -> dict[str, int]:
        """Key → index of the item with that name (a core item first); names the catalogue lacks are left out."""
        by_name: dict[str, int] = {}
        for i, item in sorted(enumerate(self.items), key=lambda pair: not pair[1].is_core):
            by_name.setdefault(item.name, i)
        return {key: by_name[name] for key, name in names.items() if name in by_name}

    def _event_bundles(self, bundles: list[BundleRecord]) -> dict[str, BundleRecord]:
        found: dict[str, BundleRecord] = {}
        for event, spec in self.lexicon.events.items():
            for key in spec.bundles:
                match = next((b for b in bundles if key in (b.name, b.life_event) and b.item_codes), None)
                if match is not None:
                    found[event] = match
                    break
        return found

    # ----- searching ------------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 10, origin: tuple[float, float] | None = None) -> SearchRead:
        """Ranked items for a citizen's query; raises InvalidQuery for input that is not a query."""
        text = clean_query(query)
        limit = max(1, min(limit, MAX_LIMIT))
        analysis = self.understander.analyze(text)
        event = self._event(analysis)
        ranked = self._named_first(text, self._rank(analysis, event))
        slots = analysis.slots.as_dict()
        if origin is not None:
            slots["origin"] = {"lat": origin[0], "lng": origin[1], "crs": "wgs84"}
        confidence, grounded, anchored = self._confidence(analysis, ranked, event)
        threshold = ANCHORED_MIN_COVERAGE if anchored else MIN_COVERAGE
        if analysis.out_of_domain:
            threshold = OUT_OF_DOMAIN_MIN_COVERAGE
        unsure = bool(ranked) and (confidence < threshold or not grounded)
        # Only an out-of-domain question is "no match"; an in-domain query the engine is unsure of still
        # gets its best candidates, offered as a choice ("您是不是要办").
        evidence = self._with_the_best_items_evidence(
            weigh(analysis, self.domain, self._concept_weight, self._catalogue_knows), analysis, ranked
        )
        no_match = not ranked or not self._in_domain(evidence, confidence, bool(analysis.slots.conditions))
        if unsure and not no_match:  # a guess: offer the high-frequency (core) items first
            ranked = sorted(ranked, key=lambda s: not self.items[s.index].is_core)
            if self.cascade is not None:
                ranked = self._cascaded(text, ranked)
            ranked = in_shown_order(ranked)
        bundle = None if no_match else self._bundle_hit(event, ranked)
        items: list[SearchItemRead] = []
        clarification: ClarificationRead | None = None
        if not no_match:
            shown = self._distinct(without_tail(ranked))[:limit]
            items = [self._hit(analysis, s, bundle.name if bundle else None) for s in shown]
            asked = bool(analysis.slots.conditions) or bundle is not None
            clarification = clarify(ranked, self.items, self.conditions, self.lexicon, asked)
            if unsure and bundle is None:
                clarification = self._did_you_mean(ranked)
        choice = None
        if clarification is not None and clarification.question != DID_YOU_MEAN and items:
            choice = self.conditions.base(items[0].name)
        understood = describe_intent(
            analysis.rewritten,
            slots,
            bundle=bundle.name if bundle else None,
            top=items[0].name if items else None,
            choice=choice,
            unsure=unsure,
        )
        return SearchRead(
            query=query,
            normalized=text,
            understood=understood,
            items=items,
            bundle=bundle,
            slots=slots,
            clarification=clarification,
            no_match=no_match,
            message=NO_MATCH_MESSAGE if no_match else (UNSURE_MESSAGE if unsure else None),
            suggestions=self._suggestions(analysis, ranked) if no_match else [],
            confidence=confidence,
        )

    def _distinct(self, ranked: list[Scored]) -> list[Scored]:
        """One answer per item name: items whose names differ only in punctuation (two sources listing the same
        item with "，" and "、") are shown once, the better-ranked one."""
        seen: set[str] = set()
        kept = []
        for scored in ranked:
            key = NAME_PUNCTUATION.sub("", self.items[scored.index].name)
            if key not in seen:
                seen.add(key)
                kept.append(scored)
        return kept

    def _with_the_best_items_evidence(self, evidence: Evidence, analysis: Analysis, ranked: list[Scored]) -> Evidence:
        """Domain evidence that only the best candidate shows: a request for a document it issues (找工作，公司让开个
        没犯过事的证明), and a district or street of the city named beside a phrase for its whole name, which asks
        where that service is given here (即墨婚检在哪个医院做)."""
        if not ranked:
            return evidence
        top = self.items[ranked[0].index]
        extra = REQUEST_WEIGHT if "document" in ranked[0].parts else 0.0
        place = analysis.slots.place or {}
        if place.get("kind") == "division" and any(c.kind == "syn" and top.name in c.terms for c in analysis.concepts):
            extra += SYNONYM_WEIGHT
        return Evidence(evidence.domain + extra, evidence.off_topic) if extra else evidence

    def _in_domain(self, evidence: Evidence, confidence: float, condition: bool) -> bool:
        """Is the query about public services? Its domain evidence outweighs its off-topic evidence (domain.py).
        A query with neither (only fillers, single characters, words only other regions' items know: 着了一场大火)
        is answered when it names a condition or its best item explains some of it: an empty page is the worst
        answer for a citizen, and nothing in such a query says it is off topic."""
        if evidence.domain or evidence.off_topic:
            return evidence.in_domain
        return condition or confidence > 0

    def _catalogue_knows(self, concept: Concept) -> bool:
        """Whether any item of the catalogue (core or not) has one of the word's tokens in its name or situations."""
        bag = merged_bag(self.segmenter, concept.terms)
        return any(self.lexical.document_frequency(token) or self._situation_frequency(token) for token in bag)

    def _named_first(self, text: str, ranked: list[Scored]) -> list[Scored]:
        """A query that contains a core item's full official name gets that item first (the longest name wins)."""
        compact = text.replace(" ", "")
        named = next((i for name, i in self._core_names if len(name) >= NAMED_MIN and name in compact), None)
        if named is None or not ranked or ranked[0].index == named:
            return ranked
        found = next((s for s in ranked if s.index == named), None)
        top = Scored(named, ranked[0].score, found.lexical if found else 0.0, dict(found.parts) if found else {})
        return [top, *(s for s in ranked if s.index != named)]

    def _cascade_texts(self, bundles: list[BundleRecord], *, with_situations: bool) -> list[tuple[int, str]]:
        """What the cascade embeds per core item: its name, the bundles it belongs to, its situations."""
        member_of: dict[str, list[str]] = {}
        for bundle in bundles:
            for code in bundle.item_codes:
                member_of.setdefault(code, []).append(bundle.name)
        texts = []
        for i, item in enumerate(self.items):
            if item.is_core:
                situations = dict(item.fields).get(SITUATIONS, "").split() if with_situations else []
                texts.append((i, "；".join([item.name, *member_of.get(item.code, []), *situations])))
        return texts

    def _cascaded(self, text: str, ranked: list[Scored]) -> list[Scored]:
        """The unsure lexical ranking fused with the semantic neighbours of the query (``SemanticCascade``)."""
        if self.cascade is None:
            return ranked
        by_index = {s.index: s for s in ranked}
        order = self.cascade.fuse(text, [s.index for s in ranked])
        floor = min((s.score for s in ranked), default=0.0)
        return [by_index.get(i) or Scored(i, floor, 0.0, {"semantic": 1.0}) for i in order]

    def _did_you_mean(self, ranked: list[Scored]) -> ClarificationRead:
        best = [self.items[s.index] for s in ranked if self.items[s.index].is_core][:DID_YOU_MEAN_OPTIONS]
        best = best or [self.items[s.index] for s in ranked[:DID_YOU_MEAN_OPTIONS]]
        options = [ClarificationOptionRead(label=item.name, name=item.name, code=item.code) for item in best]
        return ClarificationRead(question=DID_YOU_MEAN, options=options)

    def _event(self, analysis: Analysis) -> EventMatch | None:
        if not analysis.events:
            return None
        hit = analysis.events[0]
        spans = [(h.start, h.end) for h in analysis.events]
        outside = [c for c in analysis.concepts if not any(s <= c.start and c.end <= e for s, e in spans)]
        quiet = not any(c.kind == "syn" for c in outside) and sum(c.length for c in outside) <= DOMINANT_LEFTOVER_CHARS
        dominant = not analysis.slots.conditions and (analysis.list_intent or quiet)
        return EventMatch(hit.event, self.event_bundles.get(hit.event), dominant)

    def _rank(self, analysis: Analysis, event: EventMatch | None) -> list[Scored]:
        dominant = event is not None and event.dominant
        household = bool(self.moves.find(analysis.rewritten, "context"))
        plan = build_plan(
            analysis, self.segmenter, self.lexical, self.lexicon, dominant_event=dominant, household=household
        )
        scores = self._benefit_scores(analysis, plan, score_plan(self.lexical, plan))
        candidates = {i: float(scores[i]) for i in top_k(scores, CANDIDATES)}
        passages = self.passages.similarity(case_text(analysis))
        for told in passages:  # an item whose situation tells the query's case is a candidate, whatever its name
            candidates.setdefault(told, float(scores[told]))
        event_items: dict[int, tuple[int, bool, bool]] = {}
        if event is not None and event.bundle is not None:
            done = set(self.lexicon.events[event.event].done)
            for position, code in enumerate(event.bundle.item_codes):
                index = self.by_code.get(code)
                if index is not None and self.items[index].name not in done:
                    # a long bundle's order is the order of its steps: beside other words, they pick the member
                    event_items[index] = (position, event.dominant, not event.dominant)
                    candidates.setdefault(index, float(scores[index]))
        elif event is not None:  # no bundle: the items the event's terms name stand in for its members
            for position, index in enumerate(self._groups.members(event.event)):
                event_items[index] = (position, event.dominant, False)
                candidates.setdefault(index, float(scores[index]))
        move = self._named_by_frame(analysis.rewritten)
        if move is not None and candidates:
            candidates.setdefault(move, float(scores[move]))
        if not candidates:
            return []
        semantic = self.semantic.scores(analysis.rewritten, list(candidates)) if self.semantic else None
        documents: frozenset[int] = frozenset()
        if self.documents.asked(analysis.rewritten):
            documents = frozenset(i for i in candidates if self.documents.issues(self.items[i].name))
        benefits: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset())
        money, benefit = self.benefits.asked(analysis.rewritten)
        if benefit:
            names = {i: self.items[i].name for i in candidates}
            benefits = (
                frozenset(i for i, name in names.items() if money and self.benefits.pays(name)),
                frozenset(i for i, name in names.items() if self.benefits.establishes(name)),
            )
        ranked = fuse(
            analysis,
            list(candidates.items()),
            self.items,
            self.conditions,
            event_items,
            semantic,
            move,
            documents,
            benefits,
            passages,
        )
        return self._family_pick(analysis, ranked)

    def _benefit_scores(self, analysis: Analysis, plan: list[PlanConcept], scores: FloatArray) -> FloatArray:
        """A query asking for a benefit in general words (能领什么补助, 咋领钱) names what it needs by a class every
        paying item belongs to, and who applies by its other words (当兵, 农村 …满60): an item that pays
        (benefits.py) holds the benefit words whatever its name calls the money (优待金, 养老金), so it scores as if
        it matched them, by how well it matches the rest. Items matching none of the rest are left as they were."""
        if not self.benefits.asked(analysis.rewritten)[1]:
            return scores
        generic = [self.benefits.names_benefit(part.label) for part in plan]
        total = sum(part.weight for part in plan)
        share = sum(part.weight for part, g in zip(plan, generic, strict=True) if g) / total if total else 0.0
        if not 0.0 < share < 1.0:
            return scores
        who = score_plan(self.lexical, [part for part, g in zip(plan, generic, strict=True) if not g])
        lifted = who * np.float32(1.0 - share) + np.float32(share)
        return np.where(self._payers & (who > 0), np.maximum(scores, lifted), scores)

    def _family_pick(self, analysis: Analysis, ranked: list[Scored]) -> list[Scored]:
        """The member of the leading family of items whose own word the query names comes first (rank.family_pick)."""
        named: set[str] = set()
        for concept in analysis.concepts:
            for text in (concept.surface, *concept.terms):
                named.update(self.tokens_of(text))
        window = family_pick(
            ranked[:FAMILY_WINDOW], self.items, named, self.tokens_of, self._generic_words.__contains__
        )
        return window + ranked[FAMILY_WINDOW:]

    def _named_by_frame(self, text: str) -> int | None:
        """The item that the direction of a household move (moves.py) or the purpose of a need (frames.py) names."""
        frame = self.moves.frame(text)
        if frame is not None and frame in self._move_items:
            return self._move_items[frame]
        purpose = self.purposes.purpose(text)
        return self._purpose_items.get(purpose) if purpose is not None else None

    def item_tokens(self, index: int) -> set[str]:
        """The item's own words: its name and aliases, and the whole words of its plain-language situations
        (适用情形, when that field is searched): a query word that the situations explain is understood."""
        tokens = self._item_tokens.get(index)
        if tokens is None:
            item = self.items[index]
            tokens = set(self._document(item)) | self.situation_words(item)
            if len(self._item_tokens) < 100_000:
                self._item_tokens[index] = tokens
        return tokens

    def _situation_frequency(self, token: str) -> int:
        return self.lexical.field_frequency(SITUATIONS, token) if self.situations_explain else 0

    def situation_words(self, item: ItemRecord) -> set[str]:
        if SITUATIONS not in self.lexical.field_names or not self.situations_explain:
            return set()
        text = dict(item.fields).get(SITUATIONS, "")
        return {token for token in self.tokens_of(text) if not token.startswith(BIGRAM)} if text else set()

    def _confidence(
        self, analysis: Analysis, ranked: list[Scored], event: EventMatch | None
    ) -> tuple[float, bool, bool]:
        """Coverage of the query by the best item; whether out-of-domain words are outweighed; whether a
        lexicon phrase anchors the answer (then a lower coverage is accepted: part of the need is known)."""
        if not ranked:
            return 0.0, False, False
        top = self.items[ranked[0].index]
        tokens = self.item_tokens(ranked[0].index)
        has_event = event is not None and (event.bundle is not None or event.dominant)
        value = coverage(analysis, top, tokens, self.tokens_of, has_event, self._concept_weight)
        named = set(self._document(top))  # a lexicon phrase anchors the answer only through the item's name
        syn = any(c.kind == "syn" and concept_hits(c, named, self.tokens_of, top) for c in analysis.concepts)
        grounded = not analysis.out_of_domain or syn or has_event
        return value, grounded, syn and not analysis.out_of_domain

    def _concept_weight(self, concept: Concept) -> float:
        """Weight in the confidence: curated phrases count most, leftover words by rarity, unknown words little."""
        if concept.kind == "syn":
            return SYNONYM_CONFIDENCE_WEIGHT
        if concept.kind == "venue" or len(concept.surface) < 2:
            return 0.0
        if not self._catalogue_knows(concept):
            return UNKNOWN_WORD_WEIGHT
        bag = merged_bag(self.segmenter, concept.terms)
        return LEFTOVER_FACTOR * word_weight(self.lexical, bag)

    def _suggestions(self, analysis: Analysis, ranked: list[Scored]) -> list[str]:
        """What to try instead of a query that matched nothing."""
        suggestions: list[str] = []
        categories = analysis.categories
        if categories:  # 附近的派出所: the items that place handles
            suggestions = [i.name for i in self.items if i.is_core and i.category in categories][:5]
        elif not analysis.out_of_domain:
            suggestions = [self.items[s.index].name for s in ranked[:3]]
        return suggestions or list(DEFAULT_SUGGESTIONS)

    def _bundle_hit(self, event: EventMatch | None, ranked: list[Scored]) -> BundleRead | None:
        if event is None:
            return None
        if event.bundle is None:
            return self._groups.group(event.event, [s.index for s in ranked]) if event.dominant else None
        top_code = self.items[ranked[0].index].code
        if not event.dominant and top_code not in event.bundle.item_codes:
            return None
        bundle = event.bundle
        members = []
        for position, (code, note) in enumerate(
            zip(bundle.item_codes, bundle.notes or ("",) * len(bundle.item_codes), strict=False), 1
        ):
            index = self.by_code.get(code)
            if index is not None:
                name = self.items[index].name
                members.append(BundleItemRead(position=position, name=name, code=code, note=note))
        return BundleRead(code=bundle.code, name=bundle.name, life_event=bundle.life_event, items=members)

    def _hit(self, analysis: Analysis, scored: Scored, bundle_name: str | None) -> SearchItemRead:
        item = self.items[scored.index]
        in_bundle = bundle_name if "event" in scored.parts else None
        reasons = explain(analysis, item, self.item_tokens(scored.index), self.tokens_of, self.conditions, in_bundle)
        return SearchItemRead(
            name=item.name,
            code=item.code,
            score=scored.score,
            category=item.category,
            department=item.department,
            is_core=item.is_core,
            guide=self.guide_read(scored.index),
            explanations=reasons,
        )

    def guide_read(self, index: int) -> GuideSummaryRead | None:
        """The guide summary of item ``index`` as answered (built once per item, shared: it is frozen)."""
        if index in self._guides:
            return self._guides[index]
        summary = self.items[index].guide
        guide = GuideSummaryRead.of(summary) if summary is not None else None
        if len(self._guides) < 100_000:
            self._guides[index] = guide
        return guide

    def stats(self) -> dict[str, Any]:
        return {"items": len(self.items), "vocabulary": len(self.lexical.vocab), "build_seconds": self.build_seconds}


def item_domain_texts(item: ItemRecord) -> list[str]:
    """What one edited core item adds to the domain vocabulary: its name and aliases."""
    return [item.name, *item.aliases]


def case_text(analysis: Analysis) -> str:
    """The query with its fillers, question words and condition words blanked out: what is left tells the case
    (俺娘没了，户口本咋办 → 俺娘 户口本), so a situation sharing only how the need is asked (没了 …咋办) is no match."""
    chars = list(analysis.rewritten)
    for start, end in analysis.quiet:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def situation_passages(items: list[ItemRecord]) -> SituationPassages:
    """The core items' situations, one passage per sentence (passages.py)."""
    return SituationPassages(
        [
            (i, " ".join([item.name, *item.aliases]), dict(item.fields).get(SITUATIONS, ""))
            for i, item in enumerate(items)
            if item.is_core
        ]
    )


def in_shown_order(ranked: list[Scored]) -> list[Scored]:
    """Scores that never rise down a list reordered for an unsure answer (core items first, the cascade): each
    item's score is capped by the one shown above it."""
    capped: list[Scored] = []
    for scored in ranked:
        if capped and scored.score > capped[-1].score:
            scored = replace(scored, score=capped[-1].score)
        capped.append(scored)
    return capped


def without_tail(ranked: list[Scored]) -> list[Scored]:
    """The ranking without its unrelated tail (see TAIL_RATIO); the first TAIL_KEEP always stay."""
    if len(ranked) <= TAIL_KEEP:
        return ranked
    floor = max(s.score for s in ranked) * TAIL_RATIO
    return ranked[:TAIL_KEEP] + [s for s in ranked[TAIL_KEEP:] if s.score >= floor or "event" in s.parts]


def build_search_index(session: Session, *, semantic: SemanticScorer | None = None) -> SearchIndex:
    """Read the catalogue from the database and build the in-memory index."""
    return SearchIndex(read_catalogue(session), semantic=semantic)
