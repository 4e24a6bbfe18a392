"""Stored settlements: pre-settlement writes nothing, settlement updates counters and account once per request
id, reversal restores them exactly, the daily reconciliation; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cityservices.errors import Conflict, NotFound, RequestInvalid, RuleViolation
from cityservices.insurance.members import service as members
from cityservices.insurance.members.schemas import ContributionCreate
from cityservices.insurance.settlement import service
from cityservices.insurance.settlement.schemas import ClaimRequest, DeclaredTotals
from cityservices.kit.audit import SYSTEM
from cityservices.kit.money import Money
from tests.insurance.builders import member
from tests.insurance.settlement.engine_data import bundled_book

DAY = dt.date(2026, 3, 10)


def request(psn_no: str = "P0001", *, institution: str = "H001", med_type: str = "21", **extra: Any) -> ClaimRequest:
    body: dict[str, Any] = {
        "psn_no": psn_no,
        "fixmedins_code": institution,
        "med_type": med_type,
        "hosp_lv": "3",
        "setl_date": DAY.isoformat(),
        "lines": [
            {"code": "A", "name": "甲类药", "chrgitm_lv": "01", "unit_price": "1000", "quantity": "1"},
            {"code": "B", "name": "乙类药", "chrgitm_lv": "02", "unit_price": "200", "quantity": "2"},
            {"code": "D", "name": "目录外", "chrgitm_lv": "03", "unit_price": "300", "quantity": "1"},
        ],
    }
    return ClaimRequest.model_validate(body | extra)


@pytest.fixture
def funded_member(session: Session) -> str:
    psn_no = member(session)
    members.record_contribution(
        session, ContributionCreate(psn_no=psn_no, insutype="310", month=DAY, base=Money("10000")), book=bundled_book()
    )
    return psn_no  # account balance ¥200


def snapshot(session: Session, psn_no: str) -> tuple[object, Money]:
    return members.read_counters(session, psn_no, 2026), members.account_balance(session, psn_no)


def test_pre_settlement_writes_nothing(session: Session, funded_member: str) -> None:
    before = snapshot(session, funded_member)
    preview = service.pre_settle(session, request(), book=bundled_book())
    assert preview.status == "preview"
    assert preview.hifp_pay == "476.00"  # (1000 + 400 × 90 % − 800) × 85 %
    assert preview.acct_pay == "200.00"
    assert snapshot(session, funded_member) == before
    assert service.count_settlements(session) == 0


def test_settle_is_idempotent_by_request_id(session: Session, funded_member: str) -> None:
    first = service.settle(session, request(), request_id="req-0001", book=bundled_book(), actor=SYSTEM)
    again = service.settle(session, request(), request_id="req-0001", book=bundled_book(), actor=SYSTEM)
    assert first == again
    assert first.setl_id
    assert first.status == "settled"
    counters = members.read_counters(session, funded_member, 2026)
    assert (counters.admissions, counters.hifp_paid) == (1, first.hifp_pay)
    assert members.account_balance(session, funded_member) == Money("0")
    assert service.count_settlements(session) == 1
    with pytest.raises(Conflict, match="已用于另一笔结算"):
        service.settle(session, request(use_account=False), request_id="req-0001", book=bundled_book(), actor=SYSTEM)
    second = service.settle(session, request(), request_id="req-0002", book=bundled_book(), actor=SYSTEM)
    assert second.act_pay_dedc == "400.00"  # the second admission's deductible
    assert members.read_counters(session, funded_member, 2026).admissions == 2


def test_reversal_restores_exactly(session: Session, funded_member: str) -> None:
    before = snapshot(session, funded_member)
    settled = service.settle(session, request(), request_id="req-0001", book=bundled_book(), actor=SYSTEM)
    assert settled.setl_id is not None
    reversed_ = service.reverse(session, settled.setl_id, request_id="rev-0001", actor=SYSTEM)
    assert reversed_.status == "reversed"
    assert snapshot(session, funded_member) == before
    assert service.reverse(session, settled.setl_id, request_id="rev-0001", actor=SYSTEM) == reversed_
    assert snapshot(session, funded_member) == before
    with pytest.raises(Conflict, match="已冲正"):
        service.reverse(session, settled.setl_id, request_id="rev-0002", actor=SYSTEM)
    with pytest.raises(NotFound):
        service.reverse(session, "nope", request_id="rev-0003", actor=SYSTEM)
    kinds = [m.kind for m in members.account_movements(session, funded_member)]
    assert kinds == ["contribution", "settle_21", "reversal"]


def test_daily_reconciliation(session: Session, funded_member: str) -> None:
    member(session, "P0002", serial=2, psn_type="1201")
    a = service.settle(session, request(), request_id="req-0001", book=bundled_book(), actor=SYSTEM)
    b = service.settle(session, request("P0002"), request_id="req-0002", book=bundled_book(), actor=SYSTEM)
    c = service.settle(
        session, request("P0002", institution="H002"), request_id="req-0003", book=bundled_book(), actor=SYSTEM
    )
    assert c.setl_id is not None
    service.reverse(session, c.setl_id, request_id="rev-0003", actor=SYSTEM)
    declared = [
        DeclaredTotals(
            fixmedins_code="H001",
            count=2,
            medfee_sumamt=Money("3400"),
            fund_pay_sumamt=Money(a.fund_pay_sumamt) + Money(b.fund_pay_sumamt),
            acct_pay=Money("200"),
        )
    ]
    result = service.reconcile(session, DAY, declared)
    assert [i.fixmedins_code for i in result.institutions] == ["H001"]  # H002's only settlement was reversed
    h001 = result.institutions[0]
    assert (h001.count, h001.medfee_sumamt, h001.acct_pay) == (2, "3400.00", "200.00")
    assert h001.funds == {"310100": str(Money(a.hifp_pay) + Money(b.hifp_pay))}
    assert h001.balanced
    assert h001.declared_match
    assert (
        service.reconcile(session, DAY, [declared[0].model_copy(update={"count": 3})]).institutions[0].declared_match
        is False
    )
    assert service.reconcile(session, DAY + dt.timedelta(days=1)).institutions == []


def test_bad_requests_write_nothing(session: Session, funded_member: str) -> None:
    with pytest.raises(RequestInvalid) as caught:
        service.settle(  # no rule rows were in force in 2024
            session, request(setl_date="2024-03-10"), request_id="req-0001", book=bundled_book(), actor=SYSTEM
        )
    assert caught.value.field == "rules"
    with pytest.raises(RequestInvalid) as caught:
        service.settle(session, request(), request_id="short", book=bundled_book(), actor=SYSTEM)
    assert caught.value.field == "request_id"
    member(session, "P0009", serial=9, insutypes=())
    with pytest.raises(RuleViolation):
        service.settle(session, request("P0009"), request_id="req-0009", book=bundled_book(), actor=SYSTEM)
    assert members.read_counters(session, "P0009", 2026).admissions == 0
    with pytest.raises(NotFound):
        service.pre_settle(session, request("P4040"), book=bundled_book())
    assert service.count_settlements(session) == 0
    assert members.read_counters(session, funded_member, 2026).admissions == 0


def test_a_maternity_stay_is_booked_to_the_maternity_fund_and_leaves_the_counters(
    session: Session, funded_member: str
) -> None:
    before = members.read_counters(session, funded_member, 2026)
    read = service.settle(
        session, request(med_type="52", use_account=False), request_id="mat-00001", book=bundled_book(), actor=SYSTEM
    )
    assert [d.fund_pay_type for d in read.setldetail] == ["510100"]
    # policy scope: 1000 (甲类) + 400 − 10 % pre-self-pay (乙类) = 1360, all paid (mat-310-inp-l3: 100 %, limit 4,500)
    assert read.hifp_pay == read.fund_pay_sumamt == "1360.00"
    assert read.psn_part_amt == "340.00"  # 300 outside the catalogue + 40
    assert members.read_counters(session, funded_member, 2026) == before
    stored = service.reconcile(session, DAY).institutions[0]
    assert stored.funds == {"510100": "1360.00"}
