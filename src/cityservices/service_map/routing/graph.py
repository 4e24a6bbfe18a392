"""The road graph in memory: one rustworkx directed graph per mode, Dijkstra shortest paths, node snapping.

Each stored segment becomes up to two directed graph edges per mode (walking: both directions; driving:
the directions its costs allow). A graph edge's payload is a "leg" number; per-mode arrays give the leg's
segment, direction and cost in seconds, so Dijkstra's weight function is a list lookup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np
import numpy.typing as npt
import rustworkx as rx
from scipy.spatial import cKDTree

from cityservices.kit.geo import FloatArray, chord_to_metres, unit_vectors

RouteMode = Literal["walk", "drive"]
ROUTE_MODES: tuple[RouteMode, ...] = ("walk", "drive")
IntArray = npt.NDArray[np.int64]


@dataclass
class EdgeArrays:
    """Stored segments, by row: node positions, names, classes, lengths and costs (NaN = not allowed)."""

    source: IntArray
    target: IntArray
    way_id: IntArray
    name: list[str]
    highway: list[str]
    length_m: FloatArray
    walk_cost_s: FloatArray
    drive_cost_s: FloatArray
    drive_reverse_cost_s: FloatArray

    def __len__(self) -> int:
        return len(self.source)


@dataclass(frozen=True)
class Leg:
    """One directed step along a segment."""

    edge: int
    forward: bool
    cost_s: float


class _ModeGraph:
    def __init__(self, node_count: int, edges: EdgeArrays, mode: RouteMode, xyz: FloatArray) -> None:
        rows, forward, cost = _legs(edges, mode)
        self.leg_edge = rows
        self.leg_forward = forward
        self.leg_cost: list[float] = cost.tolist()
        starts = np.where(forward, edges.source[rows], edges.target[rows])
        ends = np.where(forward, edges.target[rows], edges.source[rows])
        self.graph: rx.PyDiGraph[None, int] = rx.PyDiGraph(multigraph=True)
        self.graph.add_nodes_from([None] * node_count)
        self.graph.add_edges_from(list(zip(starts.tolist(), ends.tolist(), range(len(rows)), strict=True)))
        self.node_positions: IntArray = np.unique(np.concatenate([starts, ends])).astype(np.int64)
        self.tree = cKDTree(xyz[self.node_positions]) if len(self.node_positions) else None


def _legs(edges: EdgeArrays, mode: RouteMode) -> tuple[IntArray, npt.NDArray[np.bool_], FloatArray]:
    rows = np.arange(len(edges), dtype=np.int64)
    if mode == "walk":
        ok = ~np.isnan(edges.walk_cost_s)
        both = rows[ok]
        return (
            np.concatenate([both, both]),
            np.concatenate([np.ones(len(both), bool), np.zeros(len(both), bool)]),
            np.concatenate([edges.walk_cost_s[ok], edges.walk_cost_s[ok]]),
        )
    fwd = ~np.isnan(edges.drive_cost_s)
    bwd = ~np.isnan(edges.drive_reverse_cost_s)
    return (
        np.concatenate([rows[fwd], rows[bwd]]),
        np.concatenate([np.ones(int(fwd.sum()), bool), np.zeros(int(bwd.sum()), bool)]),
        np.concatenate([edges.drive_cost_s[fwd], edges.drive_reverse_cost_s[bwd]]),
    )


class RoadGraph:
    """Nodes (WGS-84), segments, and per-mode graphs ready for shortest-path queries."""

    def __init__(
        self,
        node_ids: IntArray,
        lat: FloatArray,
        lng: FloatArray,
        edges: EdgeArrays,
        *,
        import_id: int | None = None,
        source_name: str | None = None,
    ) -> None:
        self.node_ids = node_ids
        self.lat = lat
        self.lng = lng
        self.edges = edges
        self.import_id = import_id
        self.source_name = source_name
        xyz = unit_vectors(lat, lng)
        self._modes = {mode: _ModeGraph(len(node_ids), edges, mode, xyz) for mode in ROUTE_MODES}

    @classmethod
    def from_rows(
        cls,
        nodes: Sequence[tuple[int, float, float]],
        edges: Sequence[tuple[int, int, int, str, str, float, float | None, float | None, float | None]],
        *,
        import_id: int | None = None,
        source_name: str | None = None,
    ) -> RoadGraph:
        """Build from stored rows (``routing.repository.fetch_nodes`` / ``fetch_edges``)."""
        node_ids = np.array([n[0] for n in nodes], dtype=np.int64)
        position = {node_id: i for i, node_id in enumerate(node_ids.tolist())}
        nan = math.nan
        arrays = EdgeArrays(
            source=np.array([position[e[0]] for e in edges], dtype=np.int64),
            target=np.array([position[e[1]] for e in edges], dtype=np.int64),
            way_id=np.array([e[2] for e in edges], dtype=np.int64),
            name=[e[3] for e in edges],
            highway=[e[4] for e in edges],
            length_m=np.array([e[5] for e in edges], dtype=np.float64),
            walk_cost_s=np.array([nan if e[6] is None else e[6] for e in edges], dtype=np.float64),
            drive_cost_s=np.array([nan if e[7] is None else e[7] for e in edges], dtype=np.float64),
            drive_reverse_cost_s=np.array([nan if e[8] is None else e[8] for e in edges], dtype=np.float64),
        )
        lat = np.array([n[1] for n in nodes], dtype=np.float64)
        lng = np.array([n[2] for n in nodes], dtype=np.float64)
        return cls(node_ids, lat, lng, arrays, import_id=import_id, source_name=source_name)

    @property
    def edge_count(self) -> int:
        return len(self.edges)

    def point(self, position: int) -> tuple[float, float]:
        return float(self.lat[position]), float(self.lng[position])

    def snap(self, mode: RouteMode, lat: float, lng: float) -> tuple[int, float] | None:
        """The nearest node usable in ``mode`` and its distance in metres; None when the mode has no roads."""
        graph = self._modes[mode]
        if graph.tree is None:
            return None
        chord, found = graph.tree.query(unit_vectors(np.array([lat]), np.array([lng]))[0])
        metres = float(chord_to_metres(np.array([chord]))[0])
        return int(graph.node_positions[int(found)]), metres

    def shortest_path(self, mode: RouteMode, source: int, target: int) -> list[Leg] | None:
        """The fastest legs from node position ``source`` to ``target``; None when unreachable."""
        graph = self._modes[mode]
        if source == target:
            return []
        paths = rx.digraph_dijkstra_shortest_paths(
            graph.graph, source, target=target, weight_fn=graph.leg_cost.__getitem__
        )
        if target not in paths:
            return None
        legs: list[Leg] = []
        for a, b in pairwise(paths[target]):
            best = min(
                (graph.graph.get_edge_data_by_index(e) for e in graph.graph.edge_indices_from_endpoints(a, b)),
                key=graph.leg_cost.__getitem__,
            )
            legs.append(Leg(int(graph.leg_edge[best]), bool(graph.leg_forward[best]), graph.leg_cost[best]))
        return legs

    def leg_nodes(self, leg: Leg) -> tuple[int, int]:
        """The (from, to) node positions of a leg."""
        a, b = int(self.edges.source[leg.edge]), int(self.edges.target[leg.edge])
        return (a, b) if leg.forward else (b, a)
