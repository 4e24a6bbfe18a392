"""Stage 2b: segmentation. jieba with a domain dictionary, plus character bigrams.

Item names and queries are turned into the same kind of tokens: jieba search-mode words of two or
more characters, and ``~``-prefixed character bigrams (which tolerate words jieba splits differently
and one wrong character in a longer word).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

import jieba

from cityservices.service_map.search.normalize import is_han

BIGRAM = "~"
jieba.setLogLevel(logging.WARNING)

_BASE_LOCK = threading.Lock()
_base: tuple[dict[str, int], int] | None = None  # jieba's own dictionary, read once per process


def _base_dictionary() -> tuple[dict[str, int], int]:
    """jieba's word frequencies and their total, loaded once per process (reading them costs about 2 s of CPU;
    every index build used to pay it again). Each tokenizer gets its own copy, because domain words are added."""
    global _base
    with _BASE_LOCK:
        if _base is None:
            loader = jieba.Tokenizer()
            loader.initialize()
            _base = (loader.FREQ, loader.total)
        return _base


def bigrams(text: str) -> list[str]:
    """Bigrams of each run of Han characters (``~ab``)."""
    out: list[str] = []
    run: list[str] = []
    for char in text + " ":
        if is_han(char):
            run.append(char)
            continue
        out.extend(BIGRAM + run[i] + run[i + 1] for i in range(len(run) - 1))
        run = []
    return out


class Segmenter:
    """A private jieba tokenizer that knows the domain words (item vocabulary and lexicon phrases)."""

    def __init__(self, domain_words: Iterable[str]) -> None:
        freq, total = _base_dictionary()
        self._jieba = jieba.Tokenizer()
        self._jieba.FREQ, self._jieba.total = dict(freq), total
        self._jieba.initialized = True  # what initialize() leaves behind, without reading the dictionary again
        for word in domain_words:
            if 2 <= len(word) <= 12 and all(is_han(c) for c in word):
                self._jieba.add_word(word, freq=2000)
        self._cache: dict[str, tuple[str, ...]] = {}

    def is_dictionary_word(self, text: str) -> bool:
        """A word jieba's dictionary knows (used to avoid "correcting" real words)."""
        return bool(self._jieba.FREQ.get(text, 0))

    def words(self, text: str) -> list[str]:
        """Plain (accurate-mode) segmentation, every token kept (for deciding what is content)."""
        return [w for w in self._jieba.lcut(text, HMM=False) if w.strip()]

    def search_words(self, text: str) -> tuple[str, ...]:
        """Search-mode words of two or more characters (sub-words of long words included)."""
        cached = self._cache.get(text)
        if cached is None:
            cached = tuple(w for w in self._jieba.lcut_for_search(text, HMM=False) if len(w) >= 2 and w.strip())
            if len(self._cache) < 50_000:
                self._cache[text] = cached
        return cached

    def tokens(self, text: str) -> list[str]:
        """Index / query tokens of a text: words and bigrams."""
        return [*self.search_words(text), *bigrams(text)]
