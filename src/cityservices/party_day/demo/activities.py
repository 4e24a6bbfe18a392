"""A year of demo Party Days, meetings and dues for the demo organisation (generated, marked demo): realistic
attendance, some months skipped and some dues unpaid, so that the compliance calendar and the ledger have
something to find. Every plan is built to satisfy its branch kind's template."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from cityservices.party_day.activities.requirements import Requirements
from cityservices.party_day.compliance.rules import BEIJING

YEAR = 2026
HELD_MONTHS = range(1, 12)  # January to November held (or skipped); December planned
THEMES = (
    "学习贯彻党的创新理论", "重温入党誓词 坚定理想信念", "走进红色教育基地", "为民办实事 志愿服务进社区",
    "学习党章党规 严守纪律规矩", "弘扬优良作风 担当作为", "民主议事 共商发展", "传承红色基因",
)  # fmt: skip
ABSENCE_REASONS = ("因公出差请假", "因病请假", "家中有事请假", "未请假缺席")


@dataclass
class DemoDay:
    branch_id: int
    values: dict[str, Any]
    participants: list[int]
    held: bool
    attendance: list[dict[str, Any]] = field(default_factory=list)
    minutes: dict[str, Any] | None = None
    scores: dict[str, int] | None = None


def plan_values(rng: random.Random, req: Requirements, kind: str, month: int, secretary: int) -> dict[str, Any]:
    rule = req.kinds[kind]
    contents = list(dict.fromkeys([rule.one_of_contents[0], rng.choice(("理论学习", "党性教育", "组织生活"))]))
    counts_as: list[str] = []
    if month % 3 == 0 and rng.random() < 0.7:
        contents = list(dict.fromkeys([*contents, "组织生活", "理论学习"]))
        counts_as = ["general_meeting", "party_lecture"]
    method = (rule.methods or ("集中",))[0]
    day = rng.randint(1, 10)
    starts = dt.datetime(YEAR, month, day, 9, 0, tzinfo=BEIJING).astimezone(dt.UTC)
    return {
        "theme": f"{rng.choice(THEMES)}（演示）", "starts_at": starts, "ends_at": starts + dt.timedelta(hours=2),
        "method": method, "place": "党员活动室（演示）", "contents": contents, "own_contents": [],
        "steps": [*req.fixed_steps, *rule.required_steps, "summary"], "counts_as": counts_as,
        "lecturer_id": secretary if counts_as else None, "invited_count": rng.choice((0, 0, 2, 5)),
        "notes": None, "is_demo": True,
    }  # fmt: skip


def run_day(rng: random.Random, day: DemoDay) -> None:
    """Attendance (QR or roster, leave, make-up), minutes and often a self-check for a held day."""
    starts: dt.datetime = day.values["starts_at"]
    present: list[int] = []
    absences: list[dict[str, Any]] = []
    for member_id in day.participants:
        roll = rng.random()
        if roll < 0.84:
            present.append(member_id)
            day.attendance.append({"member_id": member_id, "state": "present", "how": rng.choice(("qr", "roster")),
                                   "at": starts - dt.timedelta(minutes=rng.randint(0, 20))})  # fmt: skip
            continue
        reason = ABSENCE_REASONS[0 if roll < 0.9 else 1 if roll < 0.95 else 2 if roll < 0.98 else 3]
        absences.append({"member_id": member_id, "reason": reason})
        if reason != ABSENCE_REASONS[3]:
            made_up = rng.random() < 0.6
            day.attendance.append({
                "member_id": member_id, "state": "made_up" if made_up else "leave_approved",
                "how": "makeup" if made_up else None, "at": starts + dt.timedelta(days=rng.randint(2, 20)),
                "reason": reason,
            })  # fmt: skip
    host = day.participants[0]
    recorder = present[1] if len(present) > 1 else host
    day.minutes = {
        "host_id": host, "recorder_id": recorder, "expected": len(day.participants), "present": len(present),
        "absent": len(absences), "absences": absences, "content": f"{day.values['theme']}：按程序开展。",
        "resolutions": ["落实学习要求"], "follow_up": ["下月党日前完成"], "attachments": [],
        "recorded_at": starts + dt.timedelta(hours=3),
    }  # fmt: skip
    if rng.random() < 0.6:
        day.scores = {s: rng.randint(3, 5) for s in ("主题鲜明", "程序规范", "形式务实", "党味浓厚", "成效明显")}


def meetings_for(
    rng: random.Random, branch_id: int, has_groups: bool, linked_quarters: set[int], miss: float
) -> list[dict[str, Any]]:
    """A branch's 三会一课 held apart from Party Days in the year; a weak branch misses some (``miss``)."""
    out = []

    def add(kind: str, month: int, topic: str) -> None:
        at = dt.datetime(YEAR, month, rng.randint(11, 25), 14, 30, tzinfo=BEIJING).astimezone(dt.UTC)
        out.append({"branch_id": branch_id, "kind": kind, "held_at": at, "topic": f"{topic}（演示）", "is_demo": True})

    for month in HELD_MONTHS:
        if rng.random() >= miss:
            add("committee_meeting", month, "研究支部月度工作")
        if has_groups and rng.random() >= miss:
            add("group_meeting", month, "党小组学习")
    for quarter in range(1, 5):
        if quarter not in linked_quarters and quarter < 4 and rng.random() >= miss:
            add("general_meeting", quarter * 3, "支部党员大会")
        if quarter not in linked_quarters and quarter < 4 and rng.random() >= miss:
            add("party_lecture", quarter * 3, "书记讲党课")
    if rng.random() >= miss:
        add("organisational_life", 1, "年度组织生活会")
        add("democratic_review", 1, "民主评议党员")
    return out


def dues_for(rng: random.Random, member_id: int, kind: str, joined: dt.date, lapsed: bool) -> list[dict[str, Any]]:
    """A member's 2026 dues, January to November, most paid; ``lapsed`` members stop paying in May."""
    from cityservices.party_day.dues.rules import banded_amount, load_rules

    rules = load_rules()
    category = "retiree" if kind == "retired" else "farmer" if kind == "village" and rng.random() < 0.6 else "wage"
    base = rng.randint(250_000, 1_500_000) if category != "farmer" else None
    rows = []
    for month in HELD_MONTHS:
        key = f"{YEAR}-{month:02d}"
        if key < f"{joined.year}-{joined.month:02d}":
            continue
        if base is not None:
            due = banded_amount(rules.wage if category == "wage" else rules.retiree, base)
        else:
            due = rng.choice((20, 50, 100))
        unpaid = (lapsed and month >= 5) or rng.random() < 0.03
        rows.append({
            "member_id": member_id, "month": key, "category": category, "base_fen": base, "due_fen": due,
            "paid_fen": 0 if unpaid else due, "paid_on": None if unpaid else dt.date(YEAR, month, 15),
            "method": None if unpaid else rng.choice(("线上", "转账", "现金")), "approval": None, "is_demo": True,
        })  # fmt: skip
    return rows
