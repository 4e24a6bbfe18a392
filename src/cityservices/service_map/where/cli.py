"""Commands of "where to go": nearest, route, hours, import-osm, load-holidays (registered in cli.py).

``--json`` prints exactly what the matching /api/v1 route returns.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cityservices.config import get_settings
from cityservices.service_map.install import CHANGED

if TYPE_CHECKING:  # the database layer, geometry and routing are imported by the commands that use them
    from pydantic import BaseModel

    from cityservices.kit.geo import Crs
    from cityservices.platform.runtime import Runtime
    from cityservices.service_map.where.travel import ModeChoice

console = Console(stderr=True)
CrsOption = Annotated[str, typer.Option("--crs", help="坐标系: wgs84 | gcj02 | bd09 (输入与输出)")]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON (与 /api/v1 相同)")]
TimeOption = Annotated[str | None, typer.Option("--time", help="ISO 8601 时间，无时区时按北京时间；缺省为现在")]


def _runtime() -> Runtime:
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    rt = make_runtime(get_settings())
    upgrade_to_head(rt.engine)
    return rt


def _crs(value: str) -> Crs:
    from cityservices.kit.geo import CoordinateError, parse_crs

    try:
        return parse_crs(value, field="--crs")
    except CoordinateError as exc:
        raise typer.BadParameter(exc.message, param_hint="--crs") from None


def _point(value: str, option: str, crs: Crs) -> tuple[float, float]:
    from cityservices.kit.geo import CoordinateError, parse_point, to_wgs84

    try:
        lat, lng = parse_point(value, field=option)
    except CoordinateError as exc:
        raise typer.BadParameter(exc.message, param_hint=option) from None
    return to_wgs84(lat, lng, crs)


def _time(value: str | None) -> dt.datetime:
    from cityservices.kit.calendar import now_in_china, to_china_time

    if value is None:
        return now_in_china()
    try:
        return to_china_time(dt.datetime.fromisoformat(value))
    except ValueError:
        raise typer.BadParameter(
            f"无法解析的时间 {value!r}，应为 ISO 8601 (如 2026-12-01T10:00)", param_hint="--time"
        ) from None


def _print_json(model: BaseModel) -> None:
    sys.stdout.write(json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n")


def nearest(
    at: Annotated[str, typer.Option("--at", help="出发地 纬度,经度")],
    item: Annotated[str | None, typer.Option("--item", help="事项编码、名称或别名")] = None,
    bundle: Annotated[str | None, typer.Option("--bundle", help="一件事编码或名称")] = None,
    crs: CrsOption = "wgs84",
    time: TimeOption = None,
    mode: Annotated[str, typer.Option("--mode", help="auto (按距离选择) | walk | drive | transit")] = "auto",
    limit: Annotated[int, typer.Option("--limit", min=1, max=50)] = 5,
    district: Annotated[str | None, typer.Option("--district", help="区(市)代码或名称")] = None,
    level: Annotated[str | None, typer.Option("--level", help="city | district | street")] = None,
    open_now: Annotated[bool, typer.Option("--open-now", help="只要到达时开放的场所")] = False,
    open_first: Annotated[bool, typer.Option("--open-first", help="最早能办理的在前 (同一天由近到远)")] = False,
    parking: Annotated[bool, typer.Option("--parking", help="只要有停车位的场所")] = False,
    accessible: Annotated[bool, typer.Option("--accessible", help="只要有无障碍通道的场所")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="说明较近的场所为何未列出")] = False,
    as_json: JsonOption = False,
) -> None:
    """能办理该事项 (或一件事) 的最近场所，按估算的路上时间排序，附到达时是否开放。"""
    from cityservices.db import session_scope
    from cityservices.errors import RequestInvalid
    from cityservices.service_map.where.nearest import (
        NearestQuery,
        find_nearest_venues,
        resolve_district,
        resolve_target,
    )
    from cityservices.service_map.where.schemas import present_nearest
    from cityservices.service_map.where.venue_index import build_venue_index

    if (item is None) == (bundle is None):
        raise typer.BadParameter("请给出 --item 或 --bundle 之一", param_hint="--item")
    chosen_mode = _mode(mode)
    if level not in (None, "city", "district", "street"):
        raise typer.BadParameter("应为 city | district | street", param_hint="--level")
    out_crs = _crs(crs)
    origin, when = _point(at, "--at", out_crs), _time(time)
    rt = _runtime()
    with session_scope(rt.sessions) as session:
        index = build_venue_index(session)
    if district is not None:
        try:
            district = resolve_district(index, district)
        except RequestInvalid as exc:
            raise typer.BadParameter(exc.message, param_hint="--district") from None
    target = resolve_target(index, item=item, bundle=bundle)
    query = NearestQuery(
        origin=origin,
        at=when,
        mode=chosen_mode,
        limit=limit,
        district=district,
        level=level,
        open_now=open_now,
        open_first=open_first,
        parking=parking,
        accessible=accessible,
        explain=explain,
    )
    result = present_nearest(index, find_nearest_venues(index, target=target, query=query), out_crs)
    if as_json:
        _print_json(result)
        return
    table = Table("#", "场所", "距离", "路上 (估算)", "到达时", "下次开放", title=f"{result.target.name} ({crs})")
    for hit in result.results:
        state = "开放" if hit.open_on_arrival else "不开放"
        nxt = hit.state.next_opening.strftime("%m-%d %H:%M") if hit.state.next_opening else ""
        minutes = f"{hit.travel.label} {hit.travel.duration_s / 60:.0f} 分钟"
        table.add_row(str(hit.rank), hit.venue.name, f"{hit.distance_m:.0f} 米", minutes, state, nxt)
    Console().print(table)
    for exclusion in result.excluded or []:
        reasons = "; ".join(r.message for r in exclusion.reasons)
        Console().print(f"未列出: {exclusion.venue.name} ({exclusion.distance_m:.0f} 米): {reasons}")
    if result.note:
        Console().print(result.note)


def _mode(value: str) -> ModeChoice:
    from cityservices.service_map.where.travel import MODE_CHOICES

    for mode in MODE_CHOICES:
        if mode == value:
            return mode
    raise typer.BadParameter(f"应为 {' | '.join(MODE_CHOICES)}", param_hint="--mode")


def route(
    from_: Annotated[str, typer.Option("--from", help="出发地 纬度,经度")],
    to: Annotated[str, typer.Option("--to", help="目的地场所 id")],
    mode: Annotated[str, typer.Option("--mode", help="auto (按距离选择) | walk | drive | transit")] = "auto",
    crs: CrsOption = "wgs84",
    as_json: JsonOption = False,
) -> None:
    """从出发地到场所的路线 (道路网最短路径，含逐段转向)；未载入道路数据时给出标明为估算的直线距离。"""
    from cityservices.db import session_scope
    from cityservices.service_map.routing.service import load_road_graph
    from cityservices.service_map.where.schemas import route_read, venue_read
    from cityservices.service_map.where.service import route_to_venue

    chosen_mode = _mode(mode)
    out_crs = _crs(crs)
    origin = _point(from_, "--from", out_crs)
    rt = _runtime()
    with session_scope(rt.sessions) as session:
        graph = load_road_graph(session)
        venue, plan = route_to_venue(session, graph, origin=origin, venue_id=to, mode=chosen_mode)
        result = route_read(
            plan, origin=origin, destination=venue_read(venue, out_crs), crs=out_crs, requested=chosen_mode
        )
    if as_json:
        _print_json(result)
        return
    label = "估算 (非实际路线)" if result.estimate else "道路网路线"
    Console().print(f"{result.label} · {label}: {result.distance_m:.0f} 米，约 {result.duration_s / 60:.0f} 分钟")
    for other in result.alternatives:
        Console().print(f"也可{other.label}：约 {other.duration_s / 60:.0f} 分钟 (估算)")
    for number, step in enumerate(result.steps, start=1):
        Console().print(f"{number}. {step.instruction}")
    if result.note:
        Console().print(result.note)


def hours(
    venue_id: Annotated[str, typer.Argument(help="场所 id")],
    time: TimeOption = None,
    days: Annotated[int, typer.Option("--days", min=1, max=31, help="列出今后几天")] = 7,
    crs: CrsOption = "wgs84",
    as_json: JsonOption = False,
) -> None:
    """场所在某时是否开放、下次开放时间，以及今后几天的安排 (含法定节假日与调休)。"""
    from cityservices.db import session_scope
    from cityservices.service_map.where.hours import PLAN_KIND_ZH
    from cityservices.service_map.where.schemas import hours_read
    from cityservices.service_map.where.service import describe_venue_hours

    out_crs, at = _crs(crs), _time(time)
    rt = _runtime()
    with session_scope(rt.sessions) as session:
        report = describe_venue_hours(session, venue_id=venue_id, at=at, days=days)
    result = hours_read(report, at=at, crs=out_crs)
    if as_json:
        _print_json(result)
        return
    state = result.state
    why = state.day_note or PLAN_KIND_ZH.get(state.day_kind, state.day_kind)
    Console().print(f"{result.venue.name}: {'开放中' if state.open else '未开放'} ({why})")
    for day in result.days:
        spans = ", ".join(f"{a}–{b}" for a, b in day.intervals) or "休息"
        Console().print(f"{day.date} {spans} {day.note}")
    if result.days_unknown:
        Console().print(result.days_unknown)


def import_osm(path: Annotated[Path, typer.Argument(help=".osm 或 .osm.pbf 文件")]) -> None:
    """导入 OpenStreetMap 道路数据 (整体替换道路网；失败时保留原道路网)。"""
    from cityservices.db import session_scope
    from cityservices.service_map.routing.osm import read_osm
    from cityservices.service_map.routing.repository import replace_road_graph

    console.print(f"读取 {path} …")
    network = read_osm(path)
    rt = _runtime()
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
    with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("写入道路网", total=len(network.nodes) + len(network.segments))
        with session_scope(rt.sessions) as session:
            record = replace_road_graph(session, network, progress=lambda n: progress.advance(task, n))
    console.print(
        f"已导入道路网 #{record.id}: {record.way_count} 条道路, {record.node_count} 个节点, {record.edge_count} 段"
        + (f"; {network.missing_node_refs} 个缺失节点引用已跳过" if network.missing_node_refs else "")
    )


def load_holidays(
    path: Annotated[Path, typer.Argument(help="节假日安排文件 (JSON，见 docs/holiday-schedule.md)")],
    allow_unofficial: Annotated[
        bool, typer.Option("--allow-unofficial", help="允许载入标为非官方 (official: false) 的文件")
    ] = False,
) -> None:
    """载入某年的法定节假日与调休安排 (替换该年已有的安排)。"""
    from cityservices.db import session_scope
    from cityservices.kit.calendar.holiday_file import read_schedule_file
    from cityservices.kit.calendar.repository import store_schedule
    from cityservices.platform.runtime import relayed_events

    schedule, digest = read_schedule_file(path)
    if not schedule.official and not allow_unofficial:
        raise typer.BadParameter("文件标为非官方 (official: false)；确需载入请加 --allow-unofficial", param_hint="FILE")
    rt = _runtime()
    with relayed_events(rt.settings), session_scope(rt.sessions) as session:
        store_schedule(session, schedule, file_sha256=digest, announce=(CHANGED,))
    days = sum(len(p.days()) for p in schedule.holidays)
    console.print(
        f"已载入 {schedule.year} 年安排: {len(schedule.holidays)} 个假期共 {days} 天, "
        f"{len(schedule.workdays)} 个调休上班日 (来源: {schedule.source})" + ("" if schedule.official else " [非官方]")
    )


def register(app: typer.Typer) -> None:
    """Add these commands to the ``cityservices`` command line."""
    app.command("nearest")(nearest)
    app.command("route")(route)
    app.command("hours")(hours)
    app.command("import-osm")(import_osm)
    app.command("load-holidays")(load_holidays)
