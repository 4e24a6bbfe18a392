"""The command line: ``cityservices COMMAND``. Every command is documented in docs/cli.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cityservices.auth.cli import register as register_staff_commands
from cityservices.config import Settings, get_settings
from cityservices.db import refresh_planner_statistics, session_scope
from cityservices.errors import AppError
from cityservices.platform.migrate import upgrade_to_head
from cityservices.platform.runtime import Runtime, make_runtime, relayed_events
from cityservices.service_map.catalogue.service import collect_stats
from cityservices.service_map.interchange.dataset import ImportFailed
from cityservices.service_map.interchange.dump import dump_dataset
from cityservices.service_map.interchange.formats import FORMATS, Format, get_format
from cityservices.service_map.interchange.geojson import upsert_venues
from cityservices.service_map.interchange.store import WRITE_STEPS, import_dataset
from cityservices.service_map.search.cli import register as register_search_commands
from cityservices.service_map.where.cli import register as register_where_commands

app = typer.Typer(
    help="cityservices: 城市政务服务平台",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
FORMAT_HELP = "格式: " + ", ".join(f"{f.name} ({f.description})" for f in FORMATS.values())
register_search_commands(app)
register_where_commands(app)
register_staff_commands(app)


def _runtime() -> Runtime:
    return make_runtime(get_settings())


@app.command("init-db")
def init_db() -> None:
    """建立或升级数据库结构 (运行全部迁移)。"""
    rt = _runtime()
    upgrade_to_head(rt.engine)
    console.print(f"数据库已就绪: {rt.engine.url.render_as_string(hide_password=True)}")


@app.command("load-demo")
def load_demo(
    if_empty: Annotated[bool, typer.Option("--if-empty", help="数据库已有数据时跳过")] = False,
) -> None:
    """载入随附的青岛演示数据集 (替换现有服务地图数据)。"""
    rt = _runtime()
    upgrade_to_head(rt.engine)
    if if_empty:
        with session_scope(rt.sessions) as session:
            if collect_stats(session)["venues"]["total"] > 0:
                console.print("数据库已有数据，跳过演示数据载入。")
                return
    _import(rt, rt.settings.demo_data_dir, fmt="native", mode="replace")


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="数据目录或文件")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "native",
    mode: Annotated[
        str,
        typer.Option(
            "--mode", help="insert: 追加，键冲突即失败; replace: 整体替换; upsert: 按 id 更新或新增场所 (geojson)"
        ),
    ] = "insert",
) -> None:
    """导入数据。先校验每一行；任何错误都不会写入数据。"""
    if mode not in ("insert", "replace", "upsert"):
        raise typer.BadParameter("应为 insert、replace 或 upsert", param_hint="--mode")
    if mode == "upsert" and fmt != "geojson":
        raise typer.BadParameter("upsert 仅用于场所 GeoJSON (--format geojson)", param_hint="--mode")
    rt = _runtime()
    upgrade_to_head(rt.engine)
    _import(rt, path, fmt=fmt, mode=mode)


def _import(rt: Runtime, path: Path, *, fmt: str, mode: str) -> None:
    reader = _format(fmt)
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=False) as progress:
        task = progress.add_task(f"读取 {path}", total=len(WRITE_STEPS) + 1)
        dataset, issues = reader.read(path)
        if issues:
            raise ImportFailed(issues)
        progress.update(task, advance=1, description="校验引用")

        def step(label: str) -> None:
            progress.update(task, advance=1, description=f"写入 {label}")

        with relayed_events(rt.settings), session_scope(rt.sessions) as session:
            if mode == "upsert":
                counts = upsert_venues(session, dataset)
            else:
                counts = import_dataset(session, dataset, mode="replace" if mode == "replace" else "insert", step=step)
        progress.update(task, description="更新查询统计")
        refresh_planner_statistics(rt.engine)
        progress.update(task, completed=len(WRITE_STEPS) + 1, description="完成")
    console.print("已导入: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))


@app.command("export")
def export(
    path: Annotated[Path, typer.Argument(help="输出目录或文件")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "native",
) -> None:
    """导出全部服务地图数据。"""
    writer = _format(fmt)
    rt = _runtime()
    upgrade_to_head(rt.engine)
    with session_scope(rt.sessions) as session:
        dataset = dump_dataset(session)
    writer.write(dataset, path)
    console.print(f"已导出到 {path}: " + ", ".join(f"{k} {v}" for k, v in dataset.counts().items() if v))


@app.command("stats")
def stats(as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """统计: 各级场所、事项、场所-事项、指南、一件事、周边地点，以及 20 项属性齐全的场所数。"""
    rt = _runtime()
    upgrade_to_head(rt.engine)
    with session_scope(rt.sessions) as session:
        result = collect_stats(session)
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


def _format(name: str) -> Format:
    try:
        return get_format(name)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from None


def main() -> None:
    """Entry point: expected errors print a clear message and exit 2, never a traceback."""
    try:
        app()
    except AppError as exc:
        console.print(f"[red]错误[/red]: {exc.detail}", highlight=False, markup=True)
        sys.exit(2)


__all__ = ["Settings", "app", "main"]
