"""增员 / 减员: checking an enterprise's rows of employees to enrol or remove, and applying the rows that pass to
the core (member, relation status history by month, the first month's contribution base). Rules, never commits.

A batch is ``columns`` (the names of its fields, in any order) and ``rows`` (lists of strings in that order).
Every row is checked on its own and gets every error it has, each as ``{field, code, message}``; a row that
passes is applied inside a savepoint of its own, so one failing row never undoes another.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal

from sqlalchemy.orm import Session

from cityservices.errors import AppError, RuleViolation
from cityservices.insurance.members import service as members
from cityservices.insurance.members.models import InsuranceMember
from cityservices.insurance.members.schemas import ContributionCreate, MemberCreate, RelationCreate, check_certno
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.schemas import ContributionBaseRule
from cityservices.kit.audit import Actor, record_audit
from cityservices.kit.masking import mask_id_number
from cityservices.kit.money import Money

Kind = Literal["enrol", "remove"]
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "enrol": ("certno", "psn_name", "insutype", "start_month", "base"),
    "remove": ("certno", "psn_name", "insutype", "end_month"),
}
OPERATION: Final = {"enrol": "employee.enrol", "remove": "employee.remove"}
INSUTYPES: Final = ("310", "320", "510")  # the insurance types an employer enrols its employees in
MONTHS_BACK: Final = 3  # a start or end month may lie this many months before the current one (示例参数)
MONTHS_AHEAD: Final = 1  # … or this many after it
MAX_ROWS: Final = 10_000
EMPLOYEE_PSN_TYPE: Final = "1101"  # 在职职工
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_AMOUNT = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
_NAME = re.compile(r"^[\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z·. ]{0,48}[\u3400-\u9fffA-Za-z]$|^[\u3400-\u9fff]$")


class BatchInvalid(RuleViolation):
    """A batch that cannot be read as rows (wrong columns, too many rows, a row of the wrong length, duplicates);
    ``code`` is the open platform's error code for it."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


@dataclass
class RowCheck:
    """One row after checking: its values, its errors, and the member it concerns when already registered."""

    row_no: int
    values: dict[str, str]
    errors: list[dict[str, str]] = field(default_factory=list)
    member: InsuranceMember | None = None

    def fail(self, field_name: str, code: str, message: str) -> None:
        self.errors.append({"field": field_name, "code": code, "message": message})

    @property
    def certno_masked(self) -> str:
        return mask_id_number(self.values.get("certno", "")) or ""


