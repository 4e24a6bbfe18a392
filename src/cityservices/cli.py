"""The command line: ``cityservices COMMAND``. Every command is documented in docs/cli.md.

The platform's own commands are here (``init-db``, ``load-demo``, ``stats``, ``serve``) and in
``platform.database_cli`` (``backup``, ``restore``); each installed domain adds its own through its ``install``
module (``platform.domains``)."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cityservices.config import Settings, get_settings
from cityservices.errors import AppError
from cityservices.platform import database_cli
from cityservices.platform.domains import load_domains

# Only what declaring the commands needs is imported here; each command imports the rest (the database layer,
# the search engine, the web app …) when it runs, so that ``--help`` and quick commands start fast
# (benchmarks/startup.py, tests/test_cli_startup.py).

app = typer.Typer(
    help="cityservices: 城市政务服务平台",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
database_cli.register(app)
for _domain in load_domains(get_settings().domains):
    if _domain.register_cli is not None:
        _domain.register_cli(app)


@app.command("init-db")
def init_db() -> None:
    """建立或升级数据库结构 (运行全部迁移)。"""
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    rt = make_runtime(get_settings())
    upgrade_to_head(rt.engine)
    console.print(f"数据库已就绪: {rt.engine.url.render_as_string(hide_password=True)}")


@app.command("load-demo")
def load_demo(
    if_empty: Annotated[bool, typer.Option("--if-empty", help="数据库已有数据时跳过")] = False,
) -> None:
    """载入随附的青岛演示数据 (各业务领域；替换现有演示数据)。"""
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    settings = get_settings()
    upgrade_to_head(make_runtime(settings).engine)
    for domain in load_domains(settings.domains):
        if domain.load_demo is not None:
            domain.load_demo(settings, if_empty)


@app.command("stats")
def stats(as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """统计: 各级场所、事项、场所-事项、指南、一件事、周边地点，以及 20 项属性齐全的场所数 (及各业务领域的数量)。"""
    from cityservices.db import session_scope
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    settings = get_settings()
    rt = make_runtime(settings)
    upgrade_to_head(rt.engine)
    result: dict[str, Any] = {}
    with session_scope(rt.sessions) as session:
        for domain in load_domains(settings.domains):
            if domain.stats is not None:
                result.update(domain.stats(session))
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("指标", "数量")
    for key, value in result.items():
        if key != "venues_missing_attributes":
            table.add_row(key, json.dumps(value, ensure_ascii=False))
    Console().print(table)


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="监听地址")] = None,
    port: Annotated[int | None, typer.Option(help="端口")] = None,
    workers: Annotated[
        int | None, typer.Option(min=0, help="工作进程数 (0 = 每个 CPU 核一个; 缺省取设置 workers)")
    ] = None,
) -> None:
    """启动 Web 服务 (页面与 /api/v1)；默认每个 CPU 核一个工作进程 (docs/operations.md "Serving")。"""
    from cityservices.platform.serving import run_server

    run_server(get_settings(), host=host, port=port, workers=workers)


def main() -> None:
    """Entry point: expected errors print a clear message and exit 2, never a traceback."""
    try:
        app()
    except AppError as exc:
        console.print(f"[red]错误[/red]: {exc.detail}", highlight=False, markup=True)
        sys.exit(2)


__all__ = ["Settings", "app", "main"]
