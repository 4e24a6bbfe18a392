"""The demo generator: everything marked demo, valid-form ID numbers and credit codes, accounts that match their
movements, counters that match the settlements, and a second run that replaces the first."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc

from cityservices.insurance.demo import generate
from cityservices.insurance.enterprises.models import InsuranceEnterprise
from cityservices.insurance.flows import collect_stats
from cityservices.insurance.members.models import (
    InsuranceAccount,
    InsuranceAccountMovement,
    InsuranceAnnualCounter,
    InsuranceMember,
)
from cityservices.insurance.settlement.models import InsuranceSettlement
from tests.insurance.settlement.engine_data import bundled_book


def test_generated_data(session: Session) -> None:
    counts = generate(session, book=bundled_book(), members_count=60, enterprises_count=6, seed=7, tick=lambda: None)
    assert (counts.members, counts.enterprises, counts.settlements) == (60, 6, 30)
    people = session.scalars(select(InsuranceMember)).all()
    assert all(p.demo and ric.is_valid(p.certno) and "某" in p.psn_name for p in people)
    assert all(e.demo and uscc.is_valid(e.uscc) for e in session.scalars(select(InsuranceEnterprise)))
    for account in session.scalars(select(InsuranceAccount)):
        moved = sum(
            (
                m.amount
                for m in session.scalars(
                    select(InsuranceAccountMovement).where(InsuranceAccountMovement.psn_no == account.psn_no)
                )
            ),
            Decimal(0),
        )
        assert account.balance == moved
        assert account.balance >= 0
    hifp = {c.psn_no: c.hifp_paid for c in session.scalars(select(InsuranceAnnualCounter))}
    settled = session.scalars(select(InsuranceSettlement)).all()
    assert all(s.demo for s in settled)
    for psn_no, paid in hifp.items():
        assert paid == sum((Decimal(s.result["hifp_pay"]) for s in settled if s.psn_no == psn_no), Decimal(0))
    stats = collect_stats(session)
    assert stats["insurance_members"] == 60
    assert stats["insurance_settlements"] == 30
    again = generate(session, book=bundled_book(), members_count=20, enterprises_count=3, seed=8, tick=lambda: None)
    assert again.members == 20
    assert collect_stats(session)["insurance_members"] == 20
