"""增员 / 减员: checking an enterprise's rows of employees to enrol or remove, and applying the rows that pass to
the core (member, relation status history by month, the first month's contribution base). Rules, never commits.

A batch is ``columns`` (the names of its fields, in any order) and ``rows`` (lists of strings in that order). Every
row is checked on its own and gets every error it has, each as ``{field, code, message}``. The rows of a chunk are
checked and applied set-based (``check_rows`` and ``apply_rows`` read and write with a handful of statements per
chunk); what the core would refuse for a row is found before anything is written, so one failing row never undoes
another."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cityservices.errors import AppError, Conflict, NotFound, RequestInvalid, RuleViolation
from cityservices.insurance.identifiers import check_certno
from cityservices.insurance.members import repository as member_rows
from cityservices.insurance.members import service as members
from cityservices.insurance.members.models import (
    InsuranceAccount,
    InsuranceAccountMovement,
    InsuranceContribution,
    InsuranceMember,
    InsuranceRelation,
    InsuranceRelationStatus,
)
from cityservices.insurance.members.schemas import ContributionCreate, MemberCreate, RelationCreate
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.schemas import ContributionBaseRule, ContributionRateRule
from cityservices.kit.audit import Actor, record_audit, utc_now
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
ZERO: Final = Money(0)
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


@dataclass
class _Known:
    """What the checks of a chunk read once, set-based: the registered members' relations and status rows."""

    relations: dict[tuple[str, str], InsuranceRelation]
    statuses: dict[int, list[InsuranceRelationStatus]]

    def relation(self, member: InsuranceMember, insutype: str) -> InsuranceRelation | None:
        return self.relations.get((member.psn_no, insutype))

    def status_on(self, relation: InsuranceRelation, month: dt.date) -> str | None:
        """The relation's status in that month (the latest row effective by then)."""
        first, status = month.replace(day=1), None
        for row in self.statuses.get(relation.id, []):
            if row.effective_month > first:
                break
            status = row.psn_insu_stas
        return status


def _known(session: Session, psn_nos: list[str]) -> _Known:
    relations = member_rows.relations_of_members(session, psn_nos)
    statuses = member_rows.status_rows_of_relations(session, [r.id for r in relations.values()])
    return _Known(relations, statuses)


def check_rows(
    session: Session, *, kind: Kind, emp_no: str, rows: list[dict[str, str]], book: RuleBook, today: dt.date
) -> list[RowCheck]:
    """Every row checked (nothing written): format, check digit, month window, base bounds, and the member's
    current enrolment (duplicates were refused with the batch). The registered members, their relations and
    status rows are read once for all rows."""
    checks = [RowCheck(row_no=number, values=dict(row)) for number, row in enumerate(rows, start=1)]
    month_field = "start_month" if kind == "enrol" else "end_month"
    months = [_check_common(check, month_field, today) for check in checks]
    known = members.members_by_certno(session, [c.values["certno"] for c in checks if not c.errors])
    facts = _known(session, [member.psn_no for member in known.values()])
    for check, month in zip(checks, months, strict=True):
        check.member = known.get(check.values["certno"])
        if month is None or check.errors:
            continue
        if kind == "enrol":
            _check_enrol(facts, check, month, emp_no=emp_no, book=book)
        else:
            _check_remove(facts, check, month, emp_no=emp_no)
    return checks


def _check_enrol(facts: _Known, check: RowCheck, month: dt.date, *, emp_no: str, book: RuleBook) -> None:
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
    relation = facts.relation(member, values["insutype"])
    if relation is not None and facts.status_on(relation, month) == "1":
        if relation.emp_no == emp_no:
            check.fail("certno", "already_enrolled", "该职工已在本单位参加该险种")
        else:
            check.fail("certno", "enrolled_elsewhere", "该职工在其他单位参加该险种，须先由原单位减员")


def _check_remove(facts: _Known, check: RowCheck, month: dt.date, *, emp_no: str) -> None:
    values, member = check.values, check.member
    relation = facts.relation(member, values["insutype"]) if member is not None else None
    if member is None or relation is None or relation.emp_no != emp_no:  # another unit's employee is not revealed
        check.fail("certno", "not_employee", "本单位没有这名职工的该险种参保")
        return
    if member.psn_name != values["psn_name"]:
        check.fail("psn_name", "name_mismatch", "姓名与登记的不一致")
    if month < relation.crt_insu_date.replace(day=1):
        check.fail("end_month", "end_before_enrolment", "减员月份早于参保月份")
    elif facts.status_on(relation, month) != "1":
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


