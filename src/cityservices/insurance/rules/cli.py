"""``cityservices insurance rules load [PATH]`` and ``cityservices insurance rules list``."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cityservices.config import get_settings
from cityservices.errors import RequestInvalid

# The database layer and the rules' service are imported by the commands that use them.
console = Console(stderr=True)
rules_app = typer.Typer(help="医保规则表：载入与查看。", no_args_is_help=True)


@rules_app.command("load")
def load(path: Annotated[Path | None, typer.Argument(help="规则文件 (JSON)；缺省为随附的示例规则")] = None) -> None:
    """载入规则文件：逐行校验，同一规则表同一键的有效期不得重叠；有任何错误则不写入。"""
    from cityservices.db import session_scope
    from cityservices.insurance.rules.service import BUNDLED_RULES, load_rules, read_rule_file
    from cityservices.kit.audit import SYSTEM
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    rule_file = read_rule_file(path or BUNDLED_RULES)
    rt = make_runtime(get_settings())
    upgrade_to_head(rt.engine)
    with session_scope(rt.sessions) as session:
        report = load_rules(session, rule_file, actor=SYSTEM)
    console.print(
        f"规则版本 {report.version}: 新增 {len(report.added)} 条，修改 {len(report.changed)} 条，"
        f"未变 {report.unchanged} 条"
    )


@rules_app.command("list")
def list_(
    table: Annotated[str | None, typer.Option("--table", help="只列出一个规则表")] = None,
    on: Annotated[str | None, typer.Option("--on", help="只列出在该日期 (YYYY-MM-DD) 有效的规则")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """列出已载入的规则，含来源、有效期与是否核实 (未核实者为示例参数)。"""
    from cityservices.db import session_scope
    from cityservices.insurance.rules.service import list_rules
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    day = None
    if on is not None:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            raise RequestInvalid("--on", f"不是 YYYY-MM-DD 日期: {on}") from None
    rt = make_runtime(get_settings())
    upgrade_to_head(rt.engine)
    with session_scope(rt.sessions) as session:
        rows = list_rules(session, table=table, on=day)
    if as_json:
        sys.stdout.write(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=2) + "\n")
        return
    out = Table("编号", "规则", "取值", "有效期", "核实")
    for row in rows:
        values = ", ".join(f"{k}={v}" for k, v in row.values.items())
        until = row.valid_to.isoformat() if row.valid_to else "…"
        out.add_row(row.id, row.label, values, f"{row.valid_from.isoformat()} – {until}", row.marking)
    Console().print(out)


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
