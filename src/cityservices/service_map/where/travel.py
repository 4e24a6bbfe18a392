"""Travel-time estimates from a straight-line distance, per mode — always labelled as estimates.

estimate = overhead + straight-line distance × detour factor ÷ speed. The detour factors (road distance
over straight-line distance, ~1.3–1.4 in Chinese cities) and speeds are round, documented assumptions,
not measurements; a real route comes from the road graph (``service_map.routing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["walk", "drive", "transit"]
MODES: tuple[Mode, ...] = ("walk", "drive", "transit")
ESTIMATE_METHOD = "straight_line_estimate"


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