def apply_rows(
    session: Session, checks: list[RowCheck], *, kind: Kind, emp_no: str, admdvs: str, book: RuleBook, actor: Actor
) -> list[str | None]:
    """Apply the rows of a chunk that passed their checks, set-based: what the core would refuse is found first
    (and recorded on the row, as ``apply_row`` does), then the members, accounts, relations, status rows,
    contributions, account movements and audit rows of all the other rows are written together in one savepoint.
    When that savepoint fails (a concurrent call applied some of the same rows first) the rows are applied one by
    one with ``apply_row``, so that each row still gets its own outcome. One result per check: the member number,
    or ``None`` for a row with errors."""
    todo = [check for check in checks if not check.errors]
    if todo:
        try:
            with session.begin_nested():
                done = _apply_set(session, todo, kind=kind, emp_no=emp_no, admdvs=admdvs, book=book, actor=actor)
        except IntegrityError:
            done = {}
            for check in [check for check in todo if not check.errors]:
                psn_no = apply_row(session, check, kind=kind, emp_no=emp_no, admdvs=admdvs, book=book, actor=actor)
                if psn_no is not None:
                    done[check.row_no] = psn_no
    return [None if check.errors else done.get(check.row_no) for check in checks]


@dataclass
class _Plan:
    """What a chunk writes, collected row by row before anything is written."""

    members: list[dict[str, object]] = field(default_factory=list)
    registered: dict[str, str] = field(default_factory=dict)  # ID number → number of a member registered here
    relations: list[dict[str, object]] = field(default_factory=list)
    new_statuses: list[tuple[str, str, dt.date, str]] = field(default_factory=list)  # psn_no, insutype, month, stas
    statuses: list[dict[str, object]] = field(default_factory=list)
    contributions: list[dict[str, object]] = field(default_factory=list)
    movements: list[dict[str, object]] = field(default_factory=list)
    balances: dict[str, Money] = field(default_factory=dict)
    audits: list[tuple[str, str, str]] = field(default_factory=list)  # action, psn_no, insutype ("" for members)


def _apply_set(
    session: Session, todo: list[RowCheck], *, kind: Kind, emp_no: str, admdvs: str, book: RuleBook, actor: Actor
) -> dict[int, str]:
    psn_nos = [check.member.psn_no for check in todo if check.member is not None]
    facts = _known(session, psn_nos)
    plan, done = _Plan(), dict[int, str]()
    accounts: dict[str, InsuranceAccount] = {}
    if kind == "enrol":
        accounts = member_rows.accounts_of(session, psn_nos, lock=True)
        paid = member_rows.contribution_months(session, psn_nos, "310")
        for check in todo:
            psn_no = _plan_enrol(plan, facts, accounts, paid, check, emp_no=emp_no, admdvs=admdvs, book=book)
            if psn_no is not None:
                done[check.row_no] = psn_no
                plan.audits.append((f"open.{OPERATION[kind]}.row", psn_no, check.values["insutype"]))
    else:
        for check in todo:
            assert check.member is not None
            month = _month(check.values["end_month"])
            relation = facts.relation(check.member, check.values["insutype"])
            assert month is not None  # the checks read it …
            assert relation is not None  # … and found the relation
            _plan_status(plan, facts, relation, month, "4")
            done[check.row_no] = check.member.psn_no
            plan.audits.append((f"open.{OPERATION[kind]}.row", check.member.psn_no, check.values["insutype"]))
    member_rows.insert_rows(session, InsuranceMember, plan.members)
    member_rows.insert_rows(
        session,
        InsuranceAccount,
        [
            {"psn_no": row["psn_no"], "balance": plan.balances.pop(str(row["psn_no"]), ZERO).amount}
            for row in plan.members
        ],
    )
    for psn_no, balance in plan.balances.items():
        accounts[psn_no].balance = balance.amount
    member_rows.insert_rows(session, InsuranceRelation, plan.relations)
    if plan.new_statuses:
        ids = member_rows.relation_ids(session, sorted({psn_no for psn_no, *_rest in plan.new_statuses}))
        plan.statuses += [
            {"relation_id": ids[(psn_no, insutype)], "effective_month": month, "psn_insu_stas": status}
            for psn_no, insutype, month, status in plan.new_statuses
        ]
    member_rows.insert_rows(session, InsuranceRelationStatus, plan.statuses)
    member_rows.insert_rows(session, InsuranceContribution, plan.contributions)
    member_rows.insert_rows(session, InsuranceAccountMovement, plan.movements)
    for action, psn_no, insutype in plan.audits:
        detail = {"emp_no": emp_no, "insutype": insutype} if insutype else None
        record_audit(session, actor=actor, action=action, target_kind="member", target_key=psn_no, detail=detail)
    session.flush()
    return done


