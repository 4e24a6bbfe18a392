"""Turn-by-turn steps from a path: consecutive legs on the same street form one step; the change of bearing
where two streets meet gives the turn (straight, slight, plain, sharp, U-turn; left or right)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cityservices.kit.geo import initial_bearing_deg
from cityservices.service_map.routing.graph import Leg, RoadGraph, RouteMode

StepKind = Literal["depart", "turn", "arrive"]
Turn = Literal["straight", "slight_left", "slight_right", "left", "right", "sharp_left", "sharp_right", "uturn"]
TURN_TEXT: dict[Turn, str] = {
    "straight": "直行",
    "slight_left": "稍向左转",
    "slight_right": "稍向右转",
    "left": "左转",
    "right": "右转",
    "sharp_left": "向左急转",
    "sharp_right": "向右急转",
    "uturn": "掉头",
}
COMPASS = ("北", "东北", "东", "东南", "南", "西南", "西", "西北")
UNNAMED = "无名道路"


@dataclass(frozen=True)
class RouteStep:
    kind: StepKind
    turn: Turn | None
    instruction: str
    street: str
    distance_m: float
    duration_s: float
    bearing_deg: float | None
    location: tuple[float, float]  # WGS-84 (lat, lng) where the step starts


@dataclass
class _Run:
    street: str
    key: tuple[str, int]
    legs: list[Leg]
    start: tuple[float, float]
    first_bearing: float
    last_bearing: float


def classify_turn(change_deg: float) -> Turn:
    """The turn for a change of bearing in degrees (positive = clockwise = to the right)."""
    change = (change_deg + 180.0) % 360.0 - 180.0
    size = abs(change)
    if size < 20:
        return "straight"
    if size >= 170:
        return "uturn"
    side = "right" if change > 0 else "left"
    if size < 45:
        return "slight_right" if side == "right" else "slight_left"
    if size < 135:
        return "right" if side == "right" else "left"
    return "sharp_right" if side == "right" else "sharp_left"


def compass(bearing: float) -> str:
    return COMPASS[int(((bearing % 360.0) + 22.5) // 45) % 8]


def format_distance(metres: float) -> str:
    return f"{metres / 1000:.1f} 公里" if metres >= 1000 else f"{round(metres)} 米"


def build_steps(
    graph: RoadGraph,
    legs: list[Leg],
    *,
    mode: RouteMode,
    destination: tuple[float, float],
    destination_name: str,
    arrive_distance_m: float = 0.0,
    arrive_duration_s: float = 0.0,
) -> list[RouteStep]:
    """Depart, one step per street change, arrive (with the last straight-line stretch to the door)."""
    verb = "步行" if mode == "walk" else "行驶"
    steps: list[RouteStep] = []
    previous: _Run | None = None
    for run in _runs(graph, legs):
        distance = sum(float(graph.edges.length_m[leg.edge]) for leg in run.legs)
        duration = sum(leg.cost_s for leg in run.legs)
        how = f"{verb} {format_distance(distance)}"
        if previous is None:
            text = f"沿{run.street}向{compass(run.first_bearing)}{how}"
            steps.append(RouteStep("depart", None, text, run.street, distance, duration, run.first_bearing, run.start))
        else:
            turn = classify_turn(run.first_bearing - previous.last_bearing)
            text = f"{TURN_TEXT[turn]}进入{run.street}，{how}"
            steps.append(RouteStep("turn", turn, text, run.street, distance, duration, run.first_bearing, run.start))
        previous = run
    tail = f"，再前行约 {format_distance(arrive_distance_m)}" if arrive_distance_m >= 1 else ""
    steps.append(
        RouteStep(
            "arrive", None, f"到达{destination_name}{tail}", "", arrive_distance_m, arrive_duration_s, None, destination
        )
    )
    return steps


def _runs(graph: RoadGraph, legs: list[Leg]) -> list[_Run]:
    runs: list[_Run] = []
    for leg in legs:
        a, b = graph.leg_nodes(leg)
        start, end = graph.point(a), graph.point(b)
        bearing = initial_bearing_deg(*start, *end)
        name = graph.edges.name[leg.edge]
        key = (name, 0) if name else ("", int(graph.edges.way_id[leg.edge]))
        if runs and runs[-1].key == key and classify_turn(bearing - runs[-1].last_bearing) != "uturn":
            runs[-1].legs.append(leg)
            runs[-1].last_bearing = bearing
        else:
            runs.append(_Run(name or UNNAMED, key, [leg], start, bearing, bearing))
    return runs
