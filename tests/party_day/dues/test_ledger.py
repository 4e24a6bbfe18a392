"""Assessments, payments and the ledger: bad input names the field and writes nothing; six months unpaid is
flagged; payments are never payroll deductions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, Forbidden, RequestInvalid
from cityservices.party_day.dues import service
from cityservices.party_day.dues.models import DuesMonth
from cityservices.party_day.dues.schemas import DuesAssess, DuesPay
from tests.party_day.builders import ACTOR, ADMIN, account, build_tree, member


def _assess(session: Session, member_id: int, **values: Any) -> Any:
    data = DuesAssess.model_validate({"month": "2026-01", "category": "wage", **values})
    return service.assess(session, account=ADMIN, actor=ACTOR, member_id=member_id, data=data)


def _pay(session: Session, member_id: int, **values: Any) -> Any:
    data = DuesPay.model_validate({"month": "2026-01", "paid_on": dt.date(2026, 1, 20), "method": "现金", **values})
    return service.pay(session, account=ADMIN, actor=ACTOR, member_id=member_id, data=data)


def _rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(DuesMonth)) or 0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"category": "salary", "base": "100.00"}, "category"),
        ({"base": None}, "base"),
        ({"base": "-1.00"}, "base"),
        ({"base": "3000.001"}, "base"),
        ({"base": "十万"}, "base"),
        ({"base": "2000000.00"}, "base"),
        ({"base": "3000.00", "amount": "15.00"}, "amount"),
        ({"category": "student", "base": "100.00"}, "base"),
        ({"category": "farmer", "amount": "1.50"}, "amount"),
        ({"category": "student", "amount": "0.50"}, "amount"),
        ({"category": "hardship", "amount": "0.00"}, "approval"),
        ({"category": "hardship", "approval": "区委组织部〔2026〕1号"}, "amount"),
        ({"month": "2009-06", "base": "3000.00"}, "month"),  # before the member was admitted
    ],
)
def test_bad_assessments_name_the_field_and_write_nothing(session: Session, values: dict[str, Any], field: str) -> None:
    tree = build_tree(session)
    person = member(session, tree.branch.code, joined_on=dt.date(2010, 7, 1))
    with pytest.raises(RequestInvalid) as caught:
        _assess(session, person.id, **values)
    assert caught.value.field == field
    assert _rows(session) == 0


def test_amounts_by_category(session: Session) -> None:
    tree = build_tree(session)
    person = member(session, tree.branch.code)
    assert _assess(session, person.id, month="2026-01", base="3000.00").due == "15.00"
    assert _assess(session, person.id, month="2026-02", base="3000.01").due == "30.00"
    assert _assess(session, person.id, month="2026-03", category="retiree", base="5000.01").due == "50.00"
    assert _assess(session, person.id, month="2026-04", category="farmer", amount="0.50").due == "0.50"
    assert _assess(session, person.id, month="2026-05", category="low_income").due == "0.20"
    hardship = _assess(session, person.id, month="2026-06", category="hardship", amount="0", approval="批准〔2026〕3号")
    assert hardship.due == "0.00"
    with pytest.raises(Conflict):
        _assess(session, person.id, month="2026-01", base="4000.00")


def test_payments_are_checked_and_never_deducted_from_pay(session: Session) -> None:
    tree = build_tree(session)
    person = member(session, tree.branch.code)
    _assess(session, person.id, base="3000.01")
    for values, field in (
        ({"method": "工资代扣"}, "method"),
        ({"amount": "31.00"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "10.00", "month": "2026-02"}, "month"),
    ):
        with pytest.raises(RequestInvalid) as caught:
            _pay(session, person.id, **{"amount": "30.00", **values})
        assert caught.value.field == field
    with pytest.raises(RequestInvalid, match=r"1000\.00 元以上的另行办理"):
        _pay(session, person.id, amount="1500.00")
    assert _pay(session, person.id, amount="10.00").outstanding == "20.00"
    assert _pay(session, person.id, amount="20.00").outstanding == "0.00"


def test_six_months_unpaid_is_flagged(session: Session) -> None:
    tree = build_tree(session)
    person = member(session, tree.branch.code)
    for month in range(1, 9):
        _assess(session, person.id, month=f"2026-{month:02d}", base="3000.00")
    _pay(session, person.id, month="2026-01", amount="15.00")
    ledger = service.ledger(session, account=ADMIN, actor=ACTOR, member_id=person.id, on=dt.date(2026, 7, 10))
    assert ledger.unpaid_months == 5  # February to June; July is still open
    assert not ledger.lapse_flag
    assert ledger.arrears == "75.00"
    later = service.ledger(session, account=ADMIN, actor=ACTOR, member_id=person.id, on=dt.date(2026, 8, 1))
    assert later.unpaid_months == 6
    assert later.lapse_flag
    branch = service.branch_dues(
        session, account=ADMIN, actor=ACTOR, branch_code=tree.branch.code, on=dt.date(2026, 8, 1)
    )
    assert branch.flagged_member_ids == [person.id]
    assert branch.arrears == "90.00"
    _pay(session, person.id, month="2026-04", amount="5.00")  # a partial payment breaks the run
    assert (
        service.ledger(session, account=ADMIN, actor=ACTOR, member_id=person.id, on=dt.date(2026, 8, 1)).unpaid_months
        == 3
    )


def test_dues_stay_inside_the_scope(session: Session) -> None:
    tree = build_tree(session)
    person = member(session, tree.branch.code)
    outsider = account("editor", "QD.D2")
    with pytest.raises(Forbidden):
        service.assess(session, account=outsider, actor=ACTOR, member_id=person.id,
                       data=DuesAssess(month="2026-01", category="wage", base="3000.00"))  # fmt: skip
    with pytest.raises(Forbidden):
        service.ledger(session, account=outsider, actor=ACTOR, member_id=person.id, on=dt.date(2026, 8, 1))
    assert _rows(session) == 0
