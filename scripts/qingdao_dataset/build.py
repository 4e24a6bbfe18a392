"""Build the bundled Qingdao demo dataset (data/qingdao/) from the files in data/qingdao/sources/."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import output as out
from .assign import assign, window_suffixes
from .bundles import build_bundles, merge_reviewed, read_written
from .check import check_dataset
from .common import CITY_CODE, Item, Json, VenueItem
from .departments import SUFFIX_BY_CATEGORY, build_departments
from .geo import boundary_features, load_areas
from .guides import build_guide, index_guides
from .items import build_implementations, build_items
from .photos import write_photos
from .pois import pois_for
from .sites import build_sites
from .situations import apply_situations
from .situations import problems as situation_problems
from .sources import Sources, load_sources
from .venues import venue_items, venue_record

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "data" / "qingdao"
DEFAULT_SOURCES = DEFAULT_OUT / "sources"


@dataclass
class Built:
    venues: list[Json]
    venue_items: list[VenueItem]
    skipped_bundle_items: list[str]
    kept_reviewed_steps: list[str] = field(default_factory=list)


def _venues(sources: Sources, items: list[Item], out_dir: Path) -> tuple[list[Json], list[VenueItem], int]:
    areas = load_areas(sources.district_features, sources.township_features)
    sites = build_sites(sources, areas)
    implementations = build_implementations(items)
    assignment = assign(sites, items, implementations)
    by_code = {item.code: item for item in items}
    records: list[Json] = []
    handled: list[VenueItem] = []
    for site in sites:
        record = venue_record(site, sources, window_suffixes(assignment[site.id], by_code))
        records.append(record)
        handled += venue_items(site, assignment[site.id], by_code, record["windows"])
    pois = [poi for site in sites for poi in pois_for(site, sources, areas)]
    count = out.write_csv(out_dir / "pois.csv", out.POI_COLUMNS, out.poi_rows(pois))
    return sorted(records, key=lambda r: str(r["id"])), handled, count


def build(sources_dir: Path, out_dir: Path, *, force: bool = False) -> tuple[dict[str, int], Built]:
    """Write every dataset file into ``out_dir``; return the row counts per file. The reviewed bundle plans
    already in ``out_dir`` are kept unless ``force``."""
    sources = load_sources(sources_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    items = sorted(build_items(sources.core_items, sources.raw_items), key=lambda i: i.code)
    branch_suffixes = {SUFFIX_BY_CATEGORY[i.category] for i in items if {"district", "street"} & set(i.levels)}
    departments = build_departments(branch_suffixes, sources.children(CITY_CODE))
    venues, handled, poi_count = _venues(sources, items, out_dir)
    guide_index = index_guides(sources.guides)
    bundles, skipped = build_bundles(sources.bundles, {item.name: item.code for item in items})
    kept: list[str] = []
    if not force:
        bundles, kept = merge_reviewed(bundles, read_written(out_dir / "bundles.jsonl"))
    features = boundary_features(sources.district_features, sources.township_features)
    counts = {
        "divisions.csv": out.write_csv(out_dir / "divisions.csv", out.DIVISION_COLUMNS,
                                       out.division_rows(sources.divisions)),
        "boundaries.geojson": out.write_boundaries(out_dir / "boundaries.geojson", features),
        "departments.csv": out.write_csv(out_dir / "departments.csv", out.DEPARTMENT_COLUMNS,
                                         out.department_rows(departments)),
        "items.csv": out.write_csv(out_dir / "items.csv", out.ITEM_COLUMNS, out.item_rows(items)),
        "item_implementations.csv": out.write_csv(out_dir / "item_implementations.csv", out.IMPLEMENTATION_COLUMNS,
                                                  out.implementation_rows(build_implementations(items))),
        "venues.jsonl": out.write_jsonl(out_dir / "venues.jsonl", venues),
        "venue_items.csv": out.write_csv(out_dir / "venue_items.csv", out.VENUE_ITEM_COLUMNS,
                                         out.venue_item_rows(handled)),
        "guides.jsonl": out.write_jsonl(out_dir / "guides.jsonl",
                                        (build_guide(i, guide_index, sources.situations) for i in items)),
        "bundles.jsonl": out.write_jsonl(out_dir / "bundles.jsonl", bundles),
        "pois.csv": poi_count,
    }  # fmt: skip
    out.write_manifest(out_dir / "manifest.json", counts)
    write_photos(out_dir / "photos")
    return counts, Built(venues, handled, skipped, kept)


def _size(directory: Path, exclude: Path | None = None) -> int:
    files = [p for p in directory.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files if exclude is None or exclude not in p.parents)


def summary(counts: dict[str, int], built: Built, out_dir: Path, sources_dir: Path) -> str:
    levels = Counter(str(v["level"]) for v in built.venues)
    by_level = ", ".join(f"{level} {levels[level]}" for level in ("city", "district", "street"))
    lines = [f"{name:26} {count:>7,}" for name, count in counts.items()]
    lines.append(f"venues by level: {by_level}")
    lines.append("bundle source items skipped (no Qingdao counterpart): " + "; ".join(built.skipped_bundle_items))
    lines += [f"bundle plans: {note}" for note in built.kept_reviewed_steps]
    total, generated = _size(out_dir), _size(out_dir, exclude=sources_dir)
    lines.append(f"size: {total / 1e6:.1f} MB in {out_dir} ({generated / 1e6:.1f} MB without sources/)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES, help="source files directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output dataset directory")
    parser.add_argument("--check", action="store_true", help="only check an already built dataset")
    parser.add_argument(
        "--force", action="store_true", help="rebuild the bundles from the tables, dropping their reviewed plans"
    )
    parser.add_argument(
        "--situations",
        action="store_true",
        help="only put the core items' situations (core_item_situations.tsv) into guides.jsonl",
    )
    args = parser.parse_args(argv)
    sources_dir: Path = args.sources.resolve()
    out_dir: Path = args.out.resolve()
    if args.situations:
        print(f"situations set in {apply_situations(out_dir, load_sources(sources_dir).situations)} guides")
    elif not args.check:
        counts, built = build(sources_dir, out_dir, force=args.force)
        print(summary(counts, built, out_dir, sources_dir))
    sources = load_sources(sources_dir)
    core_names = [row["name"] for row in sources.core_items]
    problems = check_dataset(out_dir, core_names) + situation_problems(sources.situations, core_names)
    for problem in problems[:50]:
        print("CHECK FAILED:", problem, file=sys.stderr)
    print(f"self-check: {'OK' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0
