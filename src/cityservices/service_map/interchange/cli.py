"""Commands ``import`` and ``export`` of the service map's data, and its part of ``load-demo``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from cityservices.config import Settings, get_settings
from cityservices.service_map.interchange.formats import FORMATS

if TYPE_CHECKING:  # the database layer and the readers are imported by the commands that use them
    from cityservices.platform.runtime import Runtime
    from cityservices.service_map.interchange.formats import Format

console = Console(stderr=True)
FORMAT_HELP = "格式: " + ", ".join(f"{f.name} ({f.description})" for f in FORMATS.values())


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
    app.command("export")(export)


def load_demo_dataset(settings: Settings, *, if_empty: bool) -> None:
    """Load the bundled Qingdao dataset (replacing the service map's data); with ``if_empty``, only into an
    empty database."""
    from cityservices.db import session_scope
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime
    from cityservices.service_map.catalogue.service import collect_stats

    rt = make_runtime(settings)
    upgrade_to_head(rt.engine)
    if if_empty:
        with session_scope(rt.sessions) as session:
            if collect_stats(session)["venues"]["total"] > 0:
                console.print("数据库已有服务地图数据，跳过演示数据载入。")
                return
    _import(rt, settings.demo_data_dir, fmt="native", mode="replace")


def import_(
    path: Annotated[Path, typer.Argument(help="数据目录或文件")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "native",
    mode: Annotated[
        str,
        typer.Option(
            "--mode", help="insert: 追加，键冲突即失败; replace: 整体替换; upsert: 按 id 更新或新增场所 (geojson)"
        ),
    ] = "insert",
    division: Annotated[
        str | None,
        typer.Option("--division", help="HSDS: 未给出行政区划的部门和场所所属的区划代码 (须已存在)"),
    ] = None,
) -> None:
    """导入数据。先校验每一行；任何错误都不会写入数据。"""
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    if mode not in ("insert", "replace", "upsert"):
        raise typer.BadParameter("应为 insert、replace 或 upsert", param_hint="--mode")
    if mode == "upsert" and fmt != "geojson":
        raise typer.BadParameter("upsert 仅用于场所 GeoJSON (--format geojson)", param_hint="--mode")
    if division is not None and _format(fmt).survey is None:
        raise typer.BadParameter("--division 仅用于 HSDS (--format hsds 或 hsds-csv)", param_hint="--division")
    rt = make_runtime(get_settings())
    upgrade_to_head(rt.engine)
    _import(rt, path, fmt=fmt, mode=mode, division=division)


def _import(rt: Runtime, path: Path, *, fmt: str, mode: str, division: str | None = None) -> None:
    from cityservices.db import refresh_planner_statistics, session_scope
    from cityservices.platform.runtime import relayed_events
    from cityservices.service_map.interchange.dataset import ImportFailed
    from cityservices.service_map.interchange.geojson import upsert_venues
    from cityservices.service_map.interchange.store import WRITE_STEPS, import_dataset

    reader = _format(fmt)
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=False) as progress:
        task = progress.add_task(f"读取 {path}", total=len(WRITE_STEPS) + 1)
        if reader.survey is not None:
            dataset, issues, survey = reader.survey(path, division)
            for line in survey.lines():
                progress.console.print(line, soft_wrap=True, markup=False)
        else:
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


def export(
    path: Annotated[Path, typer.Argument(help="输出目录或文件")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "native",
) -> None:
    """导出全部服务地图数据。"""
    from cityservices.db import session_scope
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime
    from cityservices.service_map.interchange.dump import dump_dataset

    writer = _format(fmt)
    rt = make_runtime(get_settings())
    upgrade_to_head(rt.engine)
    with session_scope(rt.sessions) as session:
        dataset = dump_dataset(session)
    writer.write(dataset, path)
    console.print(f"已导出到 {path}: " + ", ".join(f"{k} {v}" for k, v in dataset.counts().items() if v))


def _format(name: str) -> Format:
    from cityservices.service_map.interchange.formats import get_format

    try:
        return get_format(name)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from None