def read_rows(kind: Kind, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> list[dict[str, str]]:
    """The rows as dicts; a batch with the wrong columns, over 10,000 rows, a row of the wrong length or the same
    employee and insurance type twice is refused as a whole."""
    expected = COLUMNS[kind]
    if sorted(columns) != sorted(expected) or len(set(columns)) != len(columns):
        raise BatchInvalid("bad_columns", f"columns: 须恰好为 {', '.join(expected)}（顺序不限）")
    if not rows:
        raise BatchInvalid("empty_batch", "rows: 至少一行")
    if len(rows) > MAX_ROWS:
        raise BatchInvalid("too_many_rows", f"rows: 一批最多 {MAX_ROWS} 行，收到 {len(rows)} 行")
    out = []
    for number, row in enumerate(rows, start=1):
        if len(row) != len(columns) or not all(isinstance(value, str) for value in row):
            raise BatchInvalid("bad_row", f"rows[{number}]: 须为 {len(columns)} 个字符串")
        out.append({name: str(value).strip() for name, value in zip(columns, row, strict=True)})
    first_row: dict[tuple[str, str], int] = {}
    for number, values in enumerate(out, start=1):
        pair = (values["certno"].upper(), values["insutype"])
        if pair in first_row:
            detail = f"rows[{number}]: 与第 {first_row[pair]} 行是同一职工的同一险种（一批中不得重复）"
            raise BatchInvalid("duplicate_rows", detail)
        first_row[pair] = number
    return out


def _month(text: str) -> dt.date | None:
    match = _MONTH.match(text)
    return dt.date(int(match[1]), int(match[2]), 1) if match else None


def _months_between(first: dt.date, second: dt.date) -> int:
    return (second.year - first.year) * 12 + second.month - first.month


def _check_common(check: RowCheck, month_field: str, today: dt.date) -> dt.date | None:
    values = check.values
    try:
        values["certno"] = check_certno(values["certno"])
    except ValueError:
        check.fail("certno", "certno_invalid", "身份证号码无效：须为 18 位且校验位正确")
    if not _NAME.match(values["psn_name"]):
        check.fail("psn_name", "name_invalid", "姓名须为 1–50 个汉字或字母")
    if values["insutype"] not in INSUTYPES:
        check.fail("insutype", "insutype_invalid", f"险种须为 {' / '.join(INSUTYPES)}")
    month = _month(values[month_field])
    if month is None:
        check.fail(month_field, "month_invalid", "月份须为 YYYY-MM")
        return None
    offset = _months_between(today.replace(day=1), month)
    if not -MONTHS_BACK <= offset <= MONTHS_AHEAD:
        check.fail(month_field, "month_out_of_window", f"月份须在本月前 {MONTHS_BACK} 个月至后 {MONTHS_AHEAD} 个月之间")
    return month


def check_rows(
    session: Session, *, kind: Kind, emp_no: str, rows: list[dict[str, str]], book: RuleBook, today: dt.date
) -> list[RowCheck]:
    """Every row checked (nothing written): format, check digit, month window, base bounds, and the member's
    current enrolment (duplicates were refused with the batch)."""
    checks = [RowCheck(row_no=number, values=dict(row)) for number, row in enumerate(rows, start=1)]
    month_field = "start_month" if kind == "enrol" else "end_month"
    months = [_check_common(check, month_field, today) for check in checks]
    known = members.members_by_certno(session, [c.values["certno"] for c in checks if not c.errors])
    for check, month in zip(checks, months, strict=True):
        check.member = known.get(check.values["certno"])
        if month is None or check.errors:
            continue
        if kind == "enrol":
            _check_enrol(session, check, month, emp_no=emp_no, book=book)
        else:
            _check_remove(session, check, month, emp_no=emp_no)
    return checks


def _check_enrol(session: Session, check: RowCheck, month: dt.date, *, emp_no: str, book: RuleBook) -> None:
    values = check.values
    if not _AMOUNT.match(values["base"]):
        check.fail("base", "base_invalid", "缴费基数须为金额，如 6000.00")
    else:
        bounds = book.find(ContributionBaseRule, ("310",), month)
        base = Money(values["base"])
        if bounds is None:
            check.fail("base", "base_rule_missing", f"{month:%Y-%m} 没有缴费基数上下限规则")
        elif base < bounds.lower or base > bounds.upper:
            message = f"缴费基数应在 {bounds.lower.yuan()} 与 {bounds.upper.yuan()} 之间（{bounds.citation()}）"
            check.fail("base", "base_out_of_bounds", message)
    member = check.member
    if member is None:
        return
    if member.psn_name != values["psn_name"]:
        check.fail("psn_name", "name_mismatch", "姓名与登记的不一致")
    relation = members.relation(session, member.psn_no, values["insutype"])
    if relation is not None and members.statuses_on(session, member.psn_no, month).get(values["insutype"]) == "1":
        if relation.emp_no == emp_no:
            check.fail("certno", "already_enrolled", "该职工已在本单位参加该险种")
        else:
            check.fail("certno", "enrolled_elsewhere", "该职工在其他单位参加该险种，须先由原单位减员")


def _check_remove(session: Session, check: RowCheck, month: dt.date, *, emp_no: str) -> None:
    values, member = check.values, check.member
    relation = members.relation(session, member.psn_no, values["insutype"]) if member is not None else None
    if member is None or relation is None or relation.emp_no != emp_no:  # another unit's employee is not revealed
        check.fail("certno", "not_employee", "本单位没有这名职工的该险种参保")
        return
    if member.psn_name != values["psn_name"]:
        check.fail("psn_name", "name_mismatch", "姓名与登记的不一致")
    if month < relation.crt_insu_date.replace(day=1):
        check.fail("end_month", "end_before_enrolment", "减员月份早于参保月份")
    elif members.statuses_on(session, member.psn_no, month).get(values["insutype"]) != "1":
        check.fail("end_month", "not_enrolled", "该月已不在正常参保状态")


def apply_row(
    session: Session, check: RowCheck, *, kind: Kind, emp_no: str, admdvs: str, book: RuleBook, actor: Actor
) -> str | None:
    """Apply a row that passed its checks, in a savepoint; the member number, or ``None`` with the error recorded
    on the row when the core refuses it (for instance a row that a concurrent call already applied)."""
    try:
        with session.begin_nested():
            psn_no = _enrol(session, check, emp_no, admdvs, book, actor) if kind == "enrol" else _remove(session, check)
            record_audit(
                session,
                actor=actor,
                action=f"open.{OPERATION[kind]}.row",
                target_kind="member",
                target_key=psn_no,
                detail={"emp_no": emp_no, "insutype": check.values["insutype"]},
            )
    except AppError as exc:
        check.fail("row", "rejected", str(exc))
        return None
    return psn_no


def _enrol(session: Session, check: RowCheck, emp_no: str, admdvs: str, book: RuleBook, actor: Actor) -> str:
    values = check.values
    month = _month(values["start_month"])
    assert month is not None
    # registered by an earlier row of the batch (the same person in another insurance type)?
    member = check.member or members.members_by_certno(session, [values["certno"]]).get(values["certno"])
    if member is None:
        data = MemberCreate(
            psn_no="P" + secrets.token_hex(7).upper(),
            psn_name=values["psn_name"],
            certno=values["certno"],
            psn_type=EMPLOYEE_PSN_TYPE,
            emp_no=emp_no,
            insuplc_admdvs=admdvs,
        )
        member = members.register_member(session, data, actor=actor)
        relation = None  # a new member has no relations yet
    else:
        member.emp_no = emp_no
        relation = members.relation(session, member.psn_no, values["insutype"])
    insutype = values["insutype"]
    if relation is None:
        relation_data = RelationCreate(psn_no=member.psn_no, insutype=insutype, crt_insu_date=month, emp_no=emp_no)
        members.enrol(session, relation_data)
    else:
        relation.emp_no = emp_no
        members.change_status(session, member.psn_no, insutype, month=month, status="1")
    if insutype == "310":
        base = Money(Decimal(values["base"]))
        contribution = ContributionCreate(psn_no=member.psn_no, insutype="310", month=month, base=base)
        members.record_contribution(session, contribution, book=book)
    check.member = member
    return member.psn_no


def _remove(session: Session, check: RowCheck) -> str:
    month = _month(check.values["end_month"])
    assert month is not None
    assert check.member is not None
    members.change_status(session, check.member.psn_no, check.values["insutype"], month=month, status="4")
    return check.member.psn_no


def outcome(check: RowCheck, psn_no: str | None = None) -> dict[str, object]:
    """A row's result as answered and stored: masked ID number, never the name."""
    return {
        "row_no": check.row_no,
        "outcome": "error" if check.errors else "ok",
        "psn_no": psn_no if not check.errors else None,
        "certno_masked": check.certno_masked,
        "errors": list(check.errors),
    }
