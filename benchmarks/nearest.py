"""Nearest-venue query speed: the demo data, and 1,000,000 synthetic venues (our index vs a brute-force numpy
scan vs PostGIS KNN when PostGIS is installed).

Usage: .venv/bin/python benchmarks/nearest.py [--queries N] [--venues N] [--pg URL] [--skip-postgis]
Prints p50 / p95 per query in milliseconds, index build times and memory. Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import platform
import statistics
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cityservices.config import Settings
from cityservices.db import session_scope
from cityservices.kit.calendar import CHINA_TZ
from cityservices.kit.geo import EARTH_RADIUS_M
from cityservices.platform.migrate import upgrade_to_head
from cityservices.platform.runtime import make_runtime
from cityservices.service_map.interchange.native import read_dataset
from cityservices.service_map.interchange.store import import_dataset
from cityservices.service_map.where.hours import make_hours
from cityservices.service_map.where.nearest import NearestQuery, Target, find_nearest_venues, resolve_target
from cityservices.service_map.where.venue_index import ItemRef, VenueColumns, VenueIndex, build_venue_index

AT = dt.datetime(2026, 12, 1, 10, 0, tzinfo=CHINA_TZ)
QINGDAO = ((35.95, 36.35), (120.0, 120.65))
EAST_CHINA = ((22.0, 42.0), (105.0, 122.0))
# synthetic items: code → share of venues that handle it
SHARES = {"ALL": 1.0, "P10": 0.10, "P1": 0.01, "P01": 0.001}


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    return f"p50 {statistics.median(ms):7.3f} ms   p95 {ms[int(len(ms) * 0.95)]:7.3f} ms   (n={len(ms)})"


def demo(queries: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rt = make_runtime(Settings(database_url=f"sqlite:///{Path(tmp) / 'demo.db'}"))
        upgrade_to_head(rt.engine)
        dataset, issues = read_dataset(Settings().demo_data_dir)
        assert not issues, issues[:3]
        with session_scope(rt.sessions) as session:
            import_dataset(session, dataset, mode="replace")
        with session_scope(rt.sessions) as session:
            started = time.perf_counter()
            index = build_venue_index(session)
            build_s = time.perf_counter() - started
        rt.engine.dispose()
    rng = np.random.default_rng(42)
    core = [i for i in index.items.values() if len(index.venues_of(i.id))]
    targets = [Target("item", i.code, i.name, (i,)) for i in rng.choice(np.array(core, dtype=object), 200)]
    origins = list(zip(rng.uniform(*QINGDAO[0], queries), rng.uniform(*QINGDAO[1], queries), strict=True))
    print(f"demo data: {len(index)} venues, {len(index.items)} items; index built from SQLite in {build_s:.2f} s")
    for label, extra in (
        ("limit 5", {}),
        ("limit 5, explain", {"explain": True}),
        ("open on arrival", {"open_now": True}),
    ):
        samples = []
        for n, origin in enumerate(origins):
            query = NearestQuery(origin=(float(origin[0]), float(origin[1])), at=AT, **extra)  # type: ignore[arg-type]
            target = targets[n % len(targets)]
            started = time.perf_counter()
            find_nearest_venues(index, target=target, query=query)
            samples.append(time.perf_counter() - started)
        print(f"  nearest ({label:18s}) {percentiles(samples)}")


def synthetic_columns(n: int, seed: int = 1) -> tuple[VenueColumns, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    lat = rng.uniform(*EAST_CHINA[0], n)
    lng = rng.uniform(*EAST_CHINA[1], n)
    hours = make_hours([[(dt.time(9), dt.time(17))]] * 5 + [[(dt.time(9), dt.time(12))], []])
    columns = VenueColumns(
        ids=[f"S{i}" for i in range(n)], names=[f"场所{i}" for i in range(n)], levels=["street"] * n,
        division_codes=["370202001"] * n, addresses=[""] * n, lat=lat, lng=lng, statuses=["open"] * n,
        has_parking=rng.random(n) < 0.7, accessible=rng.random(n) < 0.5, hours=[hours] * n,
    )  # fmt: skip
    members = {
        code: np.sort(rng.choice(n, max(1, int(n * share)), replace=False)).astype(np.int64)
        for code, share in SHARES.items()
    }
    return columns, members


def make_index(columns: VenueColumns, members: dict[str, np.ndarray]) -> VenueIndex:
    items = {k: ItemRef(k, code, code, ("street",)) for k, code in enumerate(SHARES, start=1)}
    item_venues = {k: members[code] for k, code in enumerate(SHARES, start=1)}
    return VenueIndex(columns, item_venues=item_venues, items=items)


def haversine_scan(lat: np.ndarray, lng: np.ndarray, origin: tuple[float, float], k: int) -> np.ndarray:
    p1, l1 = np.radians(origin[0]), np.radians(origin[1])
    p2, l2 = np.radians(lat), np.radians(lng)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    d = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(h))
    top = np.argpartition(d, k)[:k] if len(d) > k else np.arange(len(d))
    return top[np.argsort(d[top])]


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096 / 2**20


def synthetic(n: int, queries: int, pg: str | None) -> None:
    gc.collect()
    rss_start = rss_mib()
    columns, members = synthetic_columns(n)
    rss_columns = rss_mib()
    tracemalloc.start()
    started = time.perf_counter()
    index = make_index(columns, members)
    index_s = time.perf_counter() - started
    started = time.perf_counter()
    trees = index.prebuild_item_trees()
    trees_s = time.perf_counter() - started
    traced, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"synthetic: {n:,} venues (columns: RSS +{rss_columns - rss_start:.0f} MiB, mostly Python id/name strings)")
    print(f"  index build: vectors + id map + global KD-tree {index_s:.2f} s; {trees} item KD-trees {trees_s:.2f} s")
    rss_index = rss_mib() - rss_columns
    print(f"  index memory: {traced / 2**20:.0f} MiB traced (KD-trees, vectors, id map); RSS +{rss_index:.0f} MiB")
    rng = np.random.default_rng(7)
    lats, lngs = rng.uniform(*EAST_CHINA[0], queries), rng.uniform(*EAST_CHINA[1], queries)
    origins = [(float(a), float(b)) for a, b in zip(lats, lngs, strict=True)]
    for code in SHARES:
        target = resolve_target(index, item=code)
        subset = members[code]
        lat, lng = index.venues.lat[subset], index.venues.lng[subset]
        ours, brute = [], []
        for origin in origins:
            started = time.perf_counter()
            find_nearest_venues(index, target=target, query=NearestQuery(origin=origin, at=AT))
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            haversine_scan(lat, lng, origin, 5)
            brute.append(time.perf_counter() - started)
        print(f"  item {code:4s} ({len(subset):>9,} venues)  index + hours rules   {percentiles(ours)}")
        print(f"  {'':30s}  brute-force numpy scan {percentiles(brute)}")
    if pg:
        postgis(pg, index, members, origins[: min(queries, 300)])


def postgis(
    admin_url: str, index: VenueIndex, members: dict[str, np.ndarray], origins: list[tuple[float, float]]
) -> None:
    name = f"cityservices_knn_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist"))
            conn.execute(text("CREATE TABLE bench_venue_items (item smallint, venue int, lat float8, lng float8)"))
        started = time.perf_counter()
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy("COPY bench_venue_items (item, venue, lat, lng) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for k, code in enumerate(members, start=1):
                    for venue in members[code].tolist():
                        copy.write_row((k, venue, float(index.venues.lat[venue]), float(index.venues.lng[venue])))
            raw.commit()
        finally:
            raw.close()
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE bench_venue_items ADD COLUMN geom geometry(Point, 4326)"))
            conn.execute(text("UPDATE bench_venue_items SET geom = ST_SetSRID(ST_MakePoint(lng, lat), 4326)"))
            conn.execute(text("CREATE INDEX bench_knn ON bench_venue_items USING gist (item, geom)"))
            conn.execute(text("ANALYZE bench_venue_items"))
            size = conn.execute(text("SELECT pg_relation_size('bench_knn')")).scalar_one()
        index_s = time.perf_counter() - started
        print(f"  PostGIS: {sum(len(m) for m in members.values()):,} venue–item rows copied in {load_s:.1f} s; "
              f"GiST (item, geom) index built in {index_s:.1f} s, {size / 2**20:.0f} MiB")  # fmt: skip
        sql = text(
            "SELECT venue, ST_DistanceSphere(geom, ST_SetSRID(ST_MakePoint(:lng, :lat), 4326)) AS m "
            "FROM bench_venue_items WHERE item = :item "
            "ORDER BY geom <-> ST_SetSRID(ST_MakePoint(:lng, :lat), 4326) LIMIT 5"
        )
        with engine.connect() as conn:
            for k, code in enumerate(members, start=1):
                samples = []
                for lat, lng in origins:
                    started = time.perf_counter()
                    conn.execute(sql, {"lat": lat, "lng": lng, "item": k}).all()
                    samples.append(time.perf_counter() - started)
                print(f"  item {code:4s} PostGIS KNN (<-> on GiST, planar degrees) {percentiles(samples)}")
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgis_available(admin_url: str) -> bool:
    try:
        engine = create_engine(admin_url)
        with engine.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")).first()
        engine.dispose()
    except Exception:
        return False
    return found is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--venues", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--skip-postgis", action="store_true")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, python {platform.python_version()}")
    demo(args.queries)
    pg = None if args.skip_postgis or not postgis_available(args.pg) else args.pg
    if pg is None:
        print("PostGIS not available: skipping the PostGIS KNN comparison")
    synthetic(args.venues, args.queries, pg)


if __name__ == "__main__":
    main()
