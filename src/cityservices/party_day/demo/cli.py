"""``cityservices party …``: the demo organisation, the compliance of a subtree, the dues rules."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from cityservices.config import Settings, get_settings

# The database layer and the party-day services are imported by the commands that use them.
party_app = typer.Typer(help="主题党日：组织、活动、组织生活日历与党费", no_args_is_help=True)
console = Console(stderr=True)


def load_demo_party(settings: Settings, *, if_empty: bool) -> None:
    """Load the demo organisation (replacing earlier demo rows); with ``if_empty``, only into an empty tree."""
    from cityservices.auth.citizens.service import CitizenKeys
    from cityservices.db import session_scope
    from cityservices.party_day.demo.repository import has_organisations
    from cityservices.party_day.demo.service import STEPS, load_party_demo
    from cityservices.party_day.members_portal.demo import link_demo_citizen
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime
    from cityservices.platform.security import load_secret

    rt = make_runtime(settings)
    upgrade_to_head(rt.engine)
    with session_scope(rt.sessions) as session:
        if if_empty and has_organisations(session):
            console.print("数据库已有党组织数据，跳过主题党日演示数据载入。")
            return
        columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
        with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
            task = progress.add_task("主题党日演示数据", total=len(STEPS))

            def step(name: str) -> None:
                progress.update(task, advance=1, description=f"主题党日演示数据: {name}")

            counts = load_party_demo(session, step=step)
        linked = link_demo_citizen(session, keys=CitizenKeys.from_secret(load_secret(settings)))
    console.print("主题党日演示数据（演示）已载入: " + "，".join(f"{k} {v}" for k, v in counts.items()))
    if linked is not None:
        print(f"演示党员账户（演示数据）：身份证号码 {linked.id_number}  密码 {linked.password}  （{linked.name}）")


@party_app.command("load-demo")
def load_demo(if_empty: Annotated[bool, typer.Option("--if-empty", help="已有党组织时跳过")] = False) -> None:
    """载入主题党日演示数据：10 个区(市)的演示组织树、党员与一年的活动（均标记为演示）。"""
    load_demo_party(get_settings(), if_empty=if_empty)


@party_app.command("compliance")
def compliance(
    code: Annotated[str, typer.Argument(help="党组织代码")],
    on: Annotated[str | None, typer.Option("--on", help="按此日期判断逾期 (YYYY-MM-DD，缺省今天)")] = None,
) -> None:
    """输出一个党组织所辖党支部的组织生活落实情况 (JSON)。"""
    from cityservices.auth.models import StaffAccount
    from cityservices.db import session_scope
    from cityservices.party_day.compliance.rules import BEIJING
    from cityservices.party_day.compliance.service import overview
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    try:
        day = dt.date.fromisoformat(on) if on else dt.datetime.now(BEIJING).date()
    except ValueError:
        raise typer.BadParameter("日期格式应为 YYYY-MM-DD", param_hint="--on") from None
    rt = make_runtime(get_settings())
    upgrade_to_head(rt.engine)
    with session_scope(rt.sessions) as session:
        result = overview(session, account=StaffAccount(username="cli", role="admin"), code=code, year=day.year, on=day)
    sys.stdout.write(result.model_dump_json(indent=2) + "\n")


@party_app.command("dues-rules")
def dues_rules() -> None:
    """输出党费交纳规则（2008 年规定）及其来源 (JSON)。"""
    from cityservices.party_day.dues.rules import DATA

    sys.stdout.write(json.dumps(json.loads(DATA.read_text(encoding="utf-8")), ensure_ascii=False, indent=2) + "\n")


def register(app: typer.Typer) -> None:
    app.add_typer(party_app, name="party")
