"""Accuracy of the catalogue search on a query set (tests/data/insurance/catalogue_queries.tsv): top-1 and
top-5 hits per kind of query (generic, form, brand, pinyin, initials, colloquial, typo …)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the search engine is built by whoever evaluates it
    from cityservices.insurance.catalogue.engine import CatalogueIndex, Doc


@dataclass(frozen=True)
class Case:
    query: str
    kind: str
    expect: str  # "name=X", "name=X|F" or "class=C1 C2"


@dataclass
class Report:
    total: int = 0
    top1: int = 0
    top5: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # query, expectation, top result

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top5_rate(self) -> float:
        return self.top5 / self.total if self.total else 0.0


def read_cases(path: Path) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2].startswith(("name=", "class=")):
            raise ValueError(f"{path.name} 第 {number} 行: 应为 查询<TAB>类别<TAB>name=…|class=…")
        cases.append(Case(*parts))
    return cases


def matches(doc: Doc, expect: str) -> bool:
    key, _, value = expect.partition("=")
    if key == "class":
        return doc.category_code.startswith(tuple(value.split()))
    name, _, form = value.partition("|")
    named = name in doc.name or name in doc.aliases  # 复方丹参片(丸、滴丸) stands for 复方丹参滴丸 too
    return named and (not form or doc.form == form)


def evaluate(index: CatalogueIndex, cases: list[Case]) -> Report:
    report = Report()
    for case in cases:
        _, hits = index.search(case.query, 5)
        first = bool(hits) and matches(hits[0].doc, case.expect)
        five = any(matches(hit.doc, case.expect) for hit in hits)
        report.total += 1
        report.top1 += first
        report.top5 += five
        counts = report.by_kind[case.kind]
        counts[0] += 1
        counts[1] += first
        counts[2] += five
        if not first:
            report.misses.append((case.query, case.expect, hits[0].doc.name if hits else "—"))
    return report
