"""Stage 3a': the guide's own words as separately weighted fields (BM25 per field, summed with weights).

Item names and aliases stay the main field (``retrieve.LexicalIndex``). Each further field — what the
guide says about who may apply and when (受理条件), the situations in which the item is needed, in plain
words (适用情形), the names of the materials, the certificate it issues, the one-thing bundles it belongs
to, the department — gets its own BM25 index, so a rare word of
a field counts by that field's statistics, and its score is added with the field's weight. This is the
per-field form of BM25F (saturation per field, not over the pooled frequencies): a plain description of a
situation can find the item whose guide describes it, while a match in the name still counts most.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from cityservices.service_map.search.records import BundleRecord, ItemRecord
from cityservices.service_map.search.retrieve import FloatArray, LexicalIndex
from cityservices.service_map.search.segment import BIGRAM

# Field → weight relative to the name field (1.0), chosen by the ablation in docs/search-quality.md. In the
# demo catalogue 受理条件 and material lists are generated boilerplate (the same sentence for most items):
# weighted, they cost 1-3 points on the held-out sets, so they are indexed with weight 0 (a catalogue with
# real guide texts sets them, e.g. 0.25 and 0.2). The situations (适用情形) are short plain-language
# descriptions of when each core item is needed, written for the project; 0.2 was chosen on the development and
# the three held-out sets (0.1-0.2 best, 0.3-1.0 cost a fresh query; the blind set was not used).
FIELD_WEIGHTS: Mapping[str, float] = {
    "conditions": 0.0,
    "materials": 0.0,
    "result": 0.2,
    "bundle": 0.2,
    "department": 0.0,
    "situations": 0.2,
}
SITUATIONS = "situations"  # 适用情形: plain-language situations written for the core items (data/qingdao)
# Fields that add only the words an item's name and aliases lack: a situation repeating the name's generic word
# (诊所备案: 开口腔诊所备案) would otherwise count that word twice and lift every item sharing it.
NEW_WORDS_ONLY = frozenset({SITUATIONS})


def field_tokens(field: str, text: str, item: ItemRecord, tokens_of: Callable[[str], list[str]]) -> list[str]:
    """The tokens one field of one item is indexed with."""
    tokens = tokens_of(text) if text else []
    if field in NEW_WORDS_ONLY and tokens:
        named = set(tokens_of(item.name)).union(*(tokens_of(alias) for alias in item.aliases))
        tokens = [token for token in tokens if token not in named]
    return tokens


def item_fields(item: ItemRecord, bundles_of: Mapping[str, list[str]]) -> dict[str, str]:
    """The texts of each field of one item (the bundle field from the bundles that include it)."""
    fields = dict(item.fields)
    fields["department"] = item.department
    fields["bundle"] = " ".join(bundles_of.get(item.code, ()))
    return {name: text for name, text in fields.items() if name in FIELD_WEIGHTS and text}


def bundle_names(bundles: list[BundleRecord]) -> dict[str, list[str]]:
    """Item code → names and life events of the bundles it belongs to."""
    found: dict[str, list[str]] = {}
    for bundle in bundles:
        for code in bundle.item_codes:
            found.setdefault(code, []).extend([bundle.name, bundle.life_event])
    return found


class FieldedIndex:
    """The name index plus one BM25 index per guide field; ``score`` adds them with the field weights.

    Rarity (``document_frequency``) and the vocabulary stay those of the name field: confidence and word
    weights speak about item names, the fields only help find and order candidates.
    """

    def __init__(
        self,
        names: LexicalIndex,
        items: list[ItemRecord],
        bundles: list[BundleRecord],
        tokens_of: Callable[[str], list[str]],
        weights: Mapping[str, float] = FIELD_WEIGHTS,
    ) -> None:
        self.names = names
        self.size = names.size
        self.vocab = names.vocab
        by_bundle = bundle_names(bundles)
        texts = [item_fields(item, by_bundle) for item in items]
        self.fields: list[tuple[float, LexicalIndex]] = []
        self.field_names: list[str] = []
        for field, weight in weights.items():
            documents = [
                field_tokens(field, fields.get(field, ""), item, tokens_of)
                for item, fields in zip(items, texts, strict=True)
            ]
            if weight > 0 and any(documents):
                self.fields.append((weight, LexicalIndex(documents)))
                self.field_names.append(field)

    def document_frequency(self, token: str) -> int:
        return self.names.document_frequency(token)

    def field_frequency(self, field: str, token: str) -> int:
        """In how many items the token occurs in ``field`` (0 when the field is not searched)."""
        found = [index for (_, index), name in zip(self.fields, self.field_names, strict=True) if name == field]
        return found[0].document_frequency(token) if found else 0

    def score(self, weights: dict[str, float]) -> FloatArray:
        """Name score plus each field's score for the whole words of the query (character bigrams only
        count in names: 社会保障卡's bigrams are in every 人力资源和社会保障局 department name)."""
        total = self.names.score(weights)
        words = {token: weight for token, weight in weights.items() if not token.startswith(BIGRAM)}
        if words:
            for field_weight, index in self.fields:
                total += np.float32(field_weight) * index.score(words)
        return total
