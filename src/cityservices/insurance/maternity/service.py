"""Maternity allowance (生育津贴): checking an application, computing days and amount from the rule rows and the
parameters (every line cited), and the status lifecycle submitted → reviewed → paid, or → refused. Never commits.

Days: the ``maternity_days`` rule rows — a birth gets ``normal`` + ``difficult`` (dystocia; a caesarean where
the parameters say so) + ``extra_baby`` per baby after the first + ``provincial_extra``; a miscarriage gets
``miscarriage_lt4m`` or ``miscarriage_ge4m``. Amount = the unit's average monthly contribution base of the
previous calendar year ÷ 30 × days, rounded half up to the fen.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, NotFound, RuleViolation
from cityservices.insurance.maternity import repository
from cityservices.insurance.maternity.models import PAID, REFUSED, REVIEWED, SUBMITTED, MaternityApplication
from cityservices.insurance.maternity.schemas import (
    BIRTH_KIND_ZH,
    STATUS_ZH,
    CalculationLine,
    MaternityApply,
    MaternityRead,
    StatusChange,
)
from cityservices.insurance.members import service as members
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.schemas import MaternityDaysRule
from cityservices.insurance.vocabulary import EXAMPLE_MARK
from cityservices.kit.calendar import to_china_time
from cityservices.kit.masking import mask_id_number, mask_name

PARAMETERS_FILE: Final = (
    Path(__file__).resolve().parents[4] / "data" / "qingdao" / "insurance" / "maternity" / "parameters.json"
)
TRANSITIONS: Final = {SUBMITTED: {REVIEWED, REFUSED}, REVIEWED: {PAID, REFUSED}, PAID: set(), REFUSED: set()}
FEN: Final = Decimal("0.01")


class Parameter(BaseModel):
    value: Any
    verified: bool
    source: str
    note: str = ""

    def citation(self, name: str) -> str:
        return f"参数 {name}：{self.source if self.verified else EXAMPLE_MARK}"


class Parameters(BaseModel):
    region: str
    provenance: str
    qualifying_months: Parameter
    base_period: Parameter
    caesarean_counts_as_difficult: Parameter
    miscarriage_threshold_weeks: Parameter
    payee: Parameter


@cache
def parameters(path: Path = PARAMETERS_FILE) -> Parameters:
    return Parameters.model_validate(json.loads(path.read_text(encoding="utf-8")))


def _add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def _status_in(history: list[tuple[dt.date, str]], month: dt.date) -> str | None:
    status = None
    for start, value in history:
        if start <= month:
            status = value
    return status


def check_enrolment(session: Session, psn_no: str, birth_date: dt.date, params: Parameters) -> CalculationLine:
    """The member must be enrolled (status 1) in maternity insurance (510) in the month of birth and in each of
    the ``qualifying_months`` before it."""
    required = int(params.qualifying_months.value)
    history = members.status_history(session, psn_no, "510")
    first = birth_date.replace(day=1)
    months = [_add_months(first, -i) for i in range(required + 1)]
    missing = [m for m in months if _status_in(history, m) != "1"]
    if missing:
        gaps = "、".join(f"{m:%Y-%m}" for m in sorted(missing)[:6])
        raise RuleViolation(
            f"生育保险（510）在分娩当月及此前 {required} 个月须连续正常参保，以下月份不符合：{gaps}"
            f"（{params.qualifying_months.citation('qualifying_months')}）"
        )
    return CalculationLine(
        text=f"生育保险（510）在分娩当月及此前 {required} 个月连续正常参保：符合",
        citation=params.qualifying_months.citation("qualifying_months"),
    )


def _day_line(book: RuleBook, case: str, on: dt.date, text: str, times: int = 1) -> CalculationLine:
    row = book.get(MaternityDaysRule, (case,), on)
    return CalculationLine(
        text=text.format(days=row.days), days=row.days * times, rule_id=row.id, citation=row.citation()
    )


def day_lines(data: MaternityApply, book: RuleBook, params: Parameters) -> list[CalculationLine]:
    """The allowance days, line by line, each from a ``maternity_days`` rule row."""
    on = data.birth_date
    if data.birth_kind == "miscarriage":
        threshold = int(params.miscarriage_threshold_weeks.value)
        assert data.pregnancy_weeks is not None
        case = "miscarriage_ge4m" if data.pregnancy_weeks >= threshold else "miscarriage_lt4m"
        span = f"孕 {data.pregnancy_weeks} 周{'（满' if case.endswith('ge4m') else '（不满'} 4 个月）"
        line = _day_line(book, case, on, f"流产，{span}：{{days}} 天")
        note = CalculationLine(
            text=f"“满 4 个月”按孕满 {threshold} 周计",
            citation=params.miscarriage_threshold_weeks.citation("miscarriage_threshold_weeks"),
        )
        return [line, note]
    lines = [_day_line(book, "normal", on, "产假基本天数：{days} 天")]
    difficult = data.birth_kind == "dystocia" or (
        data.birth_kind == "caesarean" and bool(params.caesarean_counts_as_difficult.value)
    )
    if difficult:
        lines.append(_day_line(book, "difficult", on, f"{BIRTH_KIND_ZH[data.birth_kind]}按难产增加：{{days}} 天"))
        if data.birth_kind == "caesarean":
            citation = params.caesarean_counts_as_difficult.citation("caesarean_counts_as_difficult")
            lines.append(CalculationLine(text="剖宫产按难产计", citation=citation))
    if data.babies > 1:
        extra = data.babies - 1
        text = f"多胞胎，多 {extra} 个婴儿，每个增加 {{days}} 天"
        lines.append(_day_line(book, "extra_baby", on, text, times=extra))
    lines.append(_day_line(book, "provincial_extra", on, "山东省延长产假：{days} 天"))
    return lines


def average_base(
    session: Session, emp_no: str, birth_date: dt.date, params: Parameters
) -> tuple[Decimal, CalculationLine]:
    """The unit's average monthly contribution base of the calendar year before the birth."""
    year = birth_date.year - 1
    total, count = repository.unit_base_stats(session, emp_no, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    if count == 0:
        raise RuleViolation(f"本单位 {year} 年没有职工基本医疗保险缴费记录，无法确定生育津贴计发基数")
    average = (total / count).quantize(FEN, rounding=ROUND_HALF_UP)
    line = CalculationLine(
        text=f"本单位 {year} 年职工月平均缴费基数：{total:.2f} 元 ÷ {count} 人月 = {average:.2f} 元",
        citation=params.base_period.citation("base_period"),
    )
    return average, line


def apply(
    session: Session,
    data: MaternityApply,
    *,
    emp_no: str,
    book: RuleBook,
    now: dt.datetime,
    by: str,
    app_id: str | None = None,
    params: Parameters | None = None,
) -> MaternityApplication:
    """Check and compute an application for an employee of ``emp_no`` (another unit's employee: not found)."""
    params = params or parameters()
    try:
        member = members.member_or_404(session, data.psn_no)
    except NotFound:
        member = None
    if member is None or member.emp_no != emp_no:
        raise NotFound("本单位没有这名职工")
    if data.birth_date > to_china_time(now).date():
        raise RuleViolation("birth_date: 分娩日期不能晚于今天")
    if repository.application_for_birth(session, data.psn_no, data.birth_date) is not None:
        raise Conflict("这名职工这次分娩的生育津贴已申请过")
    enrolment = check_enrolment(session, data.psn_no, data.birth_date, params)
    days_lines = day_lines(data, book, params)
    days = sum(line.days or 0 for line in days_lines)
    base, base_line = average_base(session, emp_no, data.birth_date, params)
    amount = (base / 30 * days).quantize(FEN, rounding=ROUND_HALF_UP)
    payee = str(params.payee.value)
    lines = [
        enrolment,
        *days_lines,
        CalculationLine(text=f"合计天数：{days} 天", days=days, citation="以上各行相加"),
        base_line,
        CalculationLine(
            text=f"生育津贴 = {base:.2f} 元 ÷ 30 × {days} 天 = {amount:.2f} 元（四舍五入到分）", citation="计发公式"
        ),
        CalculationLine(
            text="支付给：" + ("用人单位" if payee == "employer" else "职工本人"),
            citation=params.payee.citation("payee"),
        ),
    ]
    rule_ids = [line.rule_id for line in days_lines if line.rule_id]
    example = any(EXAMPLE_MARK in line.citation for line in lines)
    row = MaternityApplication(
        application_no=f"M{to_china_time(now):%Y%m%d}{secrets.token_hex(4).upper()}",
        psn_no=data.psn_no,
        emp_no=emp_no,
        app_id=app_id,
        birth_date=data.birth_date,
        birth_kind=data.birth_kind,
        babies=data.babies,
        pregnancy_weeks=data.pregnancy_weeks,
        days=days,
        average_base=base,
        amount=amount,
        payee=payee,
        lines=[line.model_dump() for line in lines],
        rule_ids=",".join(rule_ids),
        rule_version=book.version[:40],
        example_parameters=example,
        status=SUBMITTED,
        history=[StatusChange(status=SUBMITTED, at=now, by=by[:64]).model_dump(mode="json")],
        submitted_at=now,
        updated_at=now,
    )
    repository.add(session, row)
    return row


def application_or_404(session: Session, application_no: str, *, emp_no: str | None = None) -> MaternityApplication:
    row = repository.application(session, application_no)
    if row is None or (emp_no is not None and row.emp_no != emp_no):
        raise NotFound("没有这份生育津贴申请")
    return row


def list_applications(session: Session, *, status: str | None = None, limit: int = 100) -> list[MaternityApplication]:
    return repository.applications(session, status=status, limit=limit)


def move(
    session: Session, application_no: str, *, to: str, by: str, now: dt.datetime, note: str = ""
) -> MaternityApplication:
    """A status change allowed by ``TRANSITIONS`` (another: 409)."""
    row = application_or_404(session, application_no)
    if to not in TRANSITIONS[row.status]:
        raise Conflict(f"申请当前为“{STATUS_ZH[row.status]}”，不能改为“{STATUS_ZH.get(to, to)}”")
    row.status, row.updated_at = to, now
    change = StatusChange(status=to, at=now, by=by[:64], note=note.strip())
    row.history = [*row.history, change.model_dump(mode="json")]
    return row


def review(
    session: Session, application_no: str, *, approve: bool, by: str, now: dt.datetime, note: str = ""
) -> MaternityApplication:
    row = application_or_404(session, application_no)
    if row.status != SUBMITTED:
        raise Conflict(f"申请当前为“{STATUS_ZH[row.status]}”，只有“已受理”的申请可以审核")
    return move(session, application_no, to=REVIEWED if approve else REFUSED, by=by, now=now, note=note)


def application_read(session: Session, row: MaternityApplication) -> MaternityRead:
    member = members.member_or_404(session, row.psn_no)
    return MaternityRead(
        application_no=row.application_no,
        psn_no=row.psn_no,
        psn_name=mask_name(member.psn_name) or "",
        certno=mask_id_number(member.certno) or "",
        emp_no=row.emp_no,
        birth_date=row.birth_date,
        birth_kind=row.birth_kind,
        birth_kind_label=BIRTH_KIND_ZH[row.birth_kind],
        babies=row.babies,
        pregnancy_weeks=row.pregnancy_weeks,
        days=row.days,
        average_base=f"{Decimal(row.average_base):.2f}",
        amount=f"{Decimal(row.amount):.2f}",
        payee=row.payee,
        lines=[CalculationLine.model_validate(line) for line in row.lines],
        rule_version=row.rule_version,
        example_parameters=row.example_parameters,
        marking=EXAMPLE_MARK if row.example_parameters else "",
        status=row.status,
        status_label=STATUS_ZH[row.status],
        history=[StatusChange.model_validate(change) for change in row.history],
        submitted_at=row.submitted_at,
    )
