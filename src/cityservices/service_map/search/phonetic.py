"""Stage 2c: pinyin. Latin input (shebaoka, sbk, gjj tiqu) becomes Chinese terms, and homophone typos
(公基金, 身份正, 驾使证) are corrected to domain terms with the same (or a near: zh/z, ing/in) pinyin.

The vocabulary is the lexicon's phrases and terms plus the words of item names, each with a priority
(lexicon first) that settles ambiguous initials.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cityservices.kit.text import fuzzy, is_han, syllables

LATIN_RUN = re.compile(r"[a-z]+(?: [a-z]+)*")
UNMATCHED_COST = 3.0
# Sentence particles typed in pinyin (了, 吗, 呢, 的 …): dropped, like their characters would be.
PARTICLES = frozenset({"le", "ma", "ne", "de", "la", "ba", "a", "ya", "o", "wo", "ni", "zenme", "zenmeban", "qingwen"})
PROTECT_BELOW = 30  # priorities: lexicon 0–9, official terms 10–19, core words 20–29, others 30+
NAME_PART_MIN = 3  # characters of a stretch of an official name spelled in full pinyin
NAME_PART_MAX = 6


@dataclass(frozen=True)
class Rewrite:
    """One change made to the query text, kept for the explanation."""

    original: str
    replacement: str
    reason: str  # "pinyin" | "initials" | "homophone" | "age"


class PinyinVocabulary:
    """Domain terms indexed by full pinyin, initials and fuzzy pinyin."""

    def __init__(
        self, terms: Iterable[tuple[str, int]], fillers: Iterable[str] = (), names: Iterable[str] = ()
    ) -> None:
        # Filler words typed in pinyin (wo xiang ban, zenme ban) are dropped like their characters would be.
        self.particles = set(PARTICLES) | {"".join(syllables(f)) for f in fillers if all(is_han(c) for c in f)}
        self.priority: dict[str, int] = {}
        for term, prio in terms:
            if 2 <= len(term) <= 8 and all(is_han(c) for c in term):
                self.priority[term] = min(prio, self.priority.get(term, prio))
        self.full: dict[str, str] = {}
        self.initials: dict[str, str] = {}
        self.exact: dict[tuple[str, ...], str] = {}
        self.fuzzy: dict[tuple[str, ...], str] = {}
        for term in sorted(self.priority, key=lambda t: (self.priority[t], -len(t), t), reverse=True):
            sy = syllables(term)
            # reverse order of preference, so the most preferred term is written last and wins
            self.full["".join(sy)] = term
            self.initials["".join(s[0] for s in sy)] = term
            self.exact[tuple(sy)] = term
            self.fuzzy[tuple(fuzzy(s) for s in sy)] = term
        # wufanzui → 无犯罪: a run of full pinyin may spell any stretch of an official name (``names``), not only a
        # word of the vocabulary; a vocabulary term with the same pinyin keeps precedence.
        for name in names:
            for size in range(NAME_PART_MIN, NAME_PART_MAX + 1):
                for start in range(len(name) - size + 1):
                    part = name[start : start + size]
                    if all(is_han(c) for c in part):
                        self.full.setdefault("".join(syllables(part)), part)

    def segment_latin(self, run: str) -> list[tuple[str, str, str]] | None:
        """Split a Latin run into (piece, term, "pinyin"|"initials"); None when it is not all pinyin."""
        n = len(run)
        best: list[tuple[float, list[tuple[str, str, str]]] | None] = [None] * (n + 1)
        best[0] = (0.0, [])
        for end in range(1, n + 1):
            for start in range(max(0, end - 30), end):
                prev = best[start]
                if prev is None:
                    continue
                piece = run[start:end]
                for cost, term, kind in self._piece_options(piece):
                    candidate = (prev[0] + cost, [*prev[1], (piece, term, kind)])
                    current = best[end]
                    if current is None or candidate[0] < current[0]:
                        best[end] = candidate
        result = best[n]
        if result is None or any(kind == "none" for _, _, kind in result[1]):
            return None
        return result[1]

    def _piece_options(self, piece: str) -> list[tuple[float, str, str]]:
        options: list[tuple[float, str, str]] = []
        if piece in self.particles:
            options.append((1.2, "", "particle"))
        if piece in self.full:
            options.append((1.0, self.full[piece], "pinyin"))
        if len(piece) >= 2 and piece in self.initials:
            options.append((1.6, self.initials[piece], "initials"))
        if len(piece) == 1:
            options.append((UNMATCHED_COST, piece, "none"))
        return options

    def rewrite_latin(self, text: str) -> tuple[str, list[Rewrite]]:
        """Replace each Latin run that reads as pinyin or initials of domain terms by those terms."""
        rewrites: list[Rewrite] = []

        def convert(run: str) -> str | None:
            pieces = self.segment_latin(run)
            if pieces is None:
                return None
            rewrites.extend(Rewrite(piece, term, kind) for piece, term, kind in pieces if term)
            return " " + " ".join(term for _, term, _ in pieces if term) + " "

        def replace(match: re.Match[str]) -> str:
            end = match.end()
            if end < len(text) and text[end].isdigit():
                return match.group(0)
            joined = match.group(0).replace(" ", "")
            if len(joined) >= 2 and (converted := convert(joined)) is not None:
                return converted
            words = match.group(0).split(" ")
            return " ".join((convert(w) if len(w) >= 2 else None) or w for w in words)

        new_text = LATIN_RUN.sub(replace, text)
        return re.sub(r"\s+", " ", new_text).strip(), rewrites

    def correct_homophones(self, text: str, is_word: Callable[[str], bool]) -> tuple[str, list[Rewrite]]:
        """Replace windows that sound like a domain term but are not written like one."""
        chars = list(text)
        sy = syllables(text)
        if len(sy) != len(text):
            return text, []
        protected = self._protected(text)
        rewrites: list[Rewrite] = []
        for size in (5, 4, 3, 2):
            for start in range(len(text) - size + 1):
                window = text[start : start + size]
                if all(protected[start : start + size]) or not all(is_han(c) for c in window):
                    continue
                term = self._homophone(window, tuple(sy[start : start + size]), is_word)
                if term is not None and any(protected[start + k] and term[k] != window[k] for k in range(size)):
                    continue  # never change a character of a correctly written domain word
                if term is not None and size == 2 and not self._two_char_context(chars, protected, start, term):
                    continue
                if term is not None and size == 2 and protected[start] != protected[start + 1]:
                    continue  # 驾照想换 ↛ 照相: a pair never takes a character from a correctly written domain word
                real_word = term is not None and size == 2 and is_word(window)
                if real_word and not self._beside_domain_word(protected, start):
                    continue  # 护罩丢了 → 护照: a real word is corrected only next to a domain word that explains it
                if term is not None:
                    rewrites.append(Rewrite(window, term, "homophone"))
                    chars[start : start + size] = [*term]
                    protected[start : start + size] = [True] * size
        return "".join(chars), rewrites

    def _two_char_context(self, chars: list[str], protected: list[bool], start: int, term: str) -> bool:
        """Two characters are corrected only with support: they complete a longer domain term (港奥通行证),
        stand next to a correctly written domain word (驾照过其 → 过期, 护招过期 → 护照), or are the whole
        query (离昏). A bare pair inside other words (休息时能办) is left alone."""
        if self._in_longer_term(chars, start, term):
            return True
        left = start > 0 and protected[start - 1]
        right = start + 2 < len(chars) and protected[start + 2]
        alone = (start == 0 or not is_han(chars[start - 1])) and (
            start + 2 >= len(chars) or not is_han(chars[start + 2])
        )
        return left or right or alone

    @staticmethod
    def _beside_domain_word(protected: list[bool], start: int) -> bool:
        return (start > 0 and protected[start - 1]) or (start + 2 < len(protected) and protected[start + 2])

    def _in_longer_term(self, chars: list[str], start: int, term: str) -> bool:
        """A two-character correction must make a longer domain term with its neighbours (港奥通行证)."""
        text = "".join(chars[:start]) + term + "".join(chars[start + 2 :])
        for size in range(3, 9):
            for begin in range(max(0, start + 2 - size), min(start, len(text) - size) + 1):
                if text[begin : begin + size] in self.priority:
                    return True
        return False

    def _protected(self, text: str) -> list[bool]:
        """Characters inside a correctly written domain term (long item words, or any lexicon / core word)."""
        protected = [False] * len(text)
        for size in range(2, 9):
            for start in range(len(text) - size + 1):
                prio = self.priority.get(text[start : start + size])
                if prio is not None and (size >= 3 or prio < PROTECT_BELOW):
                    protected[start : start + size] = [True] * size
        return protected

    def _homophone(self, window: str, sy: tuple[str, ...], is_word: Callable[[str], bool]) -> str | None:
        term = self.exact.get(sy)
        if term is None and len(window) >= 3:
            term = self.fuzzy.get(tuple(fuzzy(s) for s in sy))
        if term is None or len(term) != len(window):
            return None
        differing = sum(a != b for a, b in zip(term, window, strict=True))
        if differing > max(1, len(window) // 2):
            return None
        if len(window) == 2 and differing > 1:
            return None
        if len(window) == 2 and is_word(window) and window in self.priority:
            return None  # a real word the catalogue or lexicon itself uses is never a typo
        return term
