"""Commands ``search``, ``search-batch`` and ``eval`` (registered on the main CLI by ``register``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cityservices.config import get_settings
from cityservices.errors import RuleViolation

if TYPE_CHECKING:  # the search engine is imported by the commands that use it, not by ``cityservices --help``
    from cityservices.service_map.search.engine import SearchIndex
    from cityservices.service_map.search.evaluate import Report
    from cityservices.service_map.search.schemas import GuideSummaryRead, SearchRead

out = Console()


class BadInputFile(RuleViolation):
    status_code = 422
    code = "invalid_file"


def _index() -> SearchIndex:
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime
    from cityservices.service_map.search.cache import get_search_index

    runtime = make_runtime(get_settings())
    upgrade_to_head(runtime.engine)
    return get_search_index(runtime.engine, runtime.sessions)


def search(
    query: Annotated[str, typer.Argument(help="要查询的事项，如“驾照快到期了”")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=50, help="最多返回几项")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """按群众的日常说法搜索办事事项（口语、错别字、拼音、人生事件）。"""
    from cityservices.service_map.search.normalize import clean_query

    clean_query(query)  # refuse bad input before touching the database
    result = _index().search(query, limit=limit)
    if as_json:
        sys.stdout.write(json.dumps(result.model_dump(), ensure_ascii=False, indent=2) + "\n")
        return
    _print_result(result)


def _print_result(result: SearchRead) -> None:
    slots = {k: v for k, v in result.slots.items() if v}
    out.print(
        f"理解为: [bold]{result.understood}[/bold]" + (f"  {json.dumps(slots, ensure_ascii=False)}" if slots else "")
    )
    if result.no_match:
        out.print(f"[yellow]{result.message}[/yellow]。可以试试: " + "、".join(result.suggestions))
        return
    if result.bundle:
        names = " → ".join(i.name for i in result.bundle.items)
        out.print(f"[green]一件事: {result.bundle.name}[/green] ({names})")
    if result.clarification:
        options = "；".join(f"{o.label}（{o.name}）" for o in result.clarification.options)
        out.print(f"[cyan]{result.clarification.question}[/cyan] {options}")
    for rank, hit in enumerate(result.items, 1):
        out.print(f"{rank}. [bold]{hit.name}[/bold]  [{hit.score:.3f}]  {hit.department}", highlight=False)
        if hit.guide:
            out.print(f"   指南: {_guide_line(hit.guide)}", highlight=False)
        if hit.explanations:
            why = "；".join(f"{e.query}→{e.matched}（{e.reason}）" for e in hit.explanations)
            out.print(f"   依据: {why}", highlight=False)


def _guide_line(guide: GuideSummaryRead) -> str:
    days = f"承诺{guide.promised_time_limit_days}个工作日" if guide.promised_time_limit_days else "即办"
    parts = [f"材料{guide.materials_count}份", days]
    if guide.visits_to_site is not None:
        parts.append(f"跑{guide.visits_to_site}次")
    if guide.online is not None:
        parts.append(f"网办 {guide.online.url}")
    return " · ".join(parts)


def search_batch(
    source: Annotated[Path, typer.Argument(help='输入 JSONL，每行至少含 {"query": ...}')],
    target: Annotated[Path, typer.Argument(help="输出 JSONL，与输入逐行对应")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=50, help="每条最多返回几项")] = 10,
) -> None:
    """批量搜索：逐行读取查询，按输入顺序写出结果（事项名称、编码、得分、一件事、是否无匹配）。"""
    queries = _read_queries(source)
    index = _index()
    with target.open("w", encoding="utf-8") as handle:
        for query in queries:
            handle.write(json.dumps(batch_line(index, query, limit), ensure_ascii=False) + "\n")
    Console(stderr=True).print(f"已写出 {len(queries)} 条结果到 {target}")


def batch_line(index: SearchIndex, query: str, limit: int) -> dict[str, Any]:
    """One output line of search-batch; a query that is not searchable is answered no_match with an error."""
    from cityservices.service_map.search.normalize import InvalidQuery

    try:
        result = index.search(query, limit=limit)
    except InvalidQuery as exc:
        return {"query": query, "results": [], "bundle": None, "no_match": True, "error": exc.message}
    results = [{"name": h.name, "code": h.code, "score": round(h.score, 4)} for h in result.items]
    bundle = result.bundle.name if result.bundle else None
    return {"query": query, "results": results, "bundle": bundle, "no_match": result.no_match}


def _read_queries(path: Path) -> list[str]:
    if not path.is_file():
        raise BadInputFile(f"找不到输入文件 {path}")
    queries: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise BadInputFile(f"{path}:{number}: 不是合法的 JSON") from None
        if not isinstance(row, dict) or not isinstance(row.get("query"), str):
            raise BadInputFile(f"{path}:{number}: 每行应为含字符串字段 query 的 JSON 对象")
        queries.append(row["query"])
    return queries


def eval_(
    path: Annotated[Path, typer.Argument(help="评测集 JSONL（query, expected, kind）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """评测搜索质量：top-1、top-3、MRR、无匹配精确率与召回率、延迟 p50/p95（总体与按类型）。"""
    from cityservices.service_map.search.evaluate import evaluate, read_cases

    if not path.is_file():
        raise BadInputFile(f"找不到评测文件 {path}")
    try:
        cases = read_cases(path)
    except ValueError as exc:
        raise BadInputFile(str(exc)) from None
    index = _index()
    report = evaluate(cases, lambda q: _names(index, q))
    if as_json:
        payload = {"overall": report.metrics(), "by_kind": report.by_kind(), "failures": report.failures()}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    _print_report(report)


def _names(index: SearchIndex, query: str) -> tuple[list[str], bool]:
    result = index.search(query, limit=10)
    return [hit.name for hit in result.items], result.no_match


def _print_report(report: Report) -> None:
    columns = ("queries", "top1", "top3", "mrr", "no_match_precision", "no_match_recall")
    table = Table("类型", "n", "top1", "top3", "MRR", "无匹配P", "无匹配R", "p50ms", "p95ms")
    rows = [("全部", report.metrics()), *report.by_kind().items()]
    for kind, m in rows:
        cells = ["—" if m[c] is None else str(m[c]) for c in columns]
        table.add_row(kind, *cells, str(m["latency_ms_p50"]), str(m["latency_ms_p95"]))
    out.print(table)
    for failure in report.failures():
        out.print(f"[red]✗[/red] {failure['query']} ({failure['kind']}): {failure['got']}  应为 {failure['expected']}")


def register(app: typer.Typer) -> None:
    """Add the search commands to the main command line."""
    app.command("search")(search)
    app.command("search-batch")(search_batch)
    app.command("eval")(eval_)
