"""Stage 3a: lexical retrieval — BM25 (bm25s) over item names and aliases, scored with weighted terms.

bm25s precomputes every (token, document) score in a sparse matrix; a query adds up the posting lists
of its tokens, each multiplied by the token's weight from query understanding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import bm25s
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass
class PlanConcept:
    """One query concept for scoring: its weight and alternative terms, each a weighted token bag."""

    weight: float
    terms: list[tuple[float, dict[str, float]]]
    label: str = ""


class ScoringIndex(Protocol):
    """What scoring needs of an index: its size, name-field rarity and weighted-token scores."""

    size: int
    vocab: dict[str, int]

    def document_frequency(self, token: str) -> int: ...

    def score(self, weights: dict[str, float]) -> FloatArray: ...


class LexicalIndex:
    """A BM25 index over pre-tokenised documents."""

    def __init__(self, documents: list[list[str]], *, k1: float = 1.2, b: float = 0.3) -> None:
        self.size = len(documents)
        self.k1, self.b = k1, b
        self.average_length = float(np.mean([len(doc or [""]) for doc in documents])) if documents else 0.0
        if not any(documents):  # an empty catalogue, or a field no document fills: nothing can match
            self._data: FloatArray = np.zeros(0, dtype=np.float32)
            self._indices: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
            self._indptr: IntArray = np.zeros(1, dtype=np.int64)
            self.vocab: dict[str, int] = {}
            return
        bm25 = bm25s.BM25(k1=k1, b=b)
        bm25.index([doc or [""] for doc in documents], show_progress=False)
        scores = bm25.scores
        self._data = np.asarray(scores["data"], dtype=np.float32)
        self._indices = np.asarray(scores["indices"], dtype=np.int32)
        self._indptr = np.asarray(scores["indptr"], dtype=np.int64)
        self.vocab = dict(bm25.vocab_dict)

    def with_document(self, position: int, tokens: list[str]) -> LexicalIndex:
        """A copy with document ``position`` indexed as ``tokens`` instead (this index is left as it was, so that
        searches running on it are undisturbed). The rows of the tokens whose document frequency changes are
        rescaled to the new IDF (Lucene's, as bm25s builds); the average document length stays the one of the
        last full build, so scores may differ very slightly from a rebuild until the next one."""
        tokens = tokens or [""]
        counts = np.diff(self._indptr)
        token_of = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        keep = self._indices != position
        old_tokens = np.unique(token_of[~keep])
        frequency = counts.astype(np.float64)
        frequency[old_tokens] -= 1
        vocab = dict(self.vocab)
        terms, tf = np.unique(np.asarray(tokens, dtype=object), return_counts=True)
        new_ids = []
        for term in terms:
            tid = vocab.get(str(term))
            if tid is None:
                tid = vocab[str(term)] = len(vocab)
            new_ids.append(tid)
        ids = np.asarray(new_ids, dtype=np.int64)
        frequency = np.concatenate([frequency, np.zeros(len(vocab) - len(counts))])
        before = self._idf(counts.astype(np.float64))
        frequency[ids] += 1
        after = self._idf(frequency)
        rows = token_of[keep]
        ratio = np.divide(after[: len(counts)], before, out=np.ones_like(before), where=before > 0)
        data = self._data[keep] * ratio[rows].astype(np.float32)
        length = len(tokens)
        norm = self.k1 * ((1 - self.b) + self.b * length / (self.average_length or length))
        scores = (after[ids] * (tf / (norm + tf))).astype(np.float32)
        all_rows = np.concatenate([rows, ids])
        order = np.argsort(all_rows, kind="stable")
        patched = object.__new__(LexicalIndex)
        patched.size, patched.k1, patched.b, patched.average_length = self.size, self.k1, self.b, self.average_length
        patched._data = np.concatenate([data, scores])[order]
        patched._indices = np.concatenate([self._indices[keep], np.full(len(ids), position, dtype=np.int32)])[order]
        patched._indptr = np.concatenate([[0], np.cumsum(np.bincount(all_rows, minlength=len(vocab)))]).astype(np.int64)
        patched.vocab = vocab
        return patched

    def _idf(self, frequency: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        result: npt.NDArray[np.float64] = np.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5))
        return result

    def document_frequency(self, token: str) -> int:
        tid = self.vocab.get(token)
        return 0 if tid is None else int(self._indptr[tid + 1] - self._indptr[tid])

    def score(self, weights: dict[str, float]) -> FloatArray:
        """Dense scores of every document for the weighted tokens (zeros where nothing matched)."""
        parts_idx: list[npt.NDArray[np.int32]] = []
        parts_val: list[FloatArray] = []
        for token, weight in weights.items():
            tid = self.vocab.get(token)
            if tid is None or not token:
                continue
            lo, hi = self._indptr[tid], self._indptr[tid + 1]
            parts_idx.append(self._indices[lo:hi])
            parts_val.append(self._data[lo:hi] * np.float32(weight))
        if not parts_idx:
            return np.zeros(self.size, dtype=np.float32)
        idx = np.concatenate(parts_idx)
        val = np.concatenate(parts_val)
        return np.bincount(idx, weights=val, minlength=self.size).astype(np.float32)


def score_plan(index: ScoringIndex, plan: list[PlanConcept]) -> FloatArray:
    """Concept-level scoring in [0, 1]: each concept's best term, normalised by its best item, weighted.

    An item that matches every concept of the query scores 1; an item matching one of two equally
    weighted concepts scores 0.5, however many tokens that one concept's expansion has. Alternative terms
    of a concept are each normalised first, so a long alternative does not outweigh a short one.
    """
    total = np.zeros(index.size, dtype=np.float32)
    weight_sum = 0.0
    for concept in plan:
        weight_sum += concept.weight
        best: FloatArray | None = None
        for term_weight, tokens in concept.terms:
            scores = index.score(tokens)
            peak = float(scores.max()) if scores.size else 0.0
            if peak <= 0:
                continue
            scores *= np.float32(term_weight / peak)
            best = scores if best is None else np.maximum(best, scores)
        if best is not None:
            total += np.float32(concept.weight) * best
    return total / np.float32(weight_sum) if weight_sum else total


def top_k(scores: FloatArray, k: int) -> list[int]:
    """Indices of the k highest positive scores, best first."""
    positive = int(np.count_nonzero(scores > 0))
    if positive == 0:
        return []
    k = min(k, positive)
    part = np.argpartition(-scores, k - 1)[:k]
    return [int(i) for i in part[np.argsort(-scores[part], kind="stable")]]
