"""Route speed on a synthetic grid-like city of about 100,000 directed edges.

Usage: .venv/bin/python benchmarks/routing.py [--side N] [--routes N] [--db]
A side × side street grid (jittered positions, road classes by row and column, 10 % one-way streets) is built
as stored rows and loaded with ``RoadGraph.from_rows``, then ``plan_route`` (snap, Dijkstra, steps,
geometry) runs between random points. With ``--db`` the graph is also written to and read back from a
SQLite file, as ``cityservices import-osm`` and the API do. Results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from cityservices.config import Settings
from cityservices.db import session_scope
from cityservices.kit.geo import haversine_m
from cityservices.platform.migrate import upgrade_to_head
from cityservices.platform.runtime import make_runtime
from cityservices.service_map.routing.graph import RoadGraph
from cityservices.service_map.routing.osm import RoadNetwork, Segment
from cityservices.service_map.routing.repository import replace_road_graph
from cityservices.service_map.routing.service import load_road_graph, plan_route

ORIGIN = (36.00, 120.20)
STEP_DEG = 0.0025  # about 280 m between crossings
CLASSES = (("primary", 45.0), ("secondary", 40.0), ("tertiary", 30.0), ("residential", 20.0))


def grid_network(side: int, seed: int = 3) -> RoadNetwork:
    rng = np.random.default_rng(seed)
    network = RoadNetwork("synthetic-grid", "osm", "0" * 64)
    jitter = rng.uniform(-0.0004, 0.0004, (side, side, 2))
    for r in range(side):
        for c in range(side):
            network.nodes[r * side + c + 1] = (
                ORIGIN[0] + r * STEP_DEG + jitter[r, c, 0],
                ORIGIN[1] + c * STEP_DEG + jitter[r, c, 1],
            )
    way = 0
    for line in range(side):
        for horizontal in (True, False):
            way += 1
            highway, kmh = CLASSES[0] if line % 10 == 0 else CLASSES[1 + line % 3]
            one_way = rng.random() < 0.1
            ids = [line * side + i + 1 if horizontal else i * side + line + 1 for i in range(side)]
            for a, b in itertools.pairwise(ids):
                length = haversine_m(*network.nodes[a], *network.nodes[b])
                network.segments.append(
                    Segment(way, a, b, f"{'东西' if horizontal else '南北'}{line}路", highway, length, 5.0, kmh,
                            None if one_way else kmh)
                )  # fmt: skip
    network.ways = way
    return network


def as_rows(network: RoadNetwork) -> tuple[list[tuple[int, float, float]], list[tuple[object, ...]]]:
    nodes = [(i, lat, lng) for i, (lat, lng) in sorted(network.nodes.items())]

    def cost(s: Segment, kmh: float | None) -> float | None:
        return s.length_m / (kmh / 3.6) if kmh else None

    edges = [
        (s.source, s.target, s.way_id, s.name, s.highway, s.length_m, cost(s, s.walk_kmh), cost(s, s.drive_kmh),
         cost(s, s.drive_reverse_kmh))
        for s in network.segments
    ]  # fmt: skip
    return nodes, edges


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    return f"p50 {statistics.median(ms):7.2f} ms   p95 {ms[int(len(ms) * 0.95)]:7.2f} ms   (n={len(ms)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--side", type=int, default=159)
    parser.add_argument("--routes", type=int, default=200)
    parser.add_argument("--db", action="store_true", help="also write and read the graph through SQLite")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, python {platform.python_version()}")
    network = grid_network(args.side)
    nodes, edges = as_rows(network)
    started = time.perf_counter()
    graph = RoadGraph.from_rows(nodes, edges)  # type: ignore[arg-type]
    build_s = time.perf_counter() - started
    drive_edges = int(np.sum(~np.isnan(graph.edges.drive_cost_s)) + np.sum(~np.isnan(graph.edges.drive_reverse_cost_s)))
    print(
        f"grid {args.side}×{args.side}: {len(nodes):,} nodes, {len(edges):,} segments, "
        f"{drive_edges:,} directed driving edges, {2 * len(edges):,} walking edges; graph built in {build_s:.2f} s"
    )
    rng = np.random.default_rng(11)
    span = (args.side - 1) * STEP_DEG
    points = [
        ((ORIGIN[0] + a * span, ORIGIN[1] + b * span), (ORIGIN[0] + c * span, ORIGIN[1] + d * span))
        for a, b, c, d in rng.random((args.routes, 4))
    ]
    for mode in ("drive", "walk"):
        samples, lengths = [], []
        for origin, destination in points:
            started = time.perf_counter()
            route = plan_route(graph, origin=origin, destination=destination, destination_name="x", mode=mode)
            samples.append(time.perf_counter() - started)
            lengths.append(route.distance_m)
        print(f"  route {mode:5s} (snap + Dijkstra + steps), median length {statistics.median(lengths) / 1000:.1f} km: "
              f"{percentiles(samples)}")  # fmt: skip
    if args.db:
        with tempfile.TemporaryDirectory() as tmp:
            rt = make_runtime(Settings(database_url=f"sqlite:///{Path(tmp) / 'roads.db'}"))
            upgrade_to_head(rt.engine)
            started = time.perf_counter()
            with session_scope(rt.sessions) as session:
                replace_road_graph(session, network)
            write_s = time.perf_counter() - started
            started = time.perf_counter()
            with session_scope(rt.sessions) as session:
                load_road_graph(session)
            print(f"  SQLite: write graph {write_s:.2f} s, read + build graph {time.perf_counter() - started:.2f} s")
            rt.engine.dispose()


if __name__ == "__main__":
    main()
