"""Use cases of the whole insurance domain: statistics for ``cityservices stats`` and the demo load."""

from __future__ import annotations

from typing import Any

from rich.progress import Progress
from sqlalchemy.orm import Session

from cityservices.config import Settings
from cityservices.db import session_scope
from cityservices.insurance.demo import generate
from cityservices.insurance.members import service as members
from cityservices.insurance.rules import repository as rules_repo
from cityservices.insurance.rules.service import BUNDLED_RULES, load_rules, read_rule_file, rule_book
from cityservices.insurance.settlement import service as settlement
from cityservices.kit.audit import SYSTEM
from cityservices.platform.runtime import make_runtime

DEMO_MEMBERS = 3000
DEMO_ENTERPRISES = 300


def collect_stats(session: Session) -> dict[str, Any]:
    counts: dict[str, Any] = dict(members.stats(session))
    counts["insurance_rules"] = rules_repo.count_rules(session)
    counts["insurance_settlements"] = settlement.count_settlements(session)
    return counts


def load_demo(settings: Settings, *, if_empty: bool, members_count: int = DEMO_MEMBERS) -> None:
    """Load the bundled rule file, then generate the demo members, contributions and settlements."""
    runtime = make_runtime(settings)
    with session_scope(runtime.sessions) as session:
        if if_empty and members.stats(session)["insurance_members"] > 0:
            return
        load_rules(session, read_rule_file(BUNDLED_RULES), actor=SYSTEM)
        book = rule_book(session)
        with Progress(transient=True) as progress:
            task = progress.add_task("医保演示数据", total=2 + members_count // 200)
            counts = generate(
                session,
                book=book,
                members_count=members_count,
                enterprises_count=max(10, members_count // 10),
                seed=2026,
                tick=lambda: progress.advance(task),
            )
    progress.console.print(
        f"医保演示数据: 单位 {counts.enterprises}，参保人 {counts.members}，"
        f"缴费 {counts.contributions}，结算 {counts.settlements}"
    )