def _plan_status(plan: _Plan, facts: _Known, relation: InsuranceRelation, month: dt.date, status: str) -> None:
    """From ``month`` on the relation has ``status`` (its row for that month replaced), as ``change_status``."""
    first = month.replace(day=1)
    rows = facts.statuses.setdefault(relation.id, [])
    row = next((row for row in rows if row.effective_month == first), None)
    if row is None:
        plan.statuses.append({"relation_id": relation.id, "effective_month": first, "psn_insu_stas": status})
    else:
        row.psn_insu_stas = status


def _plan_enrol(
    plan: _Plan,
    facts: _Known,
    accounts: dict[str, InsuranceAccount],
    paid: set[tuple[str, dt.date]],
    check: RowCheck,
    *,
    emp_no: str,
    admdvs: str,
    book: RuleBook,
) -> str | None:
    """Plan one row as ``_enrol`` applies it, or record why the core would refuse it (then nothing of it is
    written)."""
    values, insutype, member = check.values, check.values["insutype"], check.member
    month = _month(values["start_month"])
    assert month is not None
    relation = facts.relation(member, insutype) if member is not None else None
    psn_no = member.psn_no if member is not None else plan.registered.get(values["certno"])
    # what change_status, record_contribution and move_account would refuse
    if relation is not None and month.replace(day=1) < relation.crt_insu_date.replace(day=1):
        check.fail("row", "rejected", str(RequestInvalid("month", "早于参保日期")))
        return None
    if insutype == "310":
        if psn_no is not None and (psn_no, month) in paid:
            check.fail("row", "rejected", str(Conflict(f"{month:%Y-%m} 的缴费已登记")))
            return None
        if member is not None and member.psn_no not in accounts:
            check.fail("row", "rejected", str(NotFound(f"人员 {member.psn_no} 没有个人账户")))
            return None
    if psn_no is None:
        psn_no = "P" + secrets.token_hex(7).upper()
        plan.members.append(
            {
                "psn_no": psn_no,
                "psn_name": values["psn_name"],
                "certno": values["certno"],
                "psn_cert_type": "01",
                "psn_type": EMPLOYEE_PSN_TYPE,
                "emp_no": emp_no,
                "insuplc_admdvs": admdvs,
                "assistance": False,
                "demo": False,
            }
        )
        plan.registered[values["certno"]] = psn_no
        plan.audits.append(("insurance.member.create", psn_no, ""))
    elif member is not None:
        member.emp_no = emp_no
    if relation is None:
        plan.relations.append({"psn_no": psn_no, "insutype": insutype, "crt_insu_date": month, "emp_no": emp_no})
        plan.new_statuses.append((psn_no, insutype, month.replace(day=1), "1"))
    else:
        relation.emp_no = emp_no
        _plan_status(plan, facts, relation, month, "1")
    if insutype == "310":
        _plan_contribution(plan, accounts, psn_no, month, Money(Decimal(values["base"])), book=book)
        paid.add((psn_no, month))
    return psn_no


def _plan_contribution(
    plan: _Plan, accounts: dict[str, InsuranceAccount], psn_no: str, month: dt.date, base: Money, *, book: RuleBook
) -> None:
    """The month's 310 contribution and its account allocation, as ``record_contribution`` computes them."""
    bounds = book.get(ContributionBaseRule, ("310",), month)
    employer = book.get(ContributionRateRule, ("310", "employer"), month)
    employee = book.get(ContributionRateRule, ("310", "employee"), month)
    employee_amt = base * employee.ratio
    plan.contributions.append(
        {
            "psn_no": psn_no,
            "insutype": "310",
            "month": month,
            "base": base.amount,
            "employer_amt": (base * employer.ratio).amount,
            "employee_amt": employee_amt.amount,
            "account_amt": employee_amt.amount,
            "rule_ids": ",".join((bounds.id, employer.id, employee.id)),
        }
    )
    if employee_amt:
        account = accounts.get(psn_no)
        before = plan.balances.get(psn_no, Money(account.balance) if account is not None else ZERO)
        after = before + employee_amt
        plan.balances[psn_no] = after
        plan.movements.append(
            {
                "psn_no": psn_no,
                "at": utc_now(),
                "kind": "contribution",
                "amount": employee_amt.amount,
                "balance_after": after.amount,
                "ref": f"{month:%Y%m}",
            }
        )


def outcome(check: RowCheck, psn_no: str | None = None) -> dict[str, object]:
    """A row's result as answered and stored: masked ID number, never the name."""
    return {
        "row_no": check.row_no,
        "outcome": "error" if check.errors else "ok",
        "psn_no": psn_no if not check.errors else None,
        "certno_masked": check.certno_masked,
        "errors": list(check.errors),
    }
