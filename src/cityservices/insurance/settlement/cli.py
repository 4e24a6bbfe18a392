"""``cityservices insurance estimate`` (what a member type would pay, with the explanation),
``cityservices insurance reconcile --day`` (the day's totals per institution and fund) and
``cityservices insurance settlement resettle --year`` (a year settled again; ``--apply`` records the differences)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from cityservices.config import get_settings
from cityservices.errors import RequestInvalid
from cityservices.kit.money import Money

if TYPE_CHECKING:
    from cityservices.insurance.settlement.resettle import MemberDifference, ResettleReport

# The database layer, the rules and the settlement engine are imported by the commands that use them.
console = Console(stderr=True)
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON (与 /api/v1 相同)")]


def estimate(
    psn_type: Annotated[
        str, typer.Option("--psn-type", help="人员类别，如 1101 在职职工、1201 退休职工、1501 成年居民")
    ],
    class_a: Annotated[str, typer.Option("--class-a", help="甲类费用（元）")] = "0",
    class_b: Annotated[str, typer.Option("--class-b", help="乙类费用（元）")] = "0",
    outside: Annotated[str, typer.Option("--outside", help="目录外费用（元）")] = "0",
    med_type: Annotated[str, typer.Option("--med-type", help="21 住院 | 11 门诊 …")] = "21",
    hosp_lv: Annotated[str, typer.Option("--hosp-lv", help="医院等级 1 | 2 | 3")] = "3",
    admissions_before: Annotated[int, typer.Option("--admissions-before", help="本年度此前住院次数")] = 0,
    as_json: JsonOption = False,
) -> None:
    """估算某类参保人一次住院或门诊的报销与个人负担，并逐步说明 (引用所用的规则)。"""
    from cityservices.db import session_scope
    from cityservices.insurance.rules.service import rule_book
    from cityservices.insurance.settlement import service
    from cityservices.insurance.settlement.schemas import EstimateRequest
    from cityservices.kit.calendar import now_in_china
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    try:
        data = EstimateRequest.model_validate(
            {
                "psn_type": psn_type,
                "class_a": class_a,
                "class_b": class_b,
                "outside": outside,
                "med_type": med_type,
                "hosp_lv": hosp_lv,
                "admissions_before": admissions_before,
            }
        )
    except ValidationError as exc:
        raise RequestInvalid.of([("--" + str(e["loc"][0]).replace("_", "-"), e["msg"]) for e in exc.errors()]) from None
    rt = make_runtime(get_settings())
    upgrade_to_head(rt.engine)
    with session_scope(rt.sessions) as session:
        result = service.estimate(data, book=rule_book(session), today=now_in_china().date())
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    out = Console()
    for step in result.trace:
        out.print(step.text, highlight=False)
    out.print(f"费用合计 ¥{result.medfee_sumamt}，基金支付 ¥{result.fund_pay_sumamt}，个人负担 ¥{result.psn_part_amt}")


def reconcile(
    day: Annotated[str, typer.Option("--day", help="对账日期 YYYY-MM-DD")],
    as_json: JsonOption = False,
) -> None:
    """某日各定点机构、各基金的结算总额 (已冲正的不计)。"""
    from cityservices.db import session_scope
    from cityservices.insurance.settlement import service
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    try:
        when = dt.date.fromisoformat(day)
    except ValueError:
        raise RequestInvalid("--day", f"不是 YYYY-MM-DD 日期: {day}") from None
    rt = make_runtime(get_settings())
    upgrade_to_head(rt.engine)
    with session_scope(rt.sessions) as session:
        result = service.reconcile(session, when)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    for row in result.institutions:
        console.print(
            f"{row.fixmedins_code}: {row.count} 笔，费用 ¥{row.medfee_sumamt}，基金 ¥{row.fund_pay_sumamt}，"
            f"账户 ¥{row.acct_pay}，现金 ¥{row.psn_cash_pay}，冲正 {row.reversed} 笔；{json.dumps(row.funds)}"
        )


def resettle(
    year: Annotated[int, typer.Option("--year", min=2000, max=2100, help="结算年度，如 2026")],
    show: Annotated[int, typer.Option("--show", min=0, max=10000, help="列出差额最大的前 N 位参保人")] = 20,
    apply: Annotated[
        bool, typer.Option("--apply", help="确认后把差额记为补付 / 追回，调整年度累计和个人账户 (重复执行不会重复调整)")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="与 --apply 同用：不再询问，直接记录")] = False,
    as_json: JsonOption = False,
) -> None:
    """按现行规则重新结算某年度全部有效结算，逐人报告基金支付与个人负担的差额；加 --apply 确认后记录补付 / 追回。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from cityservices.db import session_scope
    from cityservices.insurance.rules.service import rule_book
    from cityservices.insurance.settlement.resettle import apply_differences, resettle_year
    from cityservices.kit.audit import SYSTEM
    from cityservices.platform.migrate import upgrade_to_head
    from cityservices.platform.runtime import make_runtime

    if apply and as_json and not yes:
        console.print("--apply 与 --json 同用时请加 --yes（JSON 输出中无法询问确认）", highlight=False)
        raise typer.Exit(2)
    rt = make_runtime(get_settings())
    upgrade_to_head(rt.engine)
    columns = (TextColumn("重新结算"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with session_scope(rt.sessions) as session:
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("resettle", total=None)
            report = resettle_year(
                session,
                year,
                book=rule_book(session),
                actor=SYSTEM,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        changed = sorted(report.changed_members, key=lambda m: abs(m.fund_difference.amount), reverse=True)
        if not as_json:
            _print_report(report, changed, show)
        applied: dict[str, object] | None = None
        if apply and report.changes:
            question = f"按上述结果为 {len(report.changes)} 笔结算记录补付 / 追回，并调整年度累计和个人账户？"
            if yes or typer.confirm(question, default=False):
                done = apply_differences(session, report, actor=SYSTEM)
                applied = {
                    "adjustments": len(done),
                    "pay": sum(1 for a in done if a.kind == "pay"),
                    "reclaim": sum(1 for a in done if a.kind == "reclaim"),
                    "paid": str(Money.sum(Money(a.fund_pay_diff) for a in done if a.kind == "pay")),
                    "reclaimed": str(-Money.sum(Money(a.fund_pay_diff) for a in done if a.kind == "reclaim")),
                }
        elif apply:
            applied = {"adjustments": 0, "pay": 0, "reclaim": 0, "paid": "0.00", "reclaimed": "0.00"}
    if as_json:
        body = _report_body(report, changed)
        if apply:
            body["applied"] = applied
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
        return
    if applied is not None:
        Console().print(
            f"已记录 {applied['adjustments']} 笔调整：补付 {applied['pay']} 笔共 ¥{applied['paid']}，"
            f"追回 {applied['reclaim']} 笔共 ¥{applied['reclaimed']}",
            highlight=False,
        )
    elif apply:
        Console().print("未记录任何调整。", highlight=False)


def _report_body(report: ResettleReport, changed: list[MemberDifference]) -> dict[str, object]:
    return {
        "year": report.year,
        "rules_version": report.rules_version,
        "settlements": report.settlements,
        "resettled": report.resettled,
        "without_lines": report.without_lines,
        "members": len(report.members),
        "fund_before": str(report.fund_before),
        "fund_after": str(report.fund_after),
        "changed_settlements": len(report.changes),
        "changed_members": [
            {
                "psn_no": m.psn_no,
                "settlements": m.settlements,
                "changed": m.changed,
                "fund_before": str(m.fund_before),
                "fund_after": str(m.fund_after),
                "psn_before": str(m.psn_before),
                "psn_after": str(m.psn_after),
                "errors": m.errors,
            }
            for m in changed
        ],
    }


def _print_report(report: ResettleReport, changed: list[MemberDifference], show: int) -> None:
    from rich.table import Table

    out = Console()
    out.print(
        f"{report.year} 年度：{report.settlements} 笔有效结算，{len(report.members)} 位参保人；按规则版本 "
        f"{report.rules_version} 重新结算 {report.resettled} 笔"
        f"（{report.without_lines} 笔没有保存费用明细，按原结果计）",
        highlight=False,
    )
    out.print(
        f"基金支付：原 ¥{report.fund_before}，重算 ¥{report.fund_after}；有差额的参保人 {len(changed)} 位",
        highlight=False,
    )
    if changed and show:
        table = Table("人员编号", "笔数", "有差额", "基金原支付", "基金重算", "个人原负担", "个人重算", "错误")
        for m in changed[:show]:
            table.add_row(
                m.psn_no,
                str(m.settlements),
                str(m.changed),
                str(m.fund_before),
                str(m.fund_after),
                str(m.psn_before),
                str(m.psn_after),
                "；".join(m.errors)[:80],
            )
        out.print(table)


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate)
    app.command("reconcile")(reconcile)
    settlement_app = typer.Typer(help="结算：按现行规则重新结算。", no_args_is_help=True)
    settlement_app.command("resettle")(resettle)
    app.add_typer(settlement_app, name="settlement")
