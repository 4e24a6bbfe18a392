"""Stage 4: why each item matched — 驾照 → 机动车驾驶证 (同义词), 到期 → 期满 (办理情形), sfz → 身份证 (拼音首字母)."""

from __future__ import annotations

from typing import Any

from cityservices.service_map.search.confidence import TokensOf, concept_hits
from cityservices.service_map.search.rank import ConditionModel
from cityservices.service_map.search.records import ItemRecord
from cityservices.service_map.search.schemas import ExplanationRead
from cityservices.service_map.search.understand import Analysis

REWRITE_REASONS = {"pinyin": "拼音", "initials": "拼音首字母", "homophone": "同音纠错", "age": "年龄"}
CONCEPT_REASONS = {"syn": "同义词", "word": "字面匹配", "venue": "办事部门"}


def explain(
    analysis: Analysis,
    item: ItemRecord,
    item_tokens: set[str],
    tokens_of: TokensOf,
    conditions: ConditionModel,
    bundle_name: str | None,
) -> list[ExplanationRead]:
    out = [_why(r.original, r.replacement, REWRITE_REASONS[r.reason]) for r in analysis.rewrites]
    for concept in analysis.concepts:
        term = concept_hits(concept, item_tokens, tokens_of, item)
        if term is None:
            continue
        reason = "办事部门" if term == item.category and concept.categories else CONCEPT_REASONS[concept.kind]
        target = term if reason != "同义词" or term in item.name else _term_in(item, term)
        out.append(_why(concept.surface, target, reason))
    for condition in analysis.slots.conditions:
        marker = _marker(conditions, condition, item.name)
        if marker:
            out.append(_why("、".join(analysis.slots.condition_words), marker, "办理情形"))
            break
    if bundle_name:
        for hit in analysis.events:
            out.append(_why(hit.surface, bundle_name, "人生事件"))
    return out


def _why(query: str, matched: str, reason: str) -> ExplanationRead:
    return ExplanationRead(query=query, matched=matched, reason=reason)


def _marker(conditions: ConditionModel, condition: str, name: str) -> str | None:
    for item_condition in sorted(conditions.of(name)):
        if conditions.compatibility.get((condition, item_condition), 0.0) > 0:
            return conditions.marker_in(name, item_condition)
    return None


def _term_in(item: ItemRecord, term: str) -> str:
    return term if term in item.name else next((a for a in item.aliases if term in a), term)


def describe_intent(
    rewritten: str,
    slots: dict[str, Any],
    *,
    bundle: str | None,
    top: str | None,
    choice: str | None,
    unsure: bool = False,
) -> str:
    """The "我们理解为" line: what was understood (the bundle or group, the item, or the certificate whose
    situation is still to choose) and the slots (place, time, applicant) — not an echo of the words typed.
    Nothing understood (no match) shows the normalised words."""
    if bundle is None and top is None:
        return rewritten
    head = bundle or (f"{choice}（请选择具体情况）" if choice else top or "")
    parts = [f"可能是{head}" if unsure and not bundle else head]
    place, time = slots.get("place"), slots.get("time")
    if isinstance(place, dict) and place.get("text"):
        parts.append(str(place.get("name") or place["text"]))
    if isinstance(time, dict) and time.get("text"):
        parts.append(str(time["text"]))
    if slots.get("applicant"):
        parts.append(f"{slots['applicant']}办理")
    return " · ".join(parts)
