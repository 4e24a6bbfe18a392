"""The catalogue search engine: an in-memory index over the drugs and herbal pieces, built once per process.

A query is normalised (``kit.text``), then understood: typed pinyin or initials, a colloquial group (降压药 →
classes), a brand (拜新同 → 硝苯地平), a dosage-form word (片 → 口服常释剂型). Candidates come from character
bigrams and fuzzy-pinyin syllable bigrams of the names, and are scored by exact / prefix / contained match,
same fuzzy pinyin (homophone typos) and a character similarity (other typos). docs/insurance-catalogue.md.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache

from cityservices.insurance.catalogue.lexicon import Lexicon, lexicon
from cityservices.kit.text import fuzzy, is_han, normalize_text, syllables

TYPO_CANDIDATES = 40  # character similarity (other typos) is computed for the candidates sharing the most grams
_PAREN = re.compile(r"[(（][^)）]*[)）]")
_AFFIXES = ("注射用", "注射液", "口服溶液", "缓释片", "肠溶片", "分散片", "胶囊", "颗粒", "片", "注射剂")
FILLERS = (
    "有哪些", "有什么", "能报销吗", "可以报销吗", "报销吗", "医保", "请问", "有没有", "哪些", "什么", "治疗",
    "药物", "治", "吃", "用", "的", "药", "类", "吗", "呢", "能", "可以", "报销",
)  # fmt: skip


def strip_fillers(text: str) -> str:
    """What is left of a query once its filler words (吃什么药, 有哪些, 的 …) are removed."""
    for filler in FILLERS:
        text = text.replace(filler, "")
    return text


@dataclass(frozen=True)
class Doc:
    """One searchable entry (a catalogue drug row or a herbal piece)."""

    key: str
    kind: str  # "drug" | "herbal"
    name: str
    form: str
    category_code: str
    insurance_class: str
    order: int
    norm: str = ""
    core: str = ""
    syl: tuple[str, ...] = ()
    core_syl: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # 复方丹参片(丸、胶囊) → 复方丹参片, 复方丹参丸, 复方丹参胶囊
    alias_syl: tuple[tuple[str, ...], ...] = ()
    pinyin: str = ""
    initials: str = ""


@dataclass(frozen=True)
class Hit:
    doc: Doc
    score: float
    reason: str  # "name" | "pinyin" | "initials" | "brand" | "group" | "homophone" | "typo"


@dataclass
class Understanding:
    text: str
    rest: str = ""
    brand: str | None = None
    generic: str | None = None
    forms: tuple[str, ...] = ()
    form_word: str = ""
    group: str | None = None
    classes: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)


def compact(text: str) -> str:
    return normalize_text(text).replace(" ", "")


def core_name(name: str) -> str:
    """The name without parentheses and common form affixes (注射用艾普拉唑钠 → 艾普拉唑钠)."""
    core = compact(_PAREN.sub("", name))
    for affix in _AFFIXES:
        if core.startswith(affix) and len(core) > len(affix) + 1:
            core = core[len(affix) :]
        if core.endswith(affix) and len(core) > len(affix) + 1:
            core = core[: -len(affix)]
    return core


_FORM_LIST = re.compile(r"^(.*?)(丸|片|胶囊|颗粒|口服液|散|膏|糖浆|合剂|滴丸|软胶囊|贴|栓)[(（]([^)）]+)[)）]$")


def aliases_of(name: str) -> tuple[str, ...]:
    """The names a 中成药 row stands for: 复方丹参片(丸、胶囊) → 复方丹参片, 复方丹参丸, 复方丹参胶囊."""
    found = _FORM_LIST.match(name.strip())
    if not found:
        return ()
    stem, first, rest = found.groups()
    names = [stem + first] + [stem + alt.strip() for alt in re.split("[、,，]", rest) if alt.strip()]
    return tuple(dict.fromkeys(compact(n) for n in names))


@lru_cache(maxsize=32768)
def plain_syllables(text: str) -> tuple[str, ...]:
    """Toneless syllables of a name (remembered: the same names recur across rows, cores and aliases)."""
    return tuple(syllables(text))


def fuzzy_syllables(text: str) -> tuple[str, ...]:
    return tuple(fuzzy(s) for s in plain_syllables(text) if len(s) > 1 or s.isalnum())


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def _contains(seq: tuple[str, ...], part: tuple[str, ...]) -> bool:
    n = len(part)
    return n > 0 and any(seq[i : i + n] == part for i in range(len(seq) - n + 1))


class CatalogueIndex:
    def __init__(self, docs: Iterable[Doc], words: Lexicon | None = None) -> None:
        self.words = words or lexicon()
        self.docs: list[Doc] = []
        self.by_bigram: dict[str, list[int]] = defaultdict(list)
        self.by_char: dict[str, list[int]] = defaultdict(list)
        self.by_syllables: dict[tuple[str, str], list[int]] = defaultdict(list)
        for doc in docs:
            norm = compact(doc.name)
            syl = fuzzy_syllables(norm)
            parts = [s for s in plain_syllables(norm) if s.isalnum()]
            full = doc.pinyin or "".join(parts)
            initials = doc.initials or "".join(p[0] for p in parts)
            aliases = aliases_of(doc.name)
            built = replace(
                doc,
                norm=norm,
                core=core_name(doc.name),
                core_syl=fuzzy_syllables(core_name(doc.name)),
                syl=syl,
                pinyin=full,
                initials=initials,
                aliases=aliases,
                alias_syl=tuple(fuzzy_syllables(a) for a in aliases),
            )
            at = len(self.docs)
            self.docs.append(built)
            for gram in set().union(*(_bigrams(n) for n in (norm, *aliases))):
                self.by_bigram[gram].append(at)
            for char in set(norm):
                self.by_char[char].append(at)
            for pair in {syl[i : i + 2] for i in range(len(syl) - 1)}:
                self.by_syllables[(pair[0], pair[1])].append(at)
        self.vocabulary = self._latin_vocabulary()

    def _latin_vocabulary(self) -> dict[str, str]:
        """Pinyin and initials of the brands and colloquial groups (jiangyayao, jyy → 降压药)."""
        out: dict[str, str] = {}
        for term in [*self.words.groups, *self.words.brands]:
            parts = [s for s in syllables(term) if s.isalpha()]
            out.setdefault("".join(parts), term)
            if len(parts) >= 3:
                out.setdefault("".join(p[0] for p in parts), term)
        return out

    # understanding -------------------------------------------------------------------------------------------
    def understand(self, raw: str) -> Understanding:
        text = compact(raw)
        found = Understanding(text=text, rest=text)
        if text.isascii() and text in self.vocabulary:
            text = found.rest = self.vocabulary[text]
            found.notes.append(f"拼音“{found.text}”→“{text}”")
        for brand in sorted(self.words.brands, key=len, reverse=True):
            if brand in text and brand != self.words.brands[brand]:
                found.brand, found.generic = brand, self.words.brands[brand]
                text = found.rest = text.replace(brand, found.generic)
                found.notes.append(f"商品名“{brand}”的通用名是“{found.generic}”")
                break
        for phrase in sorted(self.words.groups, key=len, reverse=True):
            if phrase in text and not strip_fillers(text.replace(phrase, "", 1)):
                found.group, found.classes = phrase, self.words.groups[phrase]
                found.rest = ""
                return found
        for word in sorted(self.words.forms, key=len, reverse=True):
            if text.endswith(word) and len(text) - len(word) >= 2:
                found.form_word, found.forms, found.rest = word, self.words.forms[word], text[: -len(word)]
                break
        return found

    # retrieval -------------------------------------------------------------------------------------------------
    def search(self, raw: str, limit: int = 10) -> tuple[Understanding, list[Hit]]:
        found = self.understand(raw)
        if not found.text:
            return found, []
        if found.classes:
            return found, self._group(found)[:limit]
        hits = self._latin(found.rest) if found.rest.isascii() else self._names(found)
        hits.sort(key=lambda h: (-h.score, h.doc.insurance_class != "甲", h.doc.order))
        return found, hits[:limit]

    def _group(self, found: Understanding) -> list[Hit]:
        hits = []
        stem = found.group.removesuffix("药") if found.group else ""
        for doc in self.docs:
            in_class = doc.kind == "drug" and doc.category_code.startswith(found.classes)
            named = len(stem) >= 2 and stem in doc.norm
            if in_class or named:
                hits.append(Hit(doc, 60.0 if in_class else 58.0, "group"))
        hits.sort(key=lambda h: (-h.score, h.doc.insurance_class != "甲", h.doc.order))
        return hits

    def _latin(self, query: str) -> list[Hit]:
        hits = []
        for doc in self.docs:
            if doc.pinyin == query:
                hits.append(Hit(doc, 100.0, "pinyin"))
            elif doc.initials == query and len(query) >= 2:
                hits.append(Hit(doc, 92.0, "initials"))
            elif doc.pinyin.startswith(query) and len(query) >= 3:
                hits.append(Hit(doc, 80.0 - 0.2 * (len(doc.pinyin) - len(query)), "pinyin"))
            elif doc.initials.startswith(query) and len(query) >= 2:
                hits.append(Hit(doc, 70.0 - 0.5 * (len(doc.initials) - len(query)), "initials"))
            elif len(query) >= 5 and query in doc.pinyin:
                hits.append(Hit(doc, 55.0, "pinyin"))
        return hits

    def _candidates(self, text: str) -> list[tuple[int, bool]]:
        """Docs sharing a character bigram or a fuzzy-pinyin syllable pair with ``text``, most shared first, each
        with whether it shares enough to contain the text (in characters or in sounds). Docs that share too
        little for that and are not among the closest ``TYPO_CANDIDATES`` cannot match and are left out."""
        if len(text) == 1:
            return [(at, True) for at in self.by_char.get(text, ())]
        grams = _bigrams(text)
        syl = fuzzy_syllables(text)
        pairs = {(syl[i], syl[i + 1]) for i in range(len(syl) - 1)}
        shared: Counter[int] = Counter()
        for gram in grams:
            shared.update(self.by_bigram.get(gram, ()))
        for pair in pairs:
            shared.update(self.by_syllables.get(pair, ()))
        enough = min(len(grams), len(pairs) or len(grams))
        out = []
        for rank, (at, count) in enumerate(shared.most_common()):
            if count < enough and rank >= TYPO_CANDIDATES:
                break
            out.append((at, count >= enough))
        return out

    def _names(self, found: Understanding) -> list[Hit]:
        """Name matches first; character similarity (other typos) only when no name or sound matched."""
        queries = [found.rest, found.text] if found.rest != found.text else [found.text]
        candidates = {query: self._candidates(query) for query in queries}
        scored: dict[int, Hit] = {}
        for typos in (False, True):
            if typos and any(hit.score >= 70 for hit in scored.values()):
                break
            for query in queries:
                qsyl = fuzzy_syllables(query)
                for rank, (at, whole) in enumerate(candidates[query]):
                    if typos and rank >= TYPO_CANDIDATES:
                        break
                    self._keep(
                        scored, found, query, at, self._score(query, qsyl, self.docs[at], whole=whole, typos=typos)
                    )
        return list(scored.values())

    def _keep(
        self, scored: dict[int, Hit], found: Understanding, query: str, at: int, result: tuple[float, str]
    ) -> None:
        score, reason = result
        if score <= 0:
            return
        doc = self.docs[at]
        if found.forms and query == found.rest:
            if doc.form in found.forms or found.form_word in doc.norm:
                score += 8
            elif doc.kind == "drug" and doc.form:
                score -= 6
        if found.brand and reason == "name":
            reason = "brand"
        if at not in scored or scored[at].score < score:
            scored[at] = Hit(doc, score, reason)

    @staticmethod
    def _score(query: str, qsyl: tuple[str, ...], doc: Doc, *, whole: bool, typos: bool) -> tuple[float, str]:
        norm, core = doc.norm, doc.core
        if typos:
            ratio = _similarity(query, doc)
            return (60.0 * ratio, "typo") if ratio >= 0.6 else (0.0, "")
        if not whole:
            return 0.0, ""
        if query in (norm, core) or query in doc.aliases:
            return 100.0 - (0 if query == norm else 2), "name"
        if norm.startswith(query) or core.startswith(query):
            return 88.0 - 0.5 * (len(norm) - len(query)), "name"
        if query in norm:
            return 78.0 - 0.5 * (len(norm) - len(query)), "name"
        if qsyl and (qsyl == doc.core_syl or qsyl in doc.alias_syl):
            return 86.0, "homophone"
        if len(qsyl) >= 2 and _contains(doc.syl, qsyl):
            return 72.0 - 0.5 * (len(doc.syl) - len(qsyl)), "homophone"
        return 0.0, ""


def _similarity(query: str, doc: Doc) -> float:
    """Character similarity of a Chinese query to the doc's names (0 for short or non-Chinese queries)."""
    if len(query) < 3 or not all(is_han(c) for c in query):
        return 0.0
    best = 0.0
    for name in (doc.core, doc.norm, *doc.aliases):
        matcher = SequenceMatcher(None, query, name)
        if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
            best = max(best, matcher.ratio())
    return best
