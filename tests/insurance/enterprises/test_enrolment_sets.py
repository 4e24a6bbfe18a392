"""The set-based 增员 / 减员 of a chunk (``apply_rows``) leaves exactly what applying the rows one by one
(``apply_row``, each in a savepoint) leaves: the same per-row outcomes — including rows the core refuses — and the
same members, relations, status rows, contributions, accounts, movements and audit rows; SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.insurance.enterprises import enrolment
from cityservices.insurance.members import service as members
from cityservices.insurance.members.models import (
    InsuranceAccount,
    InsuranceAccountMovement,
    InsuranceContribution,
    InsuranceMember,
    InsuranceRelation,
    InsuranceRelationStatus,
)
from cityservices.insurance.members.schemas import ContributionCreate
from cityservices.insurance.rules import service as rules
from cityservices.insurance.rules.service import BUNDLED_RULES, load_rules, read_rule_file
from cityservices.kit.audit import SYSTEM, Actor
from cityservices.kit.audit.models import AuditEntry
from cityservices.kit.calendar import now_in_china
from cityservices.kit.money import Money
from tests.insurance.builders import certno, enterprise, member

TODAY = now_in_china().date()
THIS = TODAY.replace(day=1)
LAST = (THIS - dt.timedelta(days=1)).replace(day=1)
NEXT = (THIS + dt.timedelta(days=32)).replace(day=1)
ACTOR = Actor(id=None, name="app:test")


def _setup(session: Session) -> None:
    load_rules(session, read_rule_file(BUNDLED_RULES), actor=SYSTEM)
    enterprise(session, "E0001", serial=1)
    enterprise(session, "E0002", serial=2)
    book = rules.rule_book(session)
    # P0001: enrolled elsewhere, stopped there from last month (re-enrolment: an existing relation and status row)
    member(session, "P0001", serial=1, since=dt.date(2020, 1, 1), emp_no="E0002")
    members.change_status(session, "P0001", "310", month=LAST, status="4")
    # P0002: enrolled from next month (a start this month is earlier than the enrolment: refused by the core)
    member(session, "P0002", serial=2, since=NEXT, emp_no="E0002")
    # P0003: stopped this month but this month's contribution is already recorded (refused by the core)
    member(session, "P0003", serial=3, since=dt.date(2020, 1, 1), emp_no="E0002")
    contribution = ContributionCreate(psn_no="P0003", insutype="310", month=THIS, base=Money("8000.00"))
    members.record_contribution(session, contribution, book=book)
    members.change_status(session, "P0003", "310", month=THIS, status="4")
    # P0006: registered, not yet in 510; P0007 / P0008: this unit's employees to remove
    member(session, "P0006", serial=6, insutypes=("310",), since=dt.date(2020, 1, 1), emp_no="E0002")
    members.change_status(session, "P0006", "310", month=LAST, status="4")
    member(session, "P0007", serial=7, insutypes=("310", "510"), since=dt.date(2020, 1, 1), emp_no="E0001")
    member(session, "P0008", serial=8, insutypes=("310",), since=THIS, emp_no="E0001")
    session.flush()


ENROL_ROWS = [
    [certno(1), "测试甲", "310", f"{THIS:%Y-%m}", "7000.00"],
    [certno(2), "测试甲", "310", f"{THIS:%Y-%m}", "7000.00"],
    [certno(3), "测试甲", "310", f"{THIS:%Y-%m}", "7000.00"],
    [certno(4), "新职工", "320", f"{THIS:%Y-%m}", "6000.00"],
    [certno(4), "新职工", "310", f"{THIS:%Y-%m}", "6000.00"],
    [certno(5), "新职工乙", "310", f"{LAST:%Y-%m}", "9000.50"],
    [certno(6), "测试甲", "510", f"{THIS:%Y-%m}", "7000.00"],
    [certno(6), "测试甲", "310", f"{THIS:%Y-%m}", "7000.00"],
    [certno(9), "新职工丙", "310", f"{THIS:%Y-%m}", "1.00"],
    [certno(10), "新职工丁", "510", f"{THIS:%Y-%m}", "6000.00"],
]
REMOVE_ROWS = [
    [certno(7), "测试甲", "310", f"{THIS:%Y-%m}"],
    [certno(7), "测试甲", "510", f"{NEXT:%Y-%m}"],
    [certno(8), "测试甲", "310", f"{THIS:%Y-%m}"],
    [certno(1), "测试甲", "310", f"{THIS:%Y-%m}"],
]


def _run(session: Session, kind: enrolment.Kind, raw: list[list[str]], *, set_based: bool) -> list[dict[str, object]]:
    rows = enrolment.read_rows(kind, list(enrolment.COLUMNS[kind]), raw)
    book = rules.rule_book(session)
    checks = enrolment.check_rows(session, kind=kind, emp_no="E0001", rows=rows, book=book, today=TODAY)
    options: dict[str, Any] = {"kind": kind, "emp_no": "E0001", "admdvs": "370202", "book": book, "actor": ACTOR}
    if set_based:
        psn_nos = enrolment.apply_rows(session, checks, **options)
    else:
        psn_nos = [None if c.errors else enrolment.apply_row(session, c, **options) for c in checks]
    session.flush()
    numbers = {m.psn_no: m.certno for m in session.scalars(select(InsuranceMember))}
    results = [enrolment.outcome(check, psn_no) for check, psn_no in zip(checks, psn_nos, strict=True)]
    return [{**result, "psn_no": numbers.get(str(result["psn_no"]))} for result in results]


def _state(session: Session) -> dict[str, object]:
    """Everything the rows touch, keyed by ID number (new members get random numbers)."""
    session.expire_all()
    by_no = {m.psn_no: m for m in session.scalars(select(InsuranceMember))}
    cert = {no: m.certno for no, m in by_no.items()}
    relations = {r.id: r for r in session.scalars(select(InsuranceRelation))}
    statuses = sorted(
        (cert[relations[s.relation_id].psn_no], relations[s.relation_id].insutype, s.effective_month, s.psn_insu_stas)
        for s in session.scalars(select(InsuranceRelationStatus))
    )
    contributions = sorted(
        (cert[c.psn_no], c.month, c.base, c.employer_amt, c.employee_amt, c.account_amt, c.rule_ids)
        for c in session.scalars(select(InsuranceContribution))
    )
    movements = sorted(
        (cert[m.psn_no], m.kind, m.amount, m.balance_after, m.ref or "")
        for m in session.scalars(select(InsuranceAccountMovement))
    )
    audits = Counter(
        (a.action, cert.get(a.target_key or "", a.target_key), str(sorted((a.detail or {}).items())))
        for a in session.scalars(select(AuditEntry).where(AuditEntry.target_kind == "member"))
    )
    return {
        "members": sorted((m.certno, m.psn_name, m.psn_type, m.emp_no, m.insuplc_admdvs) for m in by_no.values()),
        "relations": sorted((cert[r.psn_no], r.insutype, r.emp_no, r.crt_insu_date) for r in relations.values()),
        "statuses": statuses,
        "contributions": contributions,
        "accounts": sorted((cert[a.psn_no], a.balance) for a in session.scalars(select(InsuranceAccount))),
        "movements": movements,
        "audits": sorted(audits.items()),
    }


def _both(
    session: Session, kind: enrolment.Kind, raw: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Any]:
    outcomes, states = [], []
    for set_based in (True, False):
        savepoint = session.begin_nested()
        with monkeypatch.context() as patch:
            if set_based:  # the refusals are found before writing: no fallback to row by row
                patch.setattr(enrolment, "apply_row", lambda *args, **kwargs: pytest.fail("fell back to apply_row"))
            outcomes.append(_run(session, kind, raw, set_based=set_based))
        states.append(_state(session))
        savepoint.rollback()
    return outcomes, states


def test_set_based_enrolment_leaves_what_row_by_row_leaves(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(session)
    (by_set, by_row), (state_set, state_row) = _both(session, "enrol", ENROL_ROWS, monkeypatch)
    assert by_set == by_row
    assert state_set == state_row
    codes = [[error["code"] for error in result["errors"]] for result in by_set]  # type: ignore[attr-defined]
    assert codes == [[], ["rejected"], ["rejected"], [], [], [], [], [], ["base_out_of_bounds"], []]
    assert by_set[1]["errors"][0]["message"] == "month: 早于参保日期"  # type: ignore[index]
    assert by_set[3]["psn_no"] == by_set[4]["psn_no"] == certno(4)  # one member for both rows
    new_accounts = dict(state_set["accounts"])  # type: ignore[call-overload]
    assert new_accounts[certno(5)] > Decimal("0")
    assert new_accounts[certno(10)] == Decimal("0.00")


def test_set_based_removal_leaves_what_row_by_row_leaves(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(session)
    (by_set, by_row), (state_set, state_row) = _both(session, "remove", REMOVE_ROWS, monkeypatch)
    assert by_set == by_row
    assert state_set == state_row
    assert [result["outcome"] for result in by_set] == ["ok", "ok", "ok", "error"]
    assert (certno(8), "310", THIS, "4") in state_set["statuses"]  # type: ignore[operator]
