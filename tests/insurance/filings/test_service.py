"""Filing rules in use on a real database: filing, refusals (nothing written), filing before discharge, the
minimum stay before a change or cancellation, the ratio preview and settlement at the place of treatment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cityservices.errors import AppError, Conflict, RequestInvalid, RuleViolation
from cityservices.insurance.filings import documents, service
from cityservices.insurance.filings.rules import CATEGORY_CODES, filing_rules, region_prefix
from cityservices.insurance.filings.schemas import ElsewhereSettleRequest, FilingChange, FilingCreate
from cityservices.insurance.members import service as members
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.service import BUNDLED_RULES, load_rules, read_rule_file, rule_book
from cityservices.insurance.settlement.schemas import ClaimRequest
from cityservices.kit.audit import SYSTEM
from cityservices.kit.audit.repository import list_audit
from tests.insurance.builders import member

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def book(db: Session) -> RuleBook:
    load_rules(db, read_rule_file(BUNDLED_RULES), actor=SYSTEM)
    member(db, "P0001", serial=1, psn_type="1201")
    return rule_book(db)


def _file(db: Session, today: dt.date = TODAY, **changes: Any) -> Any:
    data: dict[str, Any] = {
        "psn_no": "P0001",
        "category": "long_term_residence",
        "mdtrtarea_admvs": "460000",
        "begin_date": TODAY,
        "documents": ["personal_commitment"],
    }
    return service.create_filing(db, FilingCreate.model_validate(data | changes), actor=SYSTEM, today=today)


def test_the_rule_data_is_complete_and_sourced() -> None:
    rules = filing_rules()
    assert tuple(c.code for c in rules.categories) == CATEGORY_CODES
    assert [c.name for c in rules.categories] == ["异地长期居住", "常驻异地工作", "异地转诊", "临时外出就医"]
    for category in rules.categories:
        assert "医保发〔2022〕22号" in category.source
        assert category.marking == ("" if category.verified else "示例参数，未经核实")
    assert rules.emergency.verified
    assert rules.before_discharge.verified
    assert not rules.unfiled.verified
    assert not rules.unfiled.direct_settlement
    assert [c.code for c in service.categories() if c.validity_months is None] == [
        "long_term_residence",
        "work_elsewhere",
    ]
    assert (region_prefix("110000"), region_prefix("440300"), region_prefix("440305")) == ("11", "4403", "440305")


def test_a_long_term_filing(db: Session, book: RuleBook) -> None:
    read = _file(db)
    assert (read.category_name, read.mdtrtarea_name, read.end_date, read.status) == (
        "异地长期居住",
        "海南省",
        None,
        "active",
    )
    assert read.earliest_change == dt.date(2026, 9, 2)
    assert read.marking == "示例参数，未经核实"
    entries, _ = list_audit(db, action="insurance.filing.create")
    assert entries[0].target_key == "P0001"


@pytest.mark.parametrize(
    ("changes", "error", "text"),
    [
        ({"mdtrtarea_admvs": "990000"}, RequestInvalid, "未知的就医地"),
        ({"mdtrtarea_admvs": "370203"}, RuleViolation, "不属于异地就医"),
        ({"documents": ["referral_certificate"]}, RuleViolation, "居住证明"),
        ({"documents": ["passport"]}, RequestInvalid, "passport"),
        ({"documents": []}, RuleViolation, "个人承诺书"),
        ({"begin_date": TODAY - dt.timedelta(days=1)}, RequestInvalid, "不能早于今天"),
        ({"begin_date": TODAY + dt.timedelta(days=91)}, RequestInvalid, "提前 90 天"),
        ({"end_date": TODAY + dt.timedelta(days=30)}, RequestInvalid, "长期有效"),
        (
            {"category": "temporary", "end_date": dt.date(2026, 9, 3)},
            RequestInvalid,
            "有效期 6 个月",
        ),
        ({"category": "referral", "documents": ["personal_commitment"]}, RuleViolation, "转诊证明"),
        ({"admission_date": TODAY + dt.timedelta(days=1)}, RequestInvalid, "入院日期"),
        (
            {"admission_date": TODAY - dt.timedelta(days=181), "begin_date": TODAY - dt.timedelta(days=181)},
            RequestInvalid,
            "入院日期",
        ),
        ({"psn_no": "P9999"}, AppError, "没有人员"),
    ],
)
def test_bad_filings_are_refused_and_nothing_is_written(
    db: Session, book: RuleBook, changes: dict[str, Any], error: type[AppError], text: str
) -> None:
    with pytest.raises(error) as caught:
        _file(db, **changes)
    assert text in caught.value.detail
    assert service.count_filings(db) == 0


def test_overlapping_filings_conflict(db: Session, book: RuleBook) -> None:
    _file(db)
    with pytest.raises(Conflict):
        _file(db, category="temporary", mdtrtarea_admvs="110000")
    assert service.count_filings(db) == 1


def test_filing_before_discharge(db: Session, book: RuleBook) -> None:
    admitted = TODAY - dt.timedelta(days=10)
    read = _file(db, category="temporary", begin_date=admitted, admission_date=admitted)
    assert (read.begin_date, read.admission_date, read.end_date) == (admitted, admitted, dt.date(2026, 8, 20))
    with pytest.raises(RequestInvalid):
        _file(db, category="temporary", begin_date=admitted + dt.timedelta(days=1), admission_date=admitted)


def test_minimum_stay_before_cancel_or_change(db: Session, book: RuleBook) -> None:
    long_term = _file(db)
    with pytest.raises(RuleViolation, match="满 6 个月"):
        service.cancel_filing(db, long_term.filing_id, actor=SYSTEM, today=TODAY + dt.timedelta(days=100))
    later = dt.date(2026, 9, 2)
    cancelled = service.cancel_filing(db, long_term.filing_id, actor=SYSTEM, today=later)
    assert (cancelled.status, cancelled.cancelled_on) == ("cancelled", later)
    with pytest.raises(Conflict):
        service.cancel_filing(db, long_term.filing_id, actor=SYSTEM, today=later)

    trip = _file(db, later, category="temporary", begin_date=dt.date(2026, 9, 10), mdtrtarea_admvs="110000")
    changed = service.change_filing(
        db,
        trip.filing_id,
        FilingChange(mdtrtarea_admvs="310000", begin_date=dt.date(2026, 9, 20)),
        actor=SYSTEM,
        today=dt.date(2026, 9, 15),
    )
    assert (changed.mdtrtarea_name, changed.end_date) == ("上海市", trip.end_date)
    old = next(f for f in service.member_filings(db, "P0001", actor=SYSTEM) if f.filing_id == trip.filing_id)
    assert (old.status, old.replaced_by, old.cancelled_on) == ("replaced", changed.filing_id, dt.date(2026, 9, 20))
    with pytest.raises(AppError):
        service.change_filing(
            db, trip.filing_id, FilingChange(mdtrtarea_admvs="310000", begin_date=dt.date(2026, 9, 20)),
            actor=SYSTEM, today=dt.date(2026, 9, 15),
        )  # fmt: skip


def test_the_ratio_preview_runs_the_engine_per_category(db: Session, book: RuleBook) -> None:
    facts = members.member_facts(db, "P0001", TODAY)
    preview = service.preview_ratios(facts, on=TODAY, hosp_lv="3", med_type="21", book=book)
    by_code = {p.category: p for p in preview.previews}
    assert list(by_code) == [*CATEGORY_CODES, "unfiled"]
    local = by_code["long_term_residence"].pool_ratio_local
    assert by_code["long_term_residence"].pool_ratio_elsewhere == local
    assert by_code["work_elsewhere"].reduction_points == "0.0000"
    assert by_code["referral"].reduction_points == "0.0500"  # the bundled example: 5 points (cap 10)
    assert by_code["temporary"].reduction_points == "0.1000"  # example 10 points (cap 20)
    assert by_code["temporary"].fund_pay_elsewhere < by_code["temporary"].fund_pay_local
    assert by_code["unfiled"].direct_settlement is False
    assert "未办理异地就医备案" in by_code["unfiled"].explanation[0]
    assert any("国家规定降幅不超过 20%" in text for text in by_code["temporary"].explanation)
    assert all(p.example_parameters for p in preview.previews)


def _claim(med_type: str = "21", day: dt.date = TODAY) -> ClaimRequest:
    return ClaimRequest.model_validate(
        {
            "psn_no": "P0001",
            "fixmedins_code": "H110001",
            "med_type": med_type,
            "hosp_lv": "3",
            "setl_date": day,
            "lines": [{"code": "A", "name": "甲类药", "chrgitm_lv": "01", "unit_price": "5000", "quantity": "1"}],
        }
    )


def _settle(db: Session, book: RuleBook, place: str, claim: ClaimRequest, request_id: str) -> Any:
    data = ElsewhereSettleRequest(mdtrtarea_admvs=place, claim=claim)
    return service.settle_elsewhere(db, data, request_id=request_id, book=book, actor=SYSTEM)


def test_settlement_at_the_place_of_treatment(db: Session, book: RuleBook) -> None:
    _file(db, category="temporary", mdtrtarea_admvs="110000")
    filed = _settle(db, book, "110105", _claim(), "req-filed-0001")
    assert (filed.filing_status, filed.category, filed.direct_settlement) == ("filed", "temporary", True)
    assert filed.settlement.setl_id
    assert filed.settlement.status == "settled"
    assert filed.settlement.trace[0].step == "filing"
    assert "临时外出就医" in filed.settlement.trace[0].text
    assert "北京市" in filed.settlement.trace[0].text
    assert any(step.step == "elsewhere" for step in filed.settlement.trace)
    assert members.current_counters(db, "P0001", 2026).admissions == 1

    unfiled = _settle(db, book, "310101", _claim(), "req-unfiled-01")
    assert (unfiled.filing_status, unfiled.direct_settlement, unfiled.settlement.setl_id) == ("unfiled", False, None)
    assert "未办理异地就医备案" in unfiled.settlement.trace[0].text
    assert "示例参数，未经核实" in unfiled.settlement.trace[0].text
    assert members.current_counters(db, "P0001", 2026).admissions == 1  # nothing settled
    assert list_audit(db, action="insurance.filing.unfiled")[0]

    emergency = _settle(db, book, "440300", _claim("13"), "req-emerg-0001")
    assert (emergency.filing_status, emergency.direct_settlement) == ("emergency", True)
    assert "视同已备案" in emergency.settlement.trace[0].text

    with pytest.raises(RuleViolation):
        _settle(db, book, "370211", _claim(), "req-local-0001")


def test_the_filing_step_is_stored_with_the_settlement(db: Session, book: RuleBook) -> None:
    from cityservices.insurance.archive.service import settlement_summary
    from cityservices.insurance.settlement import service as settlement
    from cityservices.insurance.settlement.models import InsuranceSettlement

    filing = _file(db, category="temporary", mdtrtarea_admvs="110000")
    filed = _settle(db, book, "110105", _claim(), "req-stored-001")
    emergency = _settle(db, book, "440300", _claim("13"), "req-stored-002")
    rows = {row.setl_id: row for row in db.query(InsuranceSettlement)}
    stored = rows[str(filed.settlement.setl_id)]
    assert (stored.mdtrtarea_admvs, stored.filing_status, stored.filing_id) == ("110105", "filed", filing.filing_id)
    assert stored.result["trace"][0]["step"] == "filing"
    assert "临时外出就医" in stored.result["trace"][0]["text"]
    again = rows[str(emergency.settlement.setl_id)]
    assert (again.mdtrtarea_admvs, again.filing_status, again.filing_id) == ("440300", "emergency", None)
    # the stored settlement read back (its trace, its FHIR export, a retry of the same request) keeps the step
    retried = _settle(db, book, "110105", _claim(), "req-stored-001")
    assert retried.settlement.trace[0].text == filed.settlement.trace[0].text
    assert [step.step for step in retried.settlement.trace].count("filing") == 1
    fhir = settlement.settlement_fhir(db, stored.setl_id, actor=SYSTEM)
    assert "临时外出就医" in str(fhir)
    summary = settlement_summary(stored)
    assert summary.elsewhere == "在北京市就医（已备案）"
    assert "临时外出就医" in summary.trace[0]
    assert settlement_summary(again).elsewhere == "在广东省就医（急诊抢救，视同已备案）"


def test_demo_filings_follow_the_rules_and_are_removable(db: Session, book: RuleBook) -> None:
    from cityservices.insurance.filings.demo import generate_filings
    from cityservices.insurance.filings.repository import delete_demo

    for i in range(1, 21):
        member(db, f"DP{i * 7:07d}", serial=100 + i)
    assert generate_filings(db, today=TODAY, count=25) == 20
    filings = [f for i in range(1, 21) for f in service.member_filings(db, f"DP{i * 7:07d}", actor=SYSTEM)]
    assert {f.category for f in filings} == set(CATEGORY_CODES)
    assert all(f.demo for f in filings)
    assert any(f.admission_date for f in filings)
    assert any(f.status == "cancelled" for f in filings)
    delete_demo(db)
    assert service.count_filings(db) == 0


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.mark.parametrize(
    ("kind", "content", "text"),
    [
        ("residence_proof", PNG, "只收"),
        ("personal_commitment", b"", "空的"),
        ("personal_commitment", b"MZ\x90\x00 not a document", "PDF、JPG 或 PNG"),
        ("personal_commitment", b"%PDF-" + b"x" * 2000, "不能超过"),
    ],
)
def test_bad_documents_are_refused(db: Session, book: RuleBook, kind: str, content: bytes, text: str) -> None:
    import io

    filing = _file(db, category="temporary", mdtrtarea_admvs="110000")
    with pytest.raises(RequestInvalid) as caught:
        documents.add_document(
            db, filing.filing_id, kind=kind, upload=io.BytesIO(content), max_bytes=1024, actor=SYSTEM
        )
    assert text in caught.value.detail
    assert documents.filing_documents(db, filing.filing_id, actor=SYSTEM) == []


def test_a_document_is_stored_with_its_digest(db: Session, book: RuleBook) -> None:
    import hashlib
    import io

    filing = _file(db, category="temporary", mdtrtarea_admvs="110000")
    read = documents.add_document(
        db, filing.filing_id, kind="personal_commitment", upload=io.BytesIO(PNG), max_bytes=1024, actor=SYSTEM
    )
    assert (read.content_type, read.size, read.sha256) == ("image/png", len(PNG), hashlib.sha256(PNG).hexdigest())
    assert [d.kind_name for d in documents.filing_documents(db, filing.filing_id, actor=SYSTEM)] == ["个人承诺书"]
