"""Search latency in-process: index build time, per-query p50/p95/p99 on the demo catalogue, and a scale
run on a synthetic 1,000,000-item catalogue with memory.

Usage: .venv/bin/python benchmarks/search_latency.py [--rounds N] [--scale N] [--skip-scale]

Queries: the development set and the held-out paraphrases (about 240 queries, all kinds), each run
``--rounds`` times after one warm-up pass. The synthetic catalogue keeps the real items and adds
generated names (a real item name with a district and a variant such as 预约 / 进度查询 / （县级）), so
postings are as skewed as in a real national catalogue; it has no guides.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import resource
import statistics
import time
from pathlib import Path

from cityservices.config import PROJECT_ROOT
from cityservices.service_map.search import SearchIndex
from cityservices.service_map.search.evaluate import evaluate, read_cases
from cityservices.service_map.search.records import Catalogue, ItemRecord, read_dataset_catalogue

DATASET = PROJECT_ROOT / "data" / "qingdao"
EVAL_DIR = Path(os.environ.get("CITYSERVICES_EVAL_DIR", PROJECT_ROOT.parent / "shared" / "eval"))
QUERY_FILES = [
    EVAL_DIR / "dev_queries.jsonl",
    PROJECT_ROOT / "tests" / "service_map" / "search" / "data" / "heldout_paraphrases.jsonl",
]
VARIANTS = (
    "",
    "预约",
    "进度查询",
    "（县级）",
    "（市级）",
    "（网办）",
    "（容缺受理）",
    "（告知承诺制）",
    "指引",
    "咨询",
)


def rss_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def queries() -> list[str]:
    return [case.query for path in QUERY_FILES if path.is_file() for case in read_cases(path)]


def measure(index: SearchIndex, texts: list[str], rounds: int) -> dict[str, float]:
    for text in texts:
        index.search(text)
    times: list[float] = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            index.search(text)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
    return {"n": len(times), "p50": statistics.median(times), "p95": pick(0.95), "p99": pick(0.99), "max": times[-1]}


def synthetic(base: Catalogue, size: int) -> Catalogue:
    rng = random.Random(20261129)
    places = [d.name for d in base.divisions if d.level != "city"]
    names = {item.name for item in base.items}
    items = list(base.items)
    while len(items) < size:
        source = rng.choice(base.items)
        name = f"{rng.choice(places)}{source.name}{rng.choice(VARIANTS)}"
        if name in names:
            name = f"{name}（{len(items)}）"
        names.add(name)
        items.append(ItemRecord(code=f"SYN-{len(items):07d}", name=name, category=source.category))
    return Catalogue(items=items, bundles=base.bundles, divisions=base.divisions)


def report(label: str, stats: dict[str, float]) -> None:
    cells = [f"{stats['n']:.0f}", *(f"{stats[k]:.2f}" for k in ("p50", "p95", "p99")), f"{stats['max']:.1f}"]
    print(f"| {label} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    print(f"# machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    texts = queries()
    base = read_dataset_catalogue(DATASET)
    started = time.perf_counter()
    index = SearchIndex(base)
    build = time.perf_counter() - started
    print(f"# demo catalogue: {len(base.items)} items, index built in {build:.2f} s, RSS {current_rss_mb():.0f} MB")
    print("\n| catalogue | queries | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|")
    report(f"demo ({len(base.items):,} items)", measure(index, texts, args.rounds))
    if args.skip_scale:
        return
    del index
    gc.collect()
    before = current_rss_mb()
    catalogue = synthetic(base, args.scale)
    started = time.perf_counter()
    big = SearchIndex(catalogue)
    build = time.perf_counter() - started
    gc.collect()
    after = current_rss_mb()
    report(f"synthetic ({len(catalogue.items):,} items)", measure(big, texts, max(1, args.rounds // 10)))
    print(
        f"\n# synthetic build: {build:.1f} s; RSS before {before:.0f} MB, after build {after:.0f} MB "
        f"(index + catalogue ≈ {after - before:.0f} MB); peak RSS {rss_mb():.0f} MB"
    )
    dev = QUERY_FILES[0]
    if dev.is_file():

        def rank(q: str) -> tuple[list[str], bool]:
            r = big.search(q)
            return [h.name for h in r.items], r.no_match

        m = evaluate(read_cases(dev), rank).metrics()
        print(
            f"# quality on the dev set at this scale: top-1 {m['top1']}, top-3 {m['top3']}, "
            f"no-match recall {m['no_match_recall']}"
        )


if __name__ == "__main__":
    main()
