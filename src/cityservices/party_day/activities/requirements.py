"""The requirement templates of Party Day plans, kept as data (``data/requirements.json``, with its source and
status): the procedure steps every plan has, those each branch kind must add, the contents each kind must
include one of, the methods a kind may use, the sign-in window, the make-up window and the 三会一课 linkage."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "requirements.json"


@dataclass(frozen=True)
class KindRule:
    one_of_contents: tuple[str, ...]
    required_steps: tuple[str, ...]
    methods: tuple[str, ...] | None  # None: every method
    note: str


@dataclass(frozen=True)
class Linkage:
    label: str
    any_content: tuple[str, ...]
    all_members: bool
    needs_lecturer: bool


@dataclass(frozen=True)
class Requirements:
    source: str
    status: str
    steps: dict[str, str]
    fixed_steps: tuple[str, ...]
    opens_minutes_before: int
    closes_minutes_after: int
    make_up_days: int
    linkage: dict[str, Linkage]
    kinds: dict[str, KindRule]


def parse_requirements(raw: dict[str, Any]) -> Requirements:
    window = raw["sign_in_window"]
    kinds = {
        name: KindRule(tuple(rule["one_of_contents"]), tuple(rule["required_steps"]),
                       tuple(rule["methods"]) if "methods" in rule else None, rule.get("note", ""))
        for name, rule in raw["kinds"].items()
    }  # fmt: skip
    linkage = {
        name: Linkage(rule["label"], tuple(rule["any_content"]), bool(rule.get("all_members", False)),
                      bool(rule.get("needs_lecturer", False)))
        for name, rule in raw["linkage"].items()
    }  # fmt: skip
    steps = dict(raw["steps"])
    unknown = [s for s in raw["fixed_steps"] if s not in steps]
    unknown += [s for rule in kinds.values() for s in rule.required_steps if s not in steps]
    if unknown:
        raise ValueError(f"requirements name unknown steps: {unknown}")
    return Requirements(
        source=raw["source"], status=raw["status"], steps=steps, fixed_steps=tuple(raw["fixed_steps"]),
        opens_minutes_before=int(window["opens_minutes_before"]),
        closes_minutes_after=int(window["closes_minutes_after"]), make_up_days=int(raw["make_up_days"]),
        linkage=linkage, kinds=kinds,
    )  # fmt: skip


@lru_cache(maxsize=1)
def load_requirements() -> Requirements:
    return parse_requirements(json.loads(DATA.read_text(encoding="utf-8")))
