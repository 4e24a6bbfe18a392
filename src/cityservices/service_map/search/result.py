"""What a search returns: ranked items with guide summaries and explanations, the bundle, the slots,
a clarifying choice, or an explicit "no matching service" with suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cityservices.service_map.search.records import GuideSummary


@dataclass(frozen=True)
class Explanation:
    """Why an item matched: ``source`` in the query → ``target`` in the item, and the kind of match."""

    source: str
    target: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"query": self.source, "matched": self.target, "reason": self.reason}


@dataclass
class SearchHit:
    name: str
    code: str
    score: float
    category: str
    department: str
    is_core: bool
    guide: GuideSummary | None
    explanations: list[Explanation] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "code": self.code,
            "score": round(self.score, 4),
            "category": self.category,
            "department": self.department,
            "is_core": self.is_core,
            "guide": self.guide.as_dict() if self.guide else None,
            "explanations": [e.as_dict() for e in self.explanations],
        }


@dataclass
class BundleHit:
    code: str
    name: str
    life_event: str
    items: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "life_event": self.life_event, "items": self.items}


@dataclass
class Clarification:
    question: str
    options: list[dict[str, str]]

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "options": self.options}


@dataclass
class SearchResult:
    query: str
    normalized: str
    understood: str
    items: list[SearchHit]
    slots: dict[str, Any]
    bundle: BundleHit | None = None
    clarification: Clarification | None = None
    no_match: bool = False
    message: str | None = None
    suggestions: list[str] = field(default_factory=list)
    confidence: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "normalized": self.normalized,
            "understood": self.understood,
            "items": [hit.as_dict() for hit in self.items],
            "bundle": self.bundle.as_dict() if self.bundle else None,
            "slots": self.slots,
            "clarification": self.clarification.as_dict() if self.clarification else None,
            "no_match": self.no_match,
            "message": self.message,
            "suggestions": self.suggestions,
            "confidence": round(self.confidence, 3),
        }
