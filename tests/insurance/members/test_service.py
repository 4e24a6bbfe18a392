"""Enterprises and members (checked ID numbers and credit codes), enrolment status by month, contributions
into the personal account, masking; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, NotFound, RequestInvalid, RuleViolation
from cityservices.insurance.enterprises.schemas import EnterpriseCreate
from cityservices.insurance.members import service as members
from cityservices.insurance.members.schemas import ContributionCreate, MemberCreate
from cityservices.kit.money import Money
from tests.insurance.builders import certno, credit_code, enterprise, member
from tests.insurance.settlement.engine_data import bundled_book


def test_check_characters_are_verified() -> None:
    good = certno(7)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        MemberCreate(psn_no="P1234", psn_name="x", certno=bad, psn_type="1101", insuplc_admdvs="370200")
    assert caught.value.errors()[0]["loc"] == ("certno",)
    assert MemberCreate(psn_no="P1234", psn_name="x", certno=good.lower(), psn_type="1101", insuplc_admdvs="370200")
    code = credit_code(3)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        EnterpriseCreate(emp_no="E9999", emp_name="某单位", uscc=wrong, admdvs="370202")
    assert caught.value.errors()[0]["loc"] == ("uscc",)
    with pytest.raises(ValidationError):
        MemberCreate(psn_no="P1234", psn_name="x", certno=good, psn_type="9999", insuplc_admdvs="370200")


def test_duplicates_and_unknown_units_are_refused(session: Session) -> None:
    enterprise(session)
    member(session, emp_no="E0001")
    with pytest.raises(Conflict):
        member(session, "P0002", serial=1)  # same ID number
    with pytest.raises(Conflict):
        enterprise(session, "E0002", serial=1)  # same credit code
    with pytest.raises(RequestInvalid) as caught:
        member(session, "P0003", serial=3, emp_no="E4040")
    assert caught.value.field == "emp_no"
    with pytest.raises(NotFound):
        members.member_or_404(session, "P9999")


def test_status_history_by_month(session: Session) -> None:
    member(session, since=dt.date(2025, 3, 15))
    members.change_status(session, "P0001", "310", month=dt.date(2025, 7, 9), status="2")
    members.change_status(session, "P0001", "310", month=dt.date(2025, 9, 1), status="1")
    assert members.statuses_on(session, "P0001", dt.date(2025, 2, 28)) == {}
    assert members.statuses_on(session, "P0001", dt.date(2025, 3, 1)) == {"310": "1"}
    assert members.statuses_on(session, "P0001", dt.date(2025, 8, 31)) == {"310": "2"}
    assert members.statuses_on(session, "P0001", dt.date(2025, 9, 1)) == {"310": "1"}
    assert [s for _, s in members.status_history(session, "P0001", "310")] == ["1", "2", "1"]
    with pytest.raises(RuleViolation, match="没有有效的基本医疗保险"):
        members.member_facts(session, "P0001", dt.date(2025, 8, 1))
    with pytest.raises(RequestInvalid):
        members.change_status(session, "P0001", "310", month=dt.date(2024, 1, 1), status="2")


def test_member_facts(session: Session) -> None:
    member(session, psn_type="1102", insutypes=("310", "320"), assistance=True)
    facts = members.member_facts(session, "P0001", dt.date(2026, 1, 1))
    assert (facts.insutype, facts.civil_servant, facts.assistance) == ("310", True, True)
    member(session, "P0002", serial=2, psn_type="1501", insutypes=("390",))
    assert members.member_facts(session, "P0002", dt.date(2026, 1, 1)).insutype == "390"


def test_contributions_fill_the_account(session: Session) -> None:
    member(session)
    book = bundled_book()
    row = members.record_contribution(
        session,
        ContributionCreate(psn_no="P0001", insutype="310", month=dt.date(2026, 1, 15), base=Money("6000")),
        book=book,
    )
    assert (row.month, row.employer_amt, row.employee_amt) == (
        dt.date(2026, 1, 1),
        Money("360").amount,
        Money("120").amount,
    )
    assert "contrib-310-employee" in row.rule_ids
    assert members.account_balance(session, "P0001") == Money("120")
    movements = members.account_movements(session, "P0001")
    assert [(m.kind, Money(m.amount), Money(m.balance_after)) for m in movements] == [
        ("contribution", Money("120"), Money("120"))
    ]
    with pytest.raises(Conflict):
        members.record_contribution(
            session,
            ContributionCreate(psn_no="P0001", insutype="310", month=dt.date(2026, 1, 1), base=Money("6000")),
            book=book,
        )
    with pytest.raises(RequestInvalid) as caught:
        members.record_contribution(
            session,
            ContributionCreate(psn_no="P0001", insutype="310", month=dt.date(2026, 2, 1), base=Money("100")),
            book=book,
        )
    assert caught.value.field == "base"
    assert members.account_balance(session, "P0001") == Money("120")
    with pytest.raises(RuleViolation, match="余额不足"):
        members.move_account(session, "P0001", Money("-500"), kind="settle_11")


def test_the_masked_view(session: Session) -> None:
    member(session)
    read = members.member_read(members.member_or_404(session, "P0001"))
    assert read.certno.startswith(certno(1)[0])
    assert "*" in read.certno
    assert certno(1) not in read.certno
    assert read.psn_name == "测**"
