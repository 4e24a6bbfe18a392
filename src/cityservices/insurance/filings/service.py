"""Filing rules in use: file, change, cancel and list filings (异地就医备案); the ratio preview; settlement at the
place of treatment through the core engine, with the filing situation as the first step of the trace.

Never commits; every operation on a member's filings is audited by the caller's actor."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Final

from sqlalchemy.orm import Session

from cityservices.errors import Conflict, NotFound, RequestInvalid, RuleViolation
from cityservices.insurance.filings import repository
from cityservices.insurance.filings.models import InsuranceFiling
from cityservices.insurance.filings.rules import (
    QINGDAO,
    Category,
    FilingRules,
    filing_rules,
    region_name,
    region_prefix,
)
from cityservices.insurance.filings.schemas import (
    CategoryRead,
    DocumentOption,
    ElsewhereSettlementRead,
    ElsewhereSettleRequest,
    FilingChange,
    FilingCreate,
    FilingRead,
    PreviewRead,
    RatioPreview,
)
from cityservices.insurance.members import service as members
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.settlement import service as settlement
from cityservices.insurance.settlement.claims import Claim, ClaimInvalid, ClaimLine, Counters, MemberFacts
from cityservices.insurance.settlement.engine import settle_claim
from cityservices.insurance.settlement.schemas import SettlementRead, TraceStepRead, TreatmentPlace, settlement_read
from cityservices.insurance.vocabulary import EXAMPLE_MARK, ElsewhereKind, HospLevel, psn_group
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.money import Money

NOMINAL = Money("10000.00")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has 28 days


def categories() -> list[CategoryRead]:
    rules = filing_rules()
    return [
        CategoryRead(
            code=c.code,
            name=c.name,
            term=c.term,
            documents=[
                DocumentOption(kinds=option, labels=[rules.documents[k] for k in option]) for option in c.documents
            ],
            validity_months=c.validity_months,
            min_stay_months=c.min_stay_months,
            change_rule=c.change_rule,
            cancel_rule=c.cancel_rule,
            source=c.source,
            verified=c.verified,
            marking=c.marking,
            note=c.note,
        )
        for c in rules.categories
    ]


def filing_read(row: InsuranceFiling) -> FilingRead:
    category = filing_rules().category(row.category)
    return FilingRead(
        filing_id=row.filing_id,
        psn_no=row.psn_no,
        category=row.category,
        category_name=category.name,
        mdtrtarea_admvs=row.mdtrtarea_admvs,
        mdtrtarea_name=region_name(row.mdtrtarea_admvs) or row.mdtrtarea_admvs,
        begin_date=row.begin_date,
        end_date=row.end_date,
        admission_date=row.admission_date,
        documents=list(row.documents),
        status=row.status,
        cancelled_on=row.cancelled_on,
        replaced_by=row.replaced_by,
        earliest_change=add_months(row.begin_date, category.min_stay_months),
        marking=category.marking,
        demo=row.demo,
    )


def _treatment_place(admdvs: str) -> str:
    name = region_name(admdvs)
    if name is None:
        raise RequestInvalid("mdtrtarea_admvs", f"未知的就医地区划代码 {admdvs}")
    if admdvs.startswith(QINGDAO[:4]):
        raise RuleViolation("就医地在参保地（青岛市）内，不属于异地就医，无需备案")
    return name


def _check_documents(rules: FilingRules, category: Category, given: list[str]) -> None:
    unknown = sorted(set(given) - set(rules.documents))
    if unknown:
        raise RequestInvalid("documents", f"不是本类备案可交的材料：{'、'.join(unknown)}")
    if not any(set(option) <= set(given) for option in category.documents):
        needed = " 或 ".join("、".join(rules.documents[k] for k in option) for option in category.documents)
        raise RuleViolation(f"{category.name}备案需提交：{needed}")


def _check_dates(rules: FilingRules, data: FilingCreate, today: dt.date) -> None:
    if data.begin_date > today + dt.timedelta(days=rules.max_days_ahead):
        raise RequestInvalid("begin_date", f"开始日期最多可提前 {rules.max_days_ahead} 天")
    if data.admission_date is None:
        if data.begin_date < today:
            raise RequestInvalid("begin_date", "开始日期不能早于今天；已入院未出院的请填写入院日期补办备案")
        return
    earliest = today - dt.timedelta(days=rules.before_discharge.max_days_before_today)
    if not earliest <= data.admission_date <= today:
        raise RequestInvalid("admission_date", f"入院日期应在 {earliest} 至今天之间")
    if data.begin_date > data.admission_date:
        raise RequestInvalid("begin_date", "补办备案的开始日期不能晚于入院日期")
    if data.begin_date < earliest:
        raise RequestInvalid("begin_date", f"开始日期不能早于 {earliest}")


def _end_date(category: Category, data: FilingCreate) -> dt.date | None:
    if category.validity_months is None:
        if data.end_date is not None:
            raise RequestInvalid("end_date", f"{category.name}备案长期有效，不填结束日期")
        return None
    latest = add_months(data.begin_date, category.validity_months)
    if data.end_date is None:
        return latest
    if not data.begin_date <= data.end_date <= latest:
        raise RequestInvalid(
            "end_date", f"结束日期应在开始日期至 {latest} 之间（有效期 {category.validity_months} 个月）"
        )
    return data.end_date


def _overlaps(row: InsuranceFiling, begin: dt.date, end: dt.date | None) -> bool:
    if row.status != "active":
        return False
    return (row.end_date is None or row.end_date >= begin) and (end is None or row.begin_date <= end)


def create_filing(
    session: Session, data: FilingCreate, *, actor: Actor, today: dt.date, region: str | None = None, demo: bool = False
) -> FilingRead:
    """File (备案) for a member; refused clearly on a wrong place, date, document set or an overlapping filing."""
    rules = filing_rules()
    members.member_or_404(session, data.psn_no, region=region)
    category = rules.category(data.category)
    _treatment_place(data.mdtrtarea_admvs)
    _check_documents(rules, category, data.documents)
    _check_dates(rules, data, today)
    end = _end_date(category, data)
    for other in repository.of_member(session, data.psn_no):
        if _overlaps(other, data.begin_date, end):
            raise Conflict(f"已有有效期重叠的备案 {other.filing_id}，请先变更或取消")
    row = InsuranceFiling(
        filing_id=uuid.uuid4().hex,
        psn_no=data.psn_no,
        category=data.category,
        mdtrtarea_admvs=data.mdtrtarea_admvs,
        begin_date=data.begin_date,
        end_date=end,
        admission_date=data.admission_date,
        documents=sorted(set(data.documents)),
        status="active",
        dcla_souc=data.dcla_souc,
        created_at=utc_now(),
        created_by=actor.name,
        demo=demo,
    )
    repository.add(session, row)
    record_audit(
        session, actor=actor, action="insurance.filing.create", target_kind="member", target_key=data.psn_no,
        detail={"filing_id": row.filing_id, "category": data.category},
    )  # fmt: skip
    return filing_read(row)


def own_filing(session: Session, filing_id: str, region: str | None) -> InsuranceFiling:
    row = repository.get(session, filing_id, lock=True)
    if row is None or (region and members.outside_region(session, row.psn_no, region)):
        raise NotFound(f"没有备案 {filing_id}")
    return row


def _check_may_end(row: InsuranceFiling, today: dt.date) -> Category:
    category = filing_rules().category(row.category)
    if row.status != "active":
        raise Conflict(f"备案 {row.filing_id} 已{'取消' if row.status == 'cancelled' else '变更'}")
    earliest = add_months(row.begin_date, category.min_stay_months)
    if category.min_stay_months and today < earliest:
        raise RuleViolation(
            f"{category.name}备案满 {category.min_stay_months} 个月后才能变更或取消，最早 {earliest}"
            + ("" if category.verified else f"（{EXAMPLE_MARK}）")
        )
    return category


def cancel_filing(
    session: Session, filing_id: str, *, actor: Actor, today: dt.date, region: str | None = None
) -> FilingRead:
    """Cancel (取消备案) from today, once the minimum stay has passed."""
    row = own_filing(session, filing_id, region)
    _check_may_end(row, today)
    row.status, row.cancelled_on = "cancelled", max(today, row.begin_date)
    record_audit(session, actor=actor, action="insurance.filing.cancel", target_kind="member", target_key=row.psn_no)
    return filing_read(row)


def change_filing(
    session: Session, filing_id: str, data: FilingChange, *, actor: Actor, today: dt.date, region: str | None = None
) -> FilingRead:
    """Change the treatment place (变更): the old filing ends the day the new one begins; a temporary filing keeps
    its end date."""
    row = own_filing(session, filing_id, region)
    category = _check_may_end(row, today)
    _treatment_place(data.mdtrtarea_admvs)
    if not today <= data.begin_date <= today + dt.timedelta(days=filing_rules().max_days_ahead):
        raise RequestInvalid("begin_date", "变更后的开始日期应在今天至 90 天内")
    if row.end_date is not None and data.begin_date > row.end_date:
        raise RequestInvalid("begin_date", f"变更后的开始日期不能晚于原备案结束日期 {row.end_date}")
    new = InsuranceFiling(
        filing_id=uuid.uuid4().hex,
        psn_no=row.psn_no,
        category=category.code,
        mdtrtarea_admvs=data.mdtrtarea_admvs,
        begin_date=data.begin_date,
        end_date=row.end_date,
        admission_date=None,
        documents=list(row.documents),
        status="active",
        dcla_souc=row.dcla_souc,
        created_at=utc_now(),
        created_by=actor.name,
        demo=row.demo,
    )
    repository.add(session, new)
    row.status, row.cancelled_on, row.replaced_by = "replaced", data.begin_date, new.filing_id
    record_audit(session, actor=actor, action="insurance.filing.change", target_kind="member", target_key=row.psn_no)
    return filing_read(new)


def member_filings(session: Session, psn_no: str, *, actor: Actor, region: str | None = None) -> list[FilingRead]:
    members.member_or_404(session, psn_no, region=region)
    members.audit_member_read(session, actor=actor, action="insurance.filing.read", psn_no=psn_no)
    return [filing_read(row) for row in repository.of_member(session, psn_no)]


def _nominal(
    facts: MemberFacts, kind: ElsewhereKind | None, *, on: dt.date, hosp_lv: HospLevel, med_type: str, book: RuleBook
) -> SettlementRead:
    line = ClaimLine(code="N", name="符合政策范围费用", chrgitm_lv="01", unit_price=NOMINAL, quantity=Decimal(1))
    claim = Claim(setl_date=on, med_type=med_type, hosp_lv=hosp_lv, lines=(line,), use_account=False, elsewhere=kind)
    try:
        result = settle_claim(claim, facts, Counters(year=on.year), book)
    except ClaimInvalid as exc:
        raise RequestInvalid(exc.field, exc.message) from None
    return settlement_read(result, psn_no=facts.psn_no, setl_date=on)


def preview_ratios(
    facts: MemberFacts, *, on: dt.date, hosp_lv: HospLevel, med_type: str, book: RuleBook
) -> PreviewRead:
    """Per category (and for treatment without filing): the pooled-fund ratio there against at home, and what the
    fund would pay of a nominal ¥10,000 within policy scope — computed by the settlement engine itself."""
    rules = filing_rules()
    home = _nominal(facts, None, on=on, hosp_lv=hosp_lv, med_type=med_type, book=book)
    rows: list[tuple[str, str, ElsewhereKind | None, bool]] = [
        (c.code, c.name, c.elsewhere_kind, True) for c in rules.categories
    ]
    rows.append(("unfiled", "未备案", rules.unfiled.reimburse_as, rules.unfiled.direct_settlement))
    previews = []
    for code, name, kind, direct in rows:
        there = _nominal(facts, kind, on=on, hosp_lv=hosp_lv, med_type=med_type, book=book)
        local, away = Decimal(home.pool_prop_selfpay), Decimal(there.pool_prop_selfpay)
        texts = [s.text for s in there.trace if s.step in ("ratio", "elsewhere")]
        if code == "unfiled":
            texts.insert(0, _unfiled_text(rules))
        previews.append(
            RatioPreview(
                category=code,
                category_name=name,
                direct_settlement=direct,
                pool_ratio_local=home.pool_prop_selfpay,
                pool_ratio_elsewhere=there.pool_prop_selfpay,
                reduction_points=f"{local - away:.4f}",
                nominal_amount=str(NOMINAL),
                fund_pay_local=home.fund_pay_sumamt,
                fund_pay_elsewhere=there.fund_pay_sumamt,
                explanation=texts,
                example_parameters=there.example_parameters or (code == "unfiled" and not rules.unfiled.verified),
            )
        )
    return PreviewRead(psn_type=facts.psn_type, hosp_lv=hosp_lv, med_type=med_type, on=on, previews=previews)


def facts_for_type(psn_type: str) -> MemberFacts:
    """A hypothetical member of ``psn_type`` (the public preview: no person)."""
    return MemberFacts(psn_no="-", psn_type=psn_type, insutype="390" if psn_group(psn_type) == "resident" else "310")


def member_preview(
    session: Session, psn_no: str, *, on: dt.date, hosp_lv: HospLevel, med_type: str, book: RuleBook,
    actor: Actor, region: str | None = None,
) -> PreviewRead:  # fmt: skip
    members.member_or_404(session, psn_no, region=region)
    facts = members.member_facts(session, psn_no, on)
    members.audit_member_read(session, actor=actor, action="insurance.filing.preview", psn_no=psn_no)
    return preview_ratios(facts, on=on, hosp_lv=hosp_lv, med_type=med_type, book=book)


def _unfiled_text(rules: FilingRules) -> str:
    mark = "" if rules.unfiled.verified else f"（{EXAMPLE_MARK}）"
    return "未办理异地就医备案：在就医地不能直接结算，需先行垫付，回参保地按临时外出就医报销" + mark


def _situation(
    session: Session, psn_no: str, admdvs: str, day: dt.date, med_type: str
) -> tuple[str, InsuranceFiling | None, ElsewhereKind | None]:
    rules = filing_rules()
    for row in repository.active_on(session, psn_no, day):
        if admdvs.startswith(region_prefix(row.mdtrtarea_admvs)):
            return "filed", row, rules.category(row.category).elsewhere_kind
    if med_type in rules.emergency.med_types:
        return "emergency", None, rules.emergency.elsewhere_kind
    return "unfiled", None, rules.unfiled.reimburse_as


FILING_STATUS_ZH: Final = {"filed": "已备案", "emergency": "急诊抢救，视同已备案", "unfiled": "未备案"}


def place_label(mdtrtarea_admvs: str, filing_status: str | None) -> str:
    """A stored settlement elsewhere in a few words: where, and under which filing situation."""
    place = region_name(mdtrtarea_admvs) or mdtrtarea_admvs
    return f"在{place}就医（{FILING_STATUS_ZH.get(filing_status or '', '备案情况不明')}）"


def _filing_step(status: str, row: InsuranceFiling | None, place: str) -> TraceStepRead:
    rules = filing_rules()
    policy = f"按就医地（{place}）目录、参保地（青岛市）政策结算"
    if status == "filed" and row is not None:
        category = rules.category(row.category)
        until = f"至 {row.end_date}" if row.end_date else "长期有效"
        late = f"，出院前补办（入院 {row.admission_date}）" if row.admission_date else ""
        text = f"异地就医备案：{category.name}，就医地 {place}，{row.begin_date} 起{until}{late}；{policy}"
    elif status == "emergency":
        text = f"异地急诊抢救，视同已备案（{rules.emergency.source}）；{policy}"
    else:
        text = f"{_unfiled_text(rules)}；以下为参保地报销估算，未结算、未记账"
    return TraceStepRead(step="filing", text=text, rule_ids=[])


def settle_elsewhere(
    session: Session, data: ElsewhereSettleRequest, *, request_id: str, book: RuleBook, actor: Actor,
    region: str | None = None,
) -> ElsewhereSettlementRead:  # fmt: skip
    """Direct settlement at the place of treatment (filed or emergency) through the settlement service; unfiled
    treatment is not settled: the answer is the reimbursement estimate with the reason first in the trace."""
    claim = data.claim
    members.member_or_404(session, claim.psn_no, region=region)
    place = _treatment_place(data.mdtrtarea_admvs)
    status, row, kind = _situation(session, claim.psn_no, data.mdtrtarea_admvs, claim.setl_date, claim.med_type)
    claim = claim.model_copy(update={"elsewhere": kind})
    step = _filing_step(status, row, place)
    if status == "unfiled" and not filing_rules().unfiled.direct_settlement:
        result = settlement.pre_settle(session, claim, book=book)
        result = result.model_copy(update={"trace": [step, *result.trace]})
        members.audit_member_read(session, actor=actor, action="insurance.filing.unfiled", psn_no=claim.psn_no)
        direct = False
    else:
        where = TreatmentPlace(mdtrtarea_admvs=data.mdtrtarea_admvs, filing_status=status,
                               filing_id=row.filing_id if row else None, step=step)  # fmt: skip
        result = settlement.settle(session, claim, request_id=request_id, book=book, actor=actor, place=where)
        direct = True
    return ElsewhereSettlementRead(
        filing_status=status,
        filing_id=row.filing_id if row else None,
        category=row.category if row else None,
        direct_settlement=direct,
        mdtrtarea_admvs=data.mdtrtarea_admvs,
        mdtrtarea_name=place,
        settlement=result,
    )


def count_filings(session: Session) -> int:
    return repository.count(session)


def delete_demo(session: Session) -> None:
    repository.delete_demo(session)
