"""The member's own archive (rules only, never commits). Every read is scoped by the signed-in citizen's ID
number and audited (``insurance.archive.read``); answers mask the ID number and the name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

from sqlalchemy.orm import Session

from cityservices.errors import NotFound
from cityservices.insurance.archive import repository
from cityservices.insurance.archive.schemas import (
    AdjustmentRead,
    ArchiveRead,
    CertificateSummaryRead,
    ContributionRead,
    CounterLineRead,
    CountersSummaryRead,
    MaternitySummaryRead,
    MovementRead,
    RelationRead,
    SettlementSummaryRead,
    StatusStepRead,
)
from cityservices.insurance.certificates import service as certificates
from cityservices.insurance.certificates.models import InsuranceCertificate
from cityservices.insurance.filings import service as filings
from cityservices.insurance.maternity import service as maternity
from cityservices.insurance.maternity.models import MaternityApplication
from cityservices.insurance.members.models import InsuranceMember
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.schemas import AnnualCapRule, DeductibleRule
from cityservices.insurance.settlement.models import InsuranceSettlement, InsuranceSettlementAdjustment
from cityservices.insurance.settlement.pages import plain
from cityservices.insurance.vocabulary import INSUTYPE_ZH, PSN_TYPE_ZH
from cityservices.kit.audit import Actor, record_audit
from cityservices.kit.calendar import to_china_time
from cityservices.kit.masking import mask_id_number, mask_name
from cityservices.kit.money import Money

STATUS_ZH: Final = {"1": "正常参保", "2": "暂停参保", "4": "终止参保"}
MOVEMENT_ZH: Final = {
    "contribution": "缴费划入",
    "settle_11": "门诊刷卡",
    "settle_21": "住院支付",
    "settle_14": "门诊慢特病支付",
    "reversal": "结算撤销退回",
    "mutual_aid": "家庭共济",
    "resettle": "重新结算调整",
}
MED_TYPE_ZH: Final = {"11": "门诊", "14": "门诊慢特病", "21": "住院", "51": "生育门诊", "52": "生育住院"}
POOL_FUND: Final = {"310": "310100", "390": "390100"}
MOVEMENTS_SHOWN = 200
CERTIFICATES_SHOWN = 20
CHANNEL_ZH: Final = {"citizen": "本人网上开具", "staff": "经办窗口开具", "open_api": "单位开具"}
CITIZEN_CHANNEL: Final = "citizen"
ZERO = Decimal("0.00")


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def _utc(moment: dt.datetime) -> dt.datetime:
    """Stored times are UTC; SQLite reads them back naive."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def own_member_or_404(session: Session, certno: str) -> InsuranceMember:
    member = repository.own_member(session, certno)
    if member is None:
        raise NotFound("没有找到您的参保记录")
    return member


def basic_insutype(session: Session, certno: str, today: dt.date) -> str | None:
    """The basic insurance (310 employees, 390 residents) in force this month, if any."""
    current: dict[str, str] = {}
    for insutype, month, status in repository.own_statuses(session, certno):
        if month <= today:
            current[insutype] = status
    active = {t for t, s in current.items() if s == "1"}
    return "310" if "310" in active else "390" if "390" in active else None


def relations_of(session: Session, certno: str, today: dt.date) -> list[RelationRead]:
    history: dict[str, list[StatusStepRead]] = {}
    for insutype, month, status in repository.own_statuses(session, certno):
        step = StatusStepRead(effective_month=month, status=status, status_label=STATUS_ZH.get(status, status))
        history.setdefault(insutype, []).append(step)
    reads = []
    for relation in repository.own_relations(session, certno):
        steps = history.get(relation.insutype, [])
        now = [s for s in steps if s.effective_month <= today]
        reads.append(RelationRead(
            insutype=relation.insutype, insutype_label=INSUTYPE_ZH.get(relation.insutype, relation.insutype),
            crt_insu_date=relation.crt_insu_date, current_status_label=now[-1].status_label if now else "尚未生效",
            history=steps,
        ))  # fmt: skip
    return reads


ADJUSTMENT_ZH: Final = {"pay": "补付", "reclaim": "追回", "counters": "累计更正"}


