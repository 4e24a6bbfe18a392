"""Who may use an OSM way, in which direction, and how fast: walking and driving profiles from its tags.

Driving speeds by road class are typical urban travel speeds in km/h (not limits); a lower ``maxspeed``
tag caps them. Walking is 5 km/h (steps 2.5 km/h) on every way except motorways and trunk roads (城市快速路),
in both directions whatever ``oneway`` says. Ways tagged ``access=no|private`` are closed unless a more
specific tag (``foot``, ``motor_vehicle``, ``motorcar``) opens them; ``area=yes`` ways are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

DRIVE_SPEED_KMH: dict[str, float] = {
    "motorway": 90.0,
    "motorway_link": 50.0,
    "trunk": 70.0,
    "trunk_link": 40.0,
    "primary": 45.0,
    "primary_link": 30.0,
    "secondary": 40.0,
    "secondary_link": 30.0,
    "tertiary": 30.0,
    "tertiary_link": 25.0,
    "unclassified": 25.0,
    "road": 25.0,
    "residential": 20.0,
    "living_street": 10.0,
    "service": 15.0,
}
WALK_ONLY = frozenset({"footway", "pedestrian", "path", "steps", "cycleway", "bridleway", "corridor", "track"})
NO_WALK = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})
IMPLIED_ONEWAY = frozenset({"motorway", "motorway_link"})
WALK_SPEED_KMH = 5.0
STEPS_SPEED_KMH = 2.5
CLOSED = frozenset({"no", "private"})
OPEN = frozenset({"yes", "designated", "permissive", "destination", "customers", "delivery"})


@dataclass(frozen=True)
class WayRules:
    """How a way may be used: walking (both directions), driving forwards / backwards, speeds in km/h."""

    walk: bool
    drive_forward: bool
    drive_backward: bool
    walk_kmh: float
    drive_kmh: float

    @property
    def routable(self) -> bool:
        return self.walk or self.drive_forward or self.drive_backward


def way_rules(tags: Mapping[str, str]) -> WayRules | None:
    """The rules of a way from its tags; None when it is not a road anyone may route over."""
    highway = tags.get("highway", "")
    if tags.get("area") == "yes" or (highway not in DRIVE_SPEED_KMH and highway not in WALK_ONLY):
        return None
    access = tags.get("access", "")
    walk = _allowed(highway not in NO_WALK, access, tags.get("foot"))
    drive = highway in DRIVE_SPEED_KMH and _allowed(True, access, tags.get("motorcar") or tags.get("motor_vehicle"))
    forward, backward = _directions(tags, highway)
    rules = WayRules(
        walk=walk,
        drive_forward=drive and forward,
        drive_backward=drive and backward,
        walk_kmh=STEPS_SPEED_KMH if highway == "steps" else WALK_SPEED_KMH,
        drive_kmh=_drive_speed(highway, tags.get("maxspeed")),
    )
    return rules if rules.routable else None


def _allowed(default: bool, access: str, specific: str | None) -> bool:
    if specific is not None:
        return specific in OPEN or (specific not in CLOSED and default and access not in CLOSED)
    return default and access not in CLOSED


def _directions(tags: Mapping[str, str], highway: str) -> tuple[bool, bool]:
    oneway = tags.get("oneway", "")
    if oneway in ("yes", "true", "1"):
        return True, False
    if oneway in ("-1", "reverse"):
        return False, True
    if oneway == "no":
        return True, True
    implied = highway in IMPLIED_ONEWAY or tags.get("junction") in ("roundabout", "circular")
    return True, not implied


def _drive_speed(highway: str, maxspeed: str | None) -> float:
    speed = DRIVE_SPEED_KMH.get(highway, 0.0)
    limit = parse_maxspeed(maxspeed)
    return min(speed, limit) if limit else speed


def parse_maxspeed(value: str | None) -> float | None:
    """km/h from an OSM ``maxspeed`` ("60", "60 km/h", "30 mph"); None when absent or not a number."""
    if not value:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|mph)?\s*", value)
    if not match:
        return None
    speed = float(match.group(1))
    return speed * 1.609344 if match.group(2) == "mph" else speed if speed > 0 else None
