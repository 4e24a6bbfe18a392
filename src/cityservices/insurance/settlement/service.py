"""Settlement operations over the stored data: pre-settlement (nothing written), settlement (counters and account
updated in the caller's transaction under a row lock, idempotent by request id), reversal (counters and account
restored exactly, idempotent too) and the daily reconciliation per institution and fund. Never commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal

from sqlalchemy.orm import Session

from cityservices.errors import Conflict, NotFound, RequestInvalid
from cityservices.insurance.members import service as members
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.settlement import repository
from cityservices.insurance.settlement.claims import Claim, ClaimInvalid, ClaimLine, Counters, MemberFacts, Settlement
from cityservices.insurance.settlement.engine import settle_claim, settled_insutype
from cityservices.insurance.settlement.models import InsuranceSettlement
from cityservices.insurance.settlement.schemas import (
    AdjustmentTotals,
    ClaimRequest,
    DeclaredTotals,
    EstimateRequest,
    InstitutionTotals,
    ReconciliationRead,
    SettlementRead,
    TreatmentPlace,
    settlement_read,
)
from cityservices.insurance.vocabulary import PSN_TYPE_ZH, psn_group
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.calendar import CHINA_TZ
from cityservices.kit.money import Money


def _engine(claim_request: ClaimRequest, facts: MemberFacts, counters: Counters, book: RuleBook) -> Settlement:
    try:
        return settle_claim(claim_request.to_claim(), facts, counters, book)
    except ClaimInvalid as exc:
        raise RequestInvalid(exc.field, exc.message) from None


def pre_settle(session: Session, claim_request: ClaimRequest, *, book: RuleBook) -> SettlementRead:
    """What the settlement would be now; no counter, account or settlement row is touched (预结算)."""
    facts = members.member_facts(session, claim_request.psn_no, claim_request.setl_date, lock=False)
    counters = members.current_counters(session, claim_request.psn_no, claim_request.setl_date.year)
    result = _engine(claim_request, facts, counters, book)
    return settlement_read(result, psn_no=claim_request.psn_no, setl_date=claim_request.setl_date)


def _request_hash(claim_request: ClaimRequest) -> str:
    canonical = json.dumps(claim_request.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored_read(row: InsuranceSettlement) -> SettlementRead:
    read = SettlementRead.model_validate(row.result)
    return read.model_copy(update={"setl_id": row.setl_id, "status": row.status})


def settle(
    session: Session,
    claim_request: ClaimRequest,
    *,
    request_id: str,
    book: RuleBook,
    actor: Actor,
    demo: bool = False,
    place: TreatmentPlace | None = None,
) -> SettlementRead:
    """Settle and record; the same request id answers the stored settlement again (a different body: 409). A
    settlement at a place of treatment elsewhere stores ``place``: its filing step leads the trace."""
    if not 8 <= len(request_id) <= 64:
        raise RequestInvalid("request_id", "请求编号应为 8–64 个字符")
    digest = _request_hash(claim_request)
    existing = repository.by_request_id(session, request_id)
    if existing is not None:
        if existing.request_hash != digest:
            raise Conflict(f"请求编号 {request_id} 已用于另一笔结算")
        return _stored_read(existing)
    facts = members.member_facts(session, claim_request.psn_no, claim_request.setl_date, lock=True)
    counter_row, counters = members.locked_counters(session, claim_request.psn_no, claim_request.setl_date.year)
    result = _engine(claim_request, facts, counters, book)
    setl_id = uuid.uuid4().hex
    members.store_counters(counter_row, counters.apply(result.delta))
    if result.acct_pay:
        members.move_account(
            session, facts.psn_no, -result.acct_pay, kind=f"settle_{claim_request.med_type}", ref=setl_id
        )
    read = settlement_read(result, psn_no=claim_request.psn_no, setl_date=claim_request.setl_date)
    if place is not None:
        read = read.model_copy(update={"trace": [place.step, *read.trace]})
    repository.add_settlement(
        session,
        InsuranceSettlement(
            setl_id=setl_id,
            request_id=request_id,
            request_hash=digest,
            psn_no=facts.psn_no,
            fixmedins_code=claim_request.fixmedins_code,
            med_type=claim_request.med_type,
            insutype=settled_insutype(claim_request.med_type, facts.insutype),
            setl_date=claim_request.setl_date,
            setl_time=utc_now(),
            status="settled",
            medfee_sumamt=result.medfee_sumamt.amount,
            fund_pay_sumamt=result.fund_pay_sumamt.amount,
            psn_part_amt=result.psn_part_amt.amount,
            acct_pay=result.acct_pay.amount,
            psn_cash_pay=result.psn_cash_pay.amount,
            result=read.model_dump(mode="json"),
            delta=delta_json(result.delta),
            rules_version=result.rules_version,
            demo=demo,
            hosp_lv=claim_request.hosp_lv,
            use_account=claim_request.use_account,
            elsewhere=claim_request.elsewhere,
            mdtrtarea_admvs=place.mdtrtarea_admvs if place else None,
            filing_status=place.filing_status if place else None,
            filing_id=place.filing_id if place else None,
        ),
        [(d.fund_pay_type, d.fund_payamt.amount) for d in result.setldetail],
        _line_rows(claim_request, result),
    )
    record_audit(
        session, actor=actor, action="insurance.settlement.settle", target_kind="settlement", target_key=setl_id
    )
    return read.model_copy(update={"setl_id": setl_id, "status": "settled"})


def _line_rows(claim_request: ClaimRequest, result: Settlement) -> list[dict[str, object]]:
    """The claim lines as sent, each with how the engine split it."""
    return [
        {
            "line_no": number,
            "code": sent.code,
            "name": sent.name,
            "chrgitm_lv": sent.chrgitm_lv,
            "unit_price": sent.unit_price.amount,
            "quantity": sent.quantity,
            "price_limit": sent.price_limit.amount if sent.price_limit is not None else None,
            "selfpay_prop": sent.selfpay_prop.value if sent.selfpay_prop is not None else None,
            "det_item_fee_sumamt": split.det_item_fee_sumamt.amount,
            "fulamt_ownpay_amt": split.fulamt_ownpay_amt.amount,
            "overlmt_selfpay": split.overlmt_selfpay.amount,
            "preselfpay_amt": split.preselfpay_amt.amount,
            "inscp_scp_amt": split.inscp_scp_amt.amount,
        }
        for number, (sent, split) in enumerate(zip(claim_request.lines, result.lines, strict=True), start=1)
    ]


def delta_json(delta: Counters) -> dict[str, object]:
    return {"year": delta.year, "admissions": delta.admissions} | {
        name: str(getattr(delta, name)) for name in members.COUNTER_FIELDS
    }


def delta_of(data: dict[str, object]) -> Counters:
    money = {name: Money(str(data[name])) for name in members.COUNTER_FIELDS}
    return Counters(year=int(str(data["year"])), admissions=int(str(data["admissions"])), **money)


def reverse(
    session: Session, setl_id: str, *, request_id: str, actor: Actor, region: str | None = None
) -> SettlementRead:
    """Take a settlement back (冲正): its counter delta and account use, with those of the re-settlement
    adjustments applied to it, are restored exactly."""
    if not 8 <= len(request_id) <= 64:
        raise RequestInvalid("request_id", "请求编号应为 8–64 个字符")
    row = repository.for_update(session, setl_id)
    if row is None or (region and members.outside_region(session, row.psn_no, region)):
        raise NotFound(f"没有结算 {setl_id}")
    if row.status == "reversed":
        if row.reversal_request_id == request_id:
            return _stored_read(row)
        raise Conflict(f"结算 {setl_id} 已冲正")
    if repository.by_reversal_request_id(session, request_id) is not None:
        raise Conflict(f"请求编号 {request_id} 已用于另一笔冲正")
    delta = delta_of(row.delta)
    acct_pay = Money(row.acct_pay)
    for adjustment in repository.adjustments_of(session, setl_id):  # re-settlement adjustments go back too
        delta = delta.apply(delta_of(adjustment.delta))
        acct_pay += Money(adjustment.acct_pay_diff)
    counter_row, counters = members.locked_counters(session, row.psn_no, delta.year)
    members.store_counters(counter_row, counters.apply(delta, -1))
    if acct_pay:
        members.move_account(session, row.psn_no, acct_pay, kind="reversal", ref=setl_id)
    row.status = "reversed"
    row.reversal_request_id = request_id
    row.reversed_at = utc_now()
    record_audit(
        session, actor=actor, action="insurance.settlement.reverse", target_kind="settlement", target_key=setl_id
    )
    return _stored_read(row)


def reconcile(session: Session, day: dt.date, declared: list[DeclaredTotals] | None = None) -> ReconciliationRead:
    """The day's totals per institution and fund (3201 / 3202), compared with what institutions declared."""
    funds: dict[str, dict[str, str]] = {}
    fund_sums: dict[str, Decimal] = {}
    for code, fund, total in repository.fund_totals(session, day):
        funds.setdefault(code, {})[fund] = str(Money(total))
        fund_sums[code] = fund_sums.get(code, Decimal(0)) + total
    reversed_counts = repository.reversed_count(session, day)
    by_code = {d.fixmedins_code: d for d in declared or []}
    rows = []
    for totals in repository.institution_totals(session, day):
        code = totals["fixmedins_code"]
        amounts = {k: Money(totals[k]) for k in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay")}
        claim = by_code.get(code)
        match = None
        if claim is not None:
            match = (claim.count, claim.medfee_sumamt, claim.fund_pay_sumamt, claim.acct_pay) == (
                totals["count"],
                amounts["medfee_sumamt"],
                amounts["fund_pay_sumamt"],
                amounts["acct_pay"],
            )
        rows.append(
            InstitutionTotals(
                fixmedins_code=code,
                count=totals["count"],
                reversed=reversed_counts.get(code, 0),
                **{k: str(v) for k, v in amounts.items()},
                funds=funds.get(code, {}),
                balanced=Money(fund_sums.get(code, Decimal(0))) == amounts["fund_pay_sumamt"],
                declared_match=match,
            )
        )
    return ReconciliationRead(day=day, institutions=rows, adjustments=_adjustment_totals(session, day))


ADJUSTMENT_KIND_ZH = {"pay": "补付", "reclaim": "追回", "counters": "仅调整累计"}


def _adjustment_totals(session: Session, day: dt.date) -> list[AdjustmentTotals]:
    """Adjustments recorded on ``day`` in Beijing time (they are dated when applied, not by the stay)."""
    start = dt.datetime.combine(day, dt.time(), CHINA_TZ).astimezone(dt.UTC)  # stored in UTC
    return [
        AdjustmentTotals(
            fixmedins_code=row["fixmedins_code"],
            kind=row["kind"],
            kind_zh=ADJUSTMENT_KIND_ZH.get(row["kind"], row["kind"]),
            count=int(row["count"]),
            **{k: str(Money(row[k])) for k in ("fund_pay_diff", "acct_pay_diff", "cash_pay_diff")},
        )
        for row in repository.adjustment_totals(session, start, start + dt.timedelta(days=1))
    ]


def count_settlements(session: Session) -> int:
    return repository.count_settlements(session)


def estimate(data: EstimateRequest, *, book: RuleBook, today: dt.date) -> SettlementRead:
    """The public estimator: what a member of ``psn_type`` would pay for these amounts (no person, nothing stored)."""
    if data.psn_type not in PSN_TYPE_ZH:
        raise RequestInvalid("psn_type", f"未知的人员类别 {data.psn_type}")
    total = data.class_a + data.class_b + data.outside
    if not total:
        raise RequestInvalid("class_a", "请至少填写一项费用")
    day = data.setl_date or today
    insutype = "390" if psn_group(data.psn_type) == "resident" else "310"
    lines = tuple(
        ClaimLine(code=code, name=name, chrgitm_lv=lv, unit_price=amount, quantity=Decimal(1))  # type: ignore[arg-type]
        for code, name, lv, amount in (
            ("A", "甲类费用", "01", data.class_a),
            ("B", "乙类费用", "02", data.class_b),
            ("C", "目录外费用", "03", data.outside),
        )
        if amount
    )
    claim = Claim(setl_date=day, med_type=data.med_type, hosp_lv=data.hosp_lv, lines=lines, use_account=False)
    facts = MemberFacts(
        psn_no="-",
        psn_type=data.psn_type,
        insutype=insutype,
        civil_servant=data.civil_servant and insutype == "310",
    )
    counters = Counters(year=day.year, admissions=data.admissions_before)
    try:
        result = settle_claim(claim, facts, counters, book)
    except ClaimInvalid as exc:
        raise RequestInvalid(exc.field, exc.message) from None
    return settlement_read(result, psn_no="-", setl_date=day)


def delete_demo(session: Session) -> None:
    repository.delete_demo(session)


def settlement_fhir(session: Session, setl_id: str, *, actor: Actor, region: str | None = None) -> dict[str, object]:
    """The stored settlement as a FHIR ExplanationOfBenefit (404 outside the region scope); the read is audited
    with the member as its target."""
    from cityservices.insurance.settlement.fhir import explanation_of_benefit

    row = repository.get(session, setl_id)
    if row is None or (region and members.outside_region(session, row.psn_no, region)):
        raise NotFound(f"没有结算 {setl_id}")
    members.audit_member_read(session, actor=actor, action="insurance.settlement.fhir", psn_no=row.psn_no,
                              setl_id=setl_id)  # fmt: skip
    return explanation_of_benefit(_stored_read(row), fixmedins_code=row.fixmedins_code, insutype=row.insutype)
