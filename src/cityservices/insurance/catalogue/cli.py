"""Commands ``cityservices insurance catalogue load`` and ``… search`` (registered by ``insurance.install``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cityservices.config import Settings, get_settings
from cityservices.insurance.catalogue import CATALOGUE_DIR, DEMO_CONSUMABLES

# The database layer, the catalogue's service and its search engine are imported by the commands that use them.
console = Console(stderr=True)
catalogue_app = typer.Typer(help="医保目录: 药品、中药饮片、支付规则、耗材", no_args_is_help=True)


def register(insurance: typer.Typer) -> None:
    insurance.add_typer(catalogue_app, name="catalogue")


def load_into(settings: Settings, folder: Path, *, if_empty: bool = False) -> dict[str, int] | None:
    """Validate every file of ``folder`` and replace the catalogue with it, showing progress."""
    from cityservices.db import refresh_planner_statistics, session_scope
    from cityservices.insurance.catalogue.service import catalogue_stats, load_catalogue
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime, relayed_events

    rt = make_runtime(settings)
    upgrade_to_head(rt.engine)
    if if_empty:
        with session_scope(rt.sessions) as session:
            if catalogue_stats(session)["drugs"] > 0:
                console.print("数据库已有医保目录，跳过载入。")
                return None
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=False) as progress:
        task = progress.add_task(f"读取并校验 {folder}", total=7)

        def step(label: str, rows: int) -> None:
            progress.update(task, advance=1, description=f"{label}: {rows} 行")

        with relayed_events(rt.settings), session_scope(rt.sessions) as session:
            counts = load_catalogue(session, folder, step)
        progress.update(task, advance=1, description="更新查询统计")
        refresh_planner_statistics(rt.engine)
        progress.update(task, completed=7, description="完成")
    return counts


@catalogue_app.command("load")
def load(
    folder: Annotated[Path, typer.Argument(help="目录文件夹 (默认随附的 2024 年国家药品目录)")] = CATALOGUE_DIR,
) -> None:
    """载入国家医保药品目录 (药品、中药饮片、支付规则及产品代码、可选的耗材)。先校验每一行；有错误则不写入任何数据。"""
    counts = load_into(get_settings(), folder)
    console.print("已载入: " + json.dumps(counts, ensure_ascii=False))


def load_consumables_into(settings: Settings, path: Path, *, if_empty: bool = False) -> int | None:
    """Validate a consumables file and replace the stored consumables with it."""
    from cityservices.db import session_scope
    from cityservices.insurance.catalogue.service import catalogue_stats, load_consumables
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime, relayed_events

    rt = make_runtime(settings)
    upgrade_to_head(rt.engine)
    with relayed_events(rt.settings), session_scope(rt.sessions) as session:
        if if_empty and catalogue_stats(session)["consumables"] > 0:
            return None
        return load_consumables(session, path)


@catalogue_app.command("load-consumables")
def load_consumables(
    path: Annotated[Path, typer.Argument(help="耗材文件 (默认随附的演示文件，编码均为虚构)")] = DEMO_CONSUMABLES,
) -> None:
    """载入医用耗材 (替换已有耗材)。先校验每一行；有错误则不写入任何数据。"""
    count = load_consumables_into(get_settings(), path)
    note = "（演示数据，编码和生产企业均为虚构）" if path.resolve() == DEMO_CONSUMABLES.resolve() else ""
    console.print(f"已载入耗材 {count} 条{note}")


@catalogue_app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="药名、商品名、拼音或俗称")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=50, help="结果数")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """查询医保药品目录。"""
    from cityservices.db import session_scope
    from cityservices.insurance.catalogue.service import build_search_index, search_catalogue
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    rt = make_runtime(get_settings())
    upgrade_to_head(rt.engine)
    with session_scope(rt.sessions) as session:
        index = build_search_index(session)
    answer = search_catalogue(index, query, limit=limit)
    if as_json:
        sys.stdout.write(answer.model_dump_json(indent=2) + "\n")
        return
    out = Console()
    for note in answer.understood.notes:
        out.print(f"[dim]{note}[/dim]")
    for hit in answer.results:
        entry = hit.entry
        out.print(
            f"{entry.insurance_class or '饮片'}  {entry.name}  {entry.dosage_form}  [dim]{entry.key} {hit.reason}[/dim]"
        )


@catalogue_app.command("eval")
def eval_(
    path: Annotated[Path, typer.Argument(help="查询集 (查询<TAB>类别<TAB>期望)")],
) -> None:
    """评测目录搜索的准确率 (首位命中率、前五命中率，按查询类别)。"""
    from cityservices.db import session_scope
    from cityservices.insurance.catalogue.evaluate import evaluate, read_cases
    from cityservices.insurance.catalogue.service import build_search_index
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    rt = make_runtime(get_settings())
    upgrade_to_head(rt.engine)
    with session_scope(rt.sessions) as session:
        index = build_search_index(session)
    report = evaluate(index.engine, read_cases(path))
    out = Console()
    table = Table("类别", "查询数", "首位命中", "前五命中")
    for kind, (n, one, five) in sorted(report.by_kind.items()):
        table.add_row(kind, str(n), f"{one / n:.1%}", f"{five / n:.1%}")
    table.add_row("全部", str(report.total), f"{report.top1_rate:.1%}", f"{report.top5_rate:.1%}")
    out.print(table)
    for query, expect, got in report.misses:
        out.print(f"[dim]未命中[/dim] {query}  期望 {expect}  首位 {got}")