def adjustment_read(row: InsuranceSettlementAdjustment) -> AdjustmentRead:
    """What a re-settlement changed, in the member's words: who owes whom and where the money goes."""
    fund, acct, cash = Money(row.fund_pay_diff), Money(row.acct_pay_diff), Money(row.cash_pay_diff)
    parts = []
    if row.kind == "pay":
        parts.append(f"按调整后的政策重新结算，医保应多支付 ¥{fund}")
    elif row.kind == "reclaim":
        parts.append(f"按调整后的政策重新结算，医保应少支付 ¥{-fund}")
    else:
        parts.append("按调整后的政策重新结算，金额不变，只更正了年度累计")
    if acct.is_negative:
        parts.append(f"退回个人账户 ¥{-acct}")
    elif acct:
        parts.append(f"从个人账户扣回 ¥{acct}")
    if cash.is_negative:
        parts.append(f"以现金补给您 ¥{-cash}")
    elif cash:
        parts.append(f"需由您补缴现金 ¥{cash}")
    return AdjustmentRead(
        at=to_china_time(_utc(row.created_at)), kind=row.kind, kind_label=ADJUSTMENT_ZH.get(row.kind, "调整"),
        fund_pay_diff=str(fund), acct_pay_diff=str(acct), cash_pay_diff=str(cash), text="，".join(parts) + "。",
    )  # fmt: skip


def settlement_summary(
    row: InsuranceSettlement, adjustments: list[InsuranceSettlementAdjustment] | None = None
) -> SettlementSummaryRead:
    trace = [plain(str(step.get("text", ""))) for step in row.result.get("trace", [])]
    return SettlementSummaryRead(
        setl_id=row.setl_id, setl_date=row.setl_date, med_type_label=MED_TYPE_ZH.get(row.med_type, row.med_type),
        status_label="已撤销" if row.status == "reversed" else "已结算", medfee_sumamt=_money(row.medfee_sumamt),
        fund_pay_sumamt=_money(row.fund_pay_sumamt), acct_pay=_money(row.acct_pay),
        psn_cash_pay=_money(row.psn_cash_pay), trace=trace,
        adjustments=[adjustment_read(a) for a in adjustments or []],
        elsewhere=filings.place_label(row.mdtrtarea_admvs, row.filing_status) if row.mdtrtarea_admvs else None,
    )  # fmt: skip


def counters_of(session: Session, certno: str, *, year: int, book: RuleBook, today: dt.date) -> CountersSummaryRead:
    """This year's outpatient deductible and pooled-fund cap: the rule row's figure, used, remaining."""
    row = repository.own_counters(session, certno, year)
    insutype = basic_insutype(session, certno, today)
    day = max(dt.date(year, 1, 1), min(today, dt.date(year, 12, 31)))
    lines: list[CounterLineRead] = []
    if insutype is not None:
        deductible = book.find(DeductibleRule, (insutype, "outpatient", "1", "1"), day)
        if deductible is not None:
            used = row.dedc_year_outpatient if row else ZERO
            lines.append(_line("门诊统筹起付线", deductible.amount.amount, used, deductible.id, deductible.verified))
        cap = book.find(AnnualCapRule, (POOL_FUND[insutype],), day)
        if cap is not None:
            paid = row.hifp_paid if row else ZERO
            lines.append(_line("统筹基金年度最高支付限额", cap.amount.amount, paid, cap.id, cap.verified))
    fund_paid = (
        sum((getattr(row, f) for f in ("hifp_paid", "layer_paid", "cvlserv_paid", "maf_paid")), ZERO) if row else ZERO
    )
    return CountersSummaryRead(year=year, admissions=row.admissions if row else 0, insutype=insutype, lines=lines,
                               fund_paid=_money(fund_paid))  # fmt: skip


def _line(name: str, limit: Decimal, used: Decimal, rule_id: str, verified: bool) -> CounterLineRead:
    remaining = max(Decimal(limit) - Decimal(used), ZERO)
    return CounterLineRead(name=name, limit=_money(limit), used=_money(used), remaining=_money(remaining),
                           rule_id=rule_id, example_parameter=not verified)  # fmt: skip


