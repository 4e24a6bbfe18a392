"""Travel-time estimates from a straight-line distance, per mode — always labelled as estimates.

estimate = overhead + straight-line distance × detour factor ÷ speed. The detour factors (road distance
over straight-line distance, ~1.3–1.4 in Chinese cities) and speeds are round, documented assumptions,
not measurements; a real route comes from the road graph (``service_map.routing``).

When the person does not pick a mode ("auto"), it is chosen by distance: walking while the walk takes at most
``WALK_AUTO_MAX_S`` (20 minutes), public transport up to ``TRANSIT_AUTO_MAX_M`` straight-line (the city's
central districts and their neighbours), and driving beyond. A walk over ``WALK_SENSIBLE_MAX_S`` (one hour) is
never offered as the plan, only listed among the alternatives with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["walk", "drive", "transit"]
ModeChoice = Literal["auto", "walk", "drive", "transit"]
MODES: tuple[Mode, ...] = ("walk", "drive", "transit")
MODE_CHOICES: tuple[ModeChoice, ...] = ("auto", *MODES)
ESTIMATE_METHOD = "straight_line_estimate"
WALK_AUTO_MAX_S = 20 * 60.0
WALK_SENSIBLE_MAX_S = 60 * 60.0
TRANSIT_AUTO_MAX_M = 15_000.0


@dataclass(frozen=True)
class TravelProfile:
    label: str
    detour: float
    speed_mps: float
    overhead_s: float
    overhead_note: str


PROFILES: dict[Mode, TravelProfile] = {
    "walk": TravelProfile("步行", 1.3, 4.5 / 3.6, 0.0, ""),
    "drive": TravelProfile("驾车", 1.4, 25.0 / 3.6, 300.0, "含约 5 分钟停车"),
    "transit": TravelProfile("公交/地铁", 1.4, 15.0 / 3.6, 600.0, "含约 10 分钟步行到站和候车"),
}


@dataclass(frozen=True)
class TravelEstimate:
    mode: Mode
    straight_line_m: float
    distance_m: float
    duration_s: float
    method: str = ESTIMATE_METHOD

    @property
    def note(self) -> str:
        profile = PROFILES[self.mode]
        extra = f"，{profile.overhead_note}" if profile.overhead_note else ""
        return (
            f"估算值：直线距离 × {profile.detour} ÷ {profile.label}平均速度 {profile.speed_mps * 3.6:g} km/h{extra}，"
            "并非实际路线"
        )


def estimate_travel(straight_line_m: float, mode: Mode) -> TravelEstimate:
    """The estimated road distance and travel time for a straight-line distance."""
    profile = PROFILES[mode]
    distance = straight_line_m * profile.detour
    return TravelEstimate(mode, straight_line_m, distance, profile.overhead_s + distance / profile.speed_mps)


def choose_mode(straight_line_m: float, requested: ModeChoice = "auto") -> Mode:
    """The mode to plan with: the requested one, or for "auto" the one that suits the distance."""
    if requested != "auto":
        return requested
    if estimate_travel(straight_line_m, "walk").duration_s <= WALK_AUTO_MAX_S:
        return "walk"
    return "transit" if straight_line_m <= TRANSIT_AUTO_MAX_M else "drive"


def travel_alternatives(straight_line_m: float) -> tuple[TravelEstimate, ...]:
    """An estimate for every mode, fastest first, for showing next to the chosen one."""
    return tuple(sorted((estimate_travel(straight_line_m, m) for m in MODES), key=lambda e: e.duration_s))


def is_sensible(estimate: TravelEstimate) -> bool:
    """False for a walk that nobody should be sent on as the plan (over an hour)."""
    return estimate.mode != "walk" or estimate.duration_s <= WALK_SENSIBLE_MAX_S


def mode_label(mode: Mode) -> str:
    return PROFILES[mode].label
