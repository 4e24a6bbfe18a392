"""Stage 3d: a clarifying choice when the best answers are one certificate in different conditions
(到期换领 / 丢失补领 / 损坏换领) and the query did not say which."""

from __future__ import annotations

from cityservices.service_map.search.lexicon import Lexicon
from cityservices.service_map.search.rank import ConditionModel, Scored
from cityservices.service_map.search.records import ItemRecord
from cityservices.service_map.search.schemas import ClarificationOptionRead, ClarificationRead

WINDOW = 6
MAX_GAP = 0.45
LABEL_ORDER = (
    "first",
    "expired",
    "lost",
    "damaged",
    "report_loss",
    "change",
    "cancel",
    "transfer",
    "reissue",
    "replace",
)
QUESTION = "您要办理的是哪种情况？"


def clarify(
    ranked: list[Scored], items: list[ItemRecord], conditions: ConditionModel, lexicon: Lexicon, asked: bool
) -> ClarificationRead | None:
    """Options for the siblings of the best item, or None when the query named a condition."""
    if asked or len(ranked) < 2:
        return None
    top = ranked[0]
    base = conditions.base(items[top.index].name)
    options: list[ClarificationOptionRead] = []
    seen: set[frozenset[str]] = set()
    for scored in ranked[:WINDOW]:
        item = items[scored.index]
        kinds = conditions.of(item.name)
        if scored.score < top.score - MAX_GAP or conditions.base(item.name) != base or kinds in seen:
            continue
        seen.add(kinds)
        label = next(
            (lexicon.condition_labels[k] for k in LABEL_ORDER if k in kinds and k in lexicon.condition_labels), ""
        )
        options.append(ClarificationOptionRead(label=label or item.name, name=item.name, code=item.code))
    if len(options) < 2:
        return None
    return ClarificationRead(question=QUESTION, options=options)
