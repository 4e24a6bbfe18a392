"""Stored settlements keep their claim lines, and a year can be settled again under changed rules, reporting the
difference per member (nothing but an audit entry is written); on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cityservices.insurance.members import service as members
from cityservices.insurance.members.schemas import ContributionCreate
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.schemas import PoolRatioRule
from cityservices.insurance.settlement import repository, service
from cityservices.insurance.settlement.models import InsuranceSettlement
from cityservices.insurance.settlement.resettle import resettle_year
from cityservices.kit.audit import SYSTEM, AuditEntry
from cityservices.kit.money import Money, Ratio
from tests.insurance.builders import member
from tests.insurance.settlement.engine_data import bundled_book
from tests.insurance.settlement.test_cli import _cli
from tests.insurance.settlement.test_service import request

DAY = dt.date(2026, 3, 10)


def _raised_inpatient_ratio() -> RuleBook:
    """The bundled rules with the in-service employees' level-3 inpatient ratio raised from 85 % to 95 %."""
    rows = [
        row.model_copy(update={"ratio": Ratio("0.95")}) if row.id == "pool-310-inp-ins-l3" else row
        for row in bundled_book().all_rows()
    ]
    assert any(isinstance(row, PoolRatioRule) and row.ratio == Ratio("0.95") for row in rows)
    return RuleBook.of(rows, version="raised")


def test_lines_are_stored_and_a_year_is_settled_again(session: Session) -> None:
    psn_no = member(session)
    members.record_contribution(
        session, ContributionCreate(psn_no=psn_no, insutype="310", month=DAY, base=Money("10000")), book=bundled_book()
    )
    first = service.settle(session, request(), request_id="req-0001", book=bundled_book(), actor=SYSTEM)
    second = service.settle(session, request(), request_id="req-0002", book=bundled_book(), actor=SYSTEM)
    reversed_ = service.settle(session, request(), request_id="req-0003", book=bundled_book(), actor=SYSTEM)
    service.reverse(session, str(reversed_.setl_id), request_id="rev-0003", actor=SYSTEM)
    assert (first.hifp_pay, second.hifp_pay) == ("476.00", "816.00")  # (1360 − 800 / − 400 second stay) × 85 %

    lines = repository.lines_of(session, str(first.setl_id))
    assert [(line.code, line.chrgitm_lv, Money(line.inscp_scp_amt)) for line in lines] == [
        ("A", "01", Money("1000")),
        ("B", "02", Money("360")),
        ("D", "03", Money("0")),
    ]
    assert Money(lines[2].fulamt_ownpay_amt) == Money("300")
    stored = session.get(InsuranceSettlement, first.setl_id)
    assert stored is not None
    assert (stored.hosp_lv, stored.use_account, stored.elsewhere) == ("3", True, None)

    same = resettle_year(session, 2026, book=bundled_book(), actor=SYSTEM)
    assert (same.settlements, same.resettled, same.without_lines) == (2, 2, 0)  # the reversed one is left out
    assert same.changed_members == []
    assert same.fund_before == same.fund_after == Money("1292")

    raised = resettle_year(session, 2026, book=_raised_inpatient_ratio(), actor=SYSTEM)
    (difference,) = raised.changed_members
    assert (difference.psn_no, difference.settlements, difference.changed) == (psn_no, 2, 2)
    # (1360 − 800) × 95 % = 532 and (1360 − 400) × 95 % = 912: 152 more from the fund, 152 less for the member
    assert (difference.fund_before, difference.fund_after) == (Money("1292"), Money("1444"))
    assert difference.psn_before - difference.psn_after == Money("152")
    assert difference.fund_difference == Money("152")

    assert service.count_settlements(session) == 3  # nothing settled or changed by re-settling
    assert members.read_counters(session, psn_no, 2026).hifp_paid == "1292.00"
    audits = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "insurance.settlement.resettle")
    )
    assert audits == 2


def test_a_settlement_without_lines_is_kept_as_settled(session: Session) -> None:
    psn_no = member(session)
    settled = service.settle(
        session, request(use_account=False), request_id="req-0001", book=bundled_book(), actor=SYSTEM
    )
    stored = session.get(InsuranceSettlement, settled.setl_id)
    assert stored is not None
    stored.hosp_lv = None  # as stored before claim headers and lines were kept
    report = resettle_year(session, 2026, book=_raised_inpatient_ratio(), actor=SYSTEM)
    assert (report.resettled, report.without_lines, report.changed_members) == (0, 1, [])
    assert report.fund_after == Money(settled.fund_pay_sumamt)
    assert psn_no == report.members[0].psn_no


def test_the_command(migrated_db_url: str) -> None:
    assert _cli(migrated_db_url, "rules", "load").returncode == 0
    empty = _cli(migrated_db_url, "settlement", "resettle", "--year", "2026", "--json")
    assert empty.returncode == 0, empty.stderr
    body = json.loads(empty.stdout)
    assert (body["settlements"], body["changed_members"], body["rules_version"]) == (0, [], "2026.1-example")
    text = _cli(migrated_db_url, "settlement", "resettle", "--year", "2026")
    assert "2026 年度：0 笔有效结算" in text.stdout
    assert _cli(migrated_db_url, "settlement", "resettle", "--year", "20266").returncode == 2
