"""Measure search quality over a JSONL query set (``{"query", "expected": [names], "kind"}`` per line).

A hit is any expected name. Negatives (``expected: []``) should be answered "no match": no-match
precision = correct no-match answers / all no-match answers; recall = correct / all negatives.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cityservices.service_map.search.normalize import InvalidQuery

Ranker = Callable[[str], tuple[list[str], bool]]  # query → (names best first, no_match)


@dataclass
class Case:
    query: str
    expected: list[str]
    kind: str = ""


@dataclass
class Outcome:
    case: Case
    names: list[str]
    no_match: bool
    seconds: float

    @property
    def rank(self) -> int | None:
        """1-based rank of the first expected name (None when absent or answered no-match)."""
        if self.no_match:
            return None
        return next((i + 1 for i, name in enumerate(self.names) if name in self.case.expected), None)


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def metrics(self, kind: str | None = None) -> dict[str, Any]:
        chosen = [o for o in self.outcomes if kind is None or o.case.kind == kind]
        positives = [o for o in chosen if o.case.expected]
        negatives = [o for o in chosen if not o.case.expected]
        answered_none = [o for o in chosen if o.no_match]
        ranks = [o.rank for o in positives]
        lat = sorted(o.seconds * 1000 for o in chosen)
        return {
            "queries": len(chosen),
            "top1": _share(sum(r == 1 for r in ranks), len(positives)),
            "top3": _share(sum(r is not None and r <= 3 for r in ranks), len(positives)),
            "mrr": round(sum(1 / r for r in ranks if r) / len(positives), 4) if positives else None,
            "no_match_precision": _share(sum(not o.case.expected for o in answered_none), len(answered_none)),
            "no_match_recall": _share(sum(o.no_match for o in negatives), len(negatives)),
            "latency_ms_p50": round(statistics.median(lat), 3) if lat else None,
            "latency_ms_p95": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 3) if lat else None,
        }

    def by_kind(self) -> dict[str, dict[str, Any]]:
        kinds = sorted({o.case.kind for o in self.outcomes})
        return {kind: self.metrics(kind) for kind in kinds}

    def failures(self) -> list[dict[str, Any]]:
        out = []
        for o in self.outcomes:
            wrong = (o.rank != 1) if o.case.expected else not o.no_match
            if wrong:
                got = "(no match)" if o.no_match else (o.names[0] if o.names else "(nothing)")
                out.append({"query": o.case.query, "kind": o.case.kind, "got": got, "expected": o.case.expected[:3]})
        return out


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def read_cases(path: Path) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            cases.append(Case(str(row["query"]), [str(n) for n in row.get("expected", [])], str(row.get("kind", ""))))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: 每行应为含 query 的 JSON 对象 ({exc})") from None
    return cases


def evaluate(cases: Iterable[Case], ranker: Ranker) -> Report:
    report = Report()
    for case in cases:
        started = time.perf_counter()
        try:
            names, no_match = ranker(case.query)
        except InvalidQuery:
            names, no_match = [], True
        report.outcomes.append(Outcome(case, names, no_match, time.perf_counter() - started))
    return report
