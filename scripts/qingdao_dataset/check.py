"""Self-check of a written dataset directory: counts, geometry, completeness and references."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import Point, shape

from .common import CODE_RE, WEEKDAYS, Json
from .geo import distance_m
from .sites import CITY_HALL_DISTRICT

EXPECTED_VENUES = 152
MIN_VENUE_ITEMS = 22_000
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
VENUE_ATTRIBUTES = ("name", "level", "division_code", "address", "postcode", "coordinates", "photos", "phones",
                    "hours", "windows", "departments", "transport", "parking", "accessibility", "appointment_url",
                    "kiosks", "status", "last_verified", "description", "website")  # fmt: skip


@dataclass
class Loaded:
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    records: dict[str, list[Json]] = field(default_factory=dict)
    boundaries: dict[str, Any] = field(default_factory=dict)


def load(directory: Path) -> Loaded:
    loaded = Loaded()
    for name in ("divisions", "departments", "items", "item_implementations", "venue_items", "pois"):
        with (directory / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            loaded.rows[name] = list(csv.DictReader(handle))
    for name in ("venues", "guides", "bundles"):
        lines = (directory / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        loaded.records[name] = [json.loads(line) for line in lines if line.strip()]
    collection = json.loads((directory / "boundaries.geojson").read_text(encoding="utf-8"))
    loaded.boundaries = {f["properties"]["code"]: shape(f["geometry"]) for f in collection["features"]}
    return loaded


def check_intervals(intervals: list[list[str]]) -> bool:
    previous = ""
    for opens, closes in intervals:
        if not (HHMM.match(opens) and HHMM.match(closes)) or opens >= closes or opens < previous:
            return False
        previous = closes
    return True


def _venue_polygon(venue: Json, divisions: dict[str, dict[str, str]], boundaries: dict[str, Any]) -> Any:
    if venue["level"] == "city":
        return boundaries[CITY_HALL_DISTRICT]
    code = venue["division_code"]
    return boundaries.get(code) or boundaries[divisions[code]["parent_code"]]


def check_venues(data: Loaded, problems: list[str]) -> None:
    venues = data.records["venues"]
    divisions = {row["code"]: row for row in data.rows["divisions"]}
    departments = {row["code"] for row in data.rows["departments"]}
    if len(venues) != EXPECTED_VENUES:
        problems.append(f"venues: {len(venues)} rows, expected {EXPECTED_VENUES}")
    for venue in venues:
        vid = venue["id"]
        polygon = _venue_polygon(venue, divisions, data.boundaries)
        if not polygon.contains(Point(venue["lng"], venue["lat"])):
            problems.append(f"venue {vid}: coordinates outside its polygon")
        empty = [a for a in VENUE_ATTRIBUTES if a != "coordinates" and venue.get(a) in (None, "", [], {})]
        if empty or venue.get("source_crs") != "wgs84":
            problems.append(f"venue {vid}: empty attributes {empty}")
        if set(venue["hours"]) != set(WEEKDAYS) or not all(check_intervals(v) for v in venue["hours"].values()):
            problems.append(f"venue {vid}: malformed hours")
        if not all(check_intervals(e["intervals"]) for e in venue["hours_exceptions"]):
            problems.append(f"venue {vid}: malformed hours exception")
        refs = set(venue["departments"]) | {w["department_code"] for w in venue["windows"]}
        if venue["division_code"] not in divisions or not refs <= departments:
            problems.append(f"venue {vid}: unresolved division or department")


def check_items(data: Loaded, core_names: list[str], problems: list[str]) -> None:
    items = data.rows["items"]
    names = Counter(row["name"] for row in items)
    problems += [f"items: duplicate name {n!r}" for n, c in names.items() if c > 1]
    problems += [f"items: core name missing {n!r}" for n in core_names if n not in names]
    core_flags = {row["name"] for row in items if row["is_core"] == "true"}
    if core_flags != set(core_names):
        problems.append("items: is_core does not match the core catalogue")
    departments = {row["code"] for row in data.rows["departments"]}
    for row in items:
        if not CODE_RE.match(row["code"]) or row["department_code"] not in departments:
            problems.append(f"item {row['code']}: bad code or department")
    guides = Counter(g["item_code"] for g in data.records["guides"] if g["is_current"])
    handled = {row["item_code"] for row in data.rows["venue_items"]}
    for row in items:
        if guides[row["code"]] != 1:
            problems.append(f"item {row['code']}: {guides[row['code']]} current guides")
        if row["code"] not in handled:
            problems.append(f"item {row['code']}: handled by no venue")


def check_venue_items(data: Loaded, problems: list[str]) -> None:
    rows = data.rows["venue_items"]
    if len(rows) < MIN_VENUE_ITEMS:
        problems.append(f"venue_items: {len(rows)} rows, expected at least {MIN_VENUE_ITEMS}")
    implementations = {(r["item_code"], r["level"]) for r in data.rows["item_implementations"]}
    venues = {v["id"]: v for v in data.records["venues"]}
    keys = Counter((r["venue_id"], r["item_code"]) for r in rows)
    problems += [f"venue_items: duplicate key {k}" for k, c in keys.items() if c > 1]
    windows = {vid: {w["number"] for w in v["windows"]} for vid, v in venues.items()}
    for row in rows:
        venue = venues.get(row["venue_id"])
        if venue is None or venue["level"] != row["level"]:
            problems.append(f"venue_items: {row['venue_id']} missing or level {row['level']} differs")
        if (row["item_code"], row["level"]) not in implementations:
            problems.append(f"venue_items: no implementation {row['item_code']}/{row['level']}")
        if row["window_number"] and row["window_number"] not in windows.get(row["venue_id"], set()):
            problems.append(f"venue_items: window {row['window_number']} not at {row['venue_id']}")


def check_references(data: Loaded, problems: list[str]) -> None:
    divisions = {row["code"] for row in data.rows["divisions"]}
    departments = {row["code"] for row in data.rows["departments"]}
    items = {row["code"] for row in data.rows["items"]}
    for row in data.rows["divisions"]:
        if row["parent_code"] not in divisions and len(row["code"]) > 4:
            problems.append(f"division {row['code']}: parent unresolved")
    for row in data.rows["departments"]:
        if row["division_code"] not in divisions:
            problems.append(f"department {row['code']}: division unresolved")
    for row in data.rows["item_implementations"]:
        if row["item_code"] not in items or row["department_code"] not in departments:
            problems.append(f"implementation {row['item_code']}/{row['level']}: unresolved reference")
    problems += [f"boundary {code}: unknown division" for code in data.boundaries if code not in divisions]
    for bundle in data.records["bundles"]:
        lead = bundle["lead_department_code"]
        if (lead is not None and lead not in departments) or any(r["item_code"] not in items for r in bundle["items"]):
            problems.append(f"bundle {bundle['code']}: unresolved reference")
    problems += [f"guide {g['item_code']}: unknown item" for g in data.records["guides"] if g["item_code"] not in items]


def check_pois(data: Loaded, problems: list[str]) -> None:
    venues = {v["id"]: (v["lng"], v["lat"]) for v in data.records["venues"]}
    for row in data.rows["pois"]:
        venue = venues.get("V" + row["id"][1:].split("-")[0])
        point = (float(row["lng"]), float(row["lat"]))
        if venue is None or not 140 <= distance_m(venue, point) <= 1510:
            problems.append(f"poi {row['id']}: not 150–1500 m from its venue")


def check_dataset(directory: Path, core_names: list[str]) -> list[str]:
    """Every problem found; an empty list means the dataset passed."""
    data = load(directory)
    problems: list[str] = []
    check_venues(data, problems)
    check_items(data, core_names, problems)
    check_venue_items(data, problems)
    check_references(data, problems)
    check_pois(data, problems)
    return problems