def _settlements(session: Session, certno: str, start: dt.date, end: dt.date) -> list[SettlementSummaryRead]:
    rows = repository.own_settlements(session, certno, start, end)
    adjustments: dict[str, list[InsuranceSettlementAdjustment]] = {}
    for adjustment in repository.own_adjustments(session, certno, [r.setl_id for r in rows]):
        adjustments.setdefault(adjustment.setl_id, []).append(adjustment)
    return [settlement_summary(r, adjustments.get(r.setl_id)) for r in rows]


def read_own_archive(
    session: Session, *, certno: str, year: int, book: RuleBook, today: dt.date, actor: Actor
) -> ArchiveRead:
    """The signed-in member's archive for ``year`` (contributions, movements and settlements of that year)."""
    member = own_member_or_404(session, certno)
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    moment = dt.datetime(year, 1, 1, tzinfo=dt.UTC) - dt.timedelta(hours=8)  # Beijing new year
    account = repository.own_account(session, certno)
    record_audit(session, actor=actor, action="insurance.archive.read", target_kind="member",
                 target_key=member.psn_no, detail={"year": year})  # fmt: skip
    return ArchiveRead(
        psn_no=member.psn_no, name_masked=mask_name(member.psn_name) or "", certno_masked=mask_id_number(certno) or "",
        psn_type_label=PSN_TYPE_ZH.get(member.psn_type, member.psn_type), demo=member.demo, year=year,
        balance=_money(account.balance if account else ZERO),
        relations=relations_of(session, certno, today),
        contributions=[
            ContributionRead(month=c.month, insutype=c.insutype, insutype_label=INSUTYPE_ZH.get(c.insutype, c.insutype),
                             base=_money(c.base), employer_amt=_money(c.employer_amt),
                             employee_amt=_money(c.employee_amt), account_amt=_money(c.account_amt))
            for c in repository.own_contributions(session, certno, start, end)
        ],
        movements=[
            MovementRead(at=to_china_time(_utc(m.at)), kind=m.kind, kind_label=MOVEMENT_ZH.get(m.kind, "其他"),
                         amount=_money(m.amount), balance_after=_money(m.balance_after))
            for m in repository.own_movements(session, certno, moment, moment.replace(year=year + 1),
                                              limit=MOVEMENTS_SHOWN)
        ],
        settlements=_settlements(session, certno, start, end),
        counters=counters_of(session, certno, year=year, book=book, today=today),
        filings=filings.member_filings(session, member.psn_no, actor=actor),
        certificates=[certificate_summary(c) for c in repository.own_certificates(session, certno,
                                                                                  limit=CERTIFICATES_SHOWN)],
        maternity=[maternity_summary(session, m) for m in repository.own_maternity(session, certno)],
    )  # fmt: skip


def certificate_summary(row: InsuranceCertificate) -> CertificateSummaryRead:
    return CertificateSummaryRead(cert_no=row.cert_no, issued_at=to_china_time(_utc(row.issued_at)),
                                  channel_label=CHANNEL_ZH.get(row.channel, "其他渠道"),
                                  revoked=row.revoked_at is not None)  # fmt: skip


def maternity_summary(session: Session, row: MaternityApplication) -> MaternitySummaryRead:
    read = maternity.application_read(session, row)
    return MaternitySummaryRead(application_no=read.application_no, birth_date=read.birth_date,
                                birth_kind_label=read.birth_kind_label, days=read.days, amount=read.amount,
                                status_label=read.status_label, example_parameters=read.example_parameters)  # fmt: skip


def issue_own_certificate(session: Session, *, certno: str, actor: Actor, now: dt.datetime) -> InsuranceCertificate:
    """A new 参保证明 for the signed-in member, issued by the certificates service (audited)."""
    member = own_member_or_404(session, certno)
    row = certificates.issue(session, psn_no=member.psn_no, channel=CITIZEN_CHANNEL, issued_by=actor.name, now=now)
    record_audit(session, actor=actor, action="insurance.certificate.issue", target_kind="certificate",
                 target_key=row.cert_no, detail={"psn_no": member.psn_no, "channel": CITIZEN_CHANNEL})  # fmt: skip
    return row
