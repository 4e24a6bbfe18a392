"""Stage 3a'': the query against each plain-language situation of an item on its own (适用情形, one sentence each).

The situations field (fields.py) pools an item's situations into one bag of words, weighted 0.2 beside the name, so a
situation that tells the query's whole case — who applies and what is needed — counts no more than one that shares a
single word with it, and words that jieba cuts differently in a colloquial query and a colloquial situation (买了新房
/ 买房, 孩子当了兵 / 当兵) do not meet at all. Here each situation sentence is a passage of its own, compared with the
query by the cosine of their character bigrams: bigrams survive different word cuts, and a short situation that holds
several pieces of the query scores high (儿子去部队了家里能领钱吗 against 儿子去部队家里发钱). A bigram weighs by how
few items' situations use it (领钱, 怎么 are in many; 部队, 手册 in few). A situation must share at least MIN_PIECES
separate pieces of the query (runs of consecutive bigrams): one shared word (优待证) is the name's business, not the
situation's. An item's score is that of its best situation; rank.fuse adds it with PASSAGE_BONUS.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cityservices.service_map.search.normalize import is_han
from cityservices.service_map.search.segment import BIGRAM, bigrams

MIN_PIECES = 2
IDF_FLOOR = 0.1  # a bigram in every item's situations still counts a little (log(n / n) would be 0)


@dataclass(frozen=True)
class Passage:
    item: int
    norm: float
    own: frozenset[str]  # the bigrams of the situation that its item's name and aliases do not have


class SituationPassages:
    """The items' situations as single-sentence passages, with an inverted index bigram → passages."""

    def __init__(self, situations: Sequence[tuple[int, str, str]]) -> None:
        """``situations``: (item index, its name and aliases, its situations: sentences separated by spaces)."""
        named = {item: set(bigrams(name)) for item, name, _ in situations}
        sentences = [(item, set(bigrams(s))) for item, _, text in situations for s in text.split()]
        sentences = [(item, grams) for item, grams in sentences if grams]
        items_of: dict[str, set[int]] = {}
        for item, grams in sentences:
            for gram in grams:
                items_of.setdefault(gram, set()).add(item)
        count = len({item for item, _ in sentences})
        self.idf = {gram: math.log(count / len(items)) + IDF_FLOOR for gram, items in items_of.items()}
        self.passages = [
            Passage(item, math.sqrt(sum(self.idf[g] ** 2 for g in grams)), frozenset(grams - named[item]))
            for item, grams in sentences
        ]
        self.postings: dict[str, list[int]] = {}
        for position, (_, grams) in enumerate(sentences):
            for gram in grams:
                self.postings.setdefault(gram, []).append(position)

    def similarity(self, text: str) -> dict[int, float]:
        """Item index → the cosine (0-1) of the query and its best situation, for situations sharing at least
        MIN_PIECES separate pieces of the query."""
        first: dict[str, int] = {}
        for position, gram in grams_at(text):
            first.setdefault(gram, position)
        weights = {gram: self.idf[gram] for gram in first if gram in self.idf}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        if not norm:
            return {}
        dot: dict[int, float] = {}
        where: dict[int, list[int]] = {}
        own: set[int] = set()
        for gram, weight in weights.items():
            for passage in self.postings[gram]:
                dot[passage] = dot.get(passage, 0.0) + weight * weight
                where.setdefault(passage, []).append(first[gram])
                if gram in self.passages[passage].own:
                    own.add(passage)
        best: dict[int, float] = {}
        for passage, value in dot.items():
            if passage not in own or pieces(where[passage]) < MIN_PIECES:
                continue
            item = self.passages[passage].item
            score = value / (norm * self.passages[passage].norm)
            if score > best.get(item, 0.0):
                best[item] = score
        return best


def grams_at(text: str) -> list[tuple[int, str]]:
    """The character bigrams of the text's Han runs (as ``segment.bigrams``) with the position of their first
    character: bigrams on either side of a gap (a blanked filler, punctuation) are never consecutive."""
    return [(i, BIGRAM + text[i : i + 2]) for i in range(len(text) - 1) if is_han(text[i]) and is_han(text[i + 1])]


def pieces(positions: list[int]) -> int:
    """How many separate pieces of the query the matched bigram positions form (consecutive bigrams make one)."""
    ordered = sorted(positions)
    return sum(1 for i, p in enumerate(ordered) if i == 0 or p > ordered[i - 1] + 1)
