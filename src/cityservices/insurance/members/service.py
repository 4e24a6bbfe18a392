"""Members, enrolment with monthly status, contributions, personal accounts and annual counters.

Rules, never commits. Bad input raises ``RequestInvalid`` naming the field, duplicates ``Conflict``; nothing is
written before every check has passed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final, Literal

from sqlalchemy.orm import Session

from cityservices.errors import Conflict, NotFound, RequestInvalid, RuleViolation
from cityservices.insurance.enterprises import service as enterprises
from cityservices.insurance.members import repository
from cityservices.insurance.members.models import (
    InsuranceAccount,
    InsuranceAccountMovement,
    InsuranceAnnualCounter,
    InsuranceContribution,
    InsuranceMember,
    InsuranceRelation,
    InsuranceRelationStatus,
)
from cityservices.insurance.members.schemas import (
    ContributionCreate,
    CountersRead,
    MemberCreate,
    MemberRead,
    RelationCreate,
)
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.schemas import ContributionBaseRule, ContributionRateRule
from cityservices.insurance.settlement.claims import Counters, MemberFacts
from cityservices.insurance.vocabulary import PSN_TYPE_ZH
from cityservices.kit.audit import Actor, record_audit, utc_now
from cityservices.kit.masking import mask_id_number, mask_name
from cityservices.kit.money import Money

Status = Literal["1", "2", "4"]
STATUS_ZH: Final = {"1": "正常参保", "2": "暂停参保", "4": "终止参保"}
COUNTER_FIELDS: Final = (
    "dedc_year_outpatient",
    "dedc_year_inpatient",
    "hifp_paid",
    "layer_paid",
    "cvlserv_paid",
    "maf_paid",
)


def audit_member_read(session: Session, *, actor: Actor, action: str, psn_no: str, **detail: object) -> None:
    """Record a read of one member's records with the member (``psn_no``) as the target, whatever record was read
    (the record's own key goes in ``detail``): the member's "who read my archive" finds staff reads by it."""
    record_audit(session, actor=actor, action=action, target_kind="member", target_key=psn_no, detail=detail)


def register_member(session: Session, data: MemberCreate, *, actor: Actor) -> InsuranceMember:
    if data.emp_no is not None and not enterprises.exists(session, data.emp_no):
        raise RequestInvalid("emp_no", f"单位 {data.emp_no} 不存在")
    if repository.get_member(session, data.psn_no) is not None:
        raise Conflict(f"人员编号 {data.psn_no} 已存在")
    if repository.member_with_certno(session, data.certno) is not None:
        raise Conflict("该身份证号码已登记")
    row = InsuranceMember(**data.model_dump(), psn_cert_type="01")
    repository.add(session, row)
    repository.add(session, InsuranceAccount(psn_no=data.psn_no, balance=Decimal("0.00")))
    record_audit(session, actor=actor, action="insurance.member.create", target_kind="member", target_key=data.psn_no)
    return row


def member_or_404(session: Session, psn_no: str, *, region: str | None = None) -> InsuranceMember:
    """The member, or 404 — also when outside the staff member's region scope (existence is not revealed)."""
    member = repository.get_member(session, psn_no, region=region)
    if member is None:
        raise NotFound(f"没有人员 {psn_no}")
    return member


def enrol(session: Session, data: RelationCreate) -> InsuranceRelation:
    """Enrol a member in an insurance type from ``crt_insu_date`` (status 1 from that month)."""
    member_or_404(session, data.psn_no)
    if repository.get_relation(session, data.psn_no, data.insutype) is not None:
        raise Conflict(f"已参加险种 {data.insutype}")
    relation = InsuranceRelation(**data.model_dump())
    repository.add(session, relation)
    month = data.crt_insu_date.replace(day=1)
    repository.add(session, InsuranceRelationStatus(relation_id=relation.id, effective_month=month, psn_insu_stas="1"))
    return relation


def change_status(session: Session, psn_no: str, insutype: str, *, month: dt.date, status: Status) -> None:
    """From ``month`` on, the relation has ``status`` (a row for that month is replaced)."""
    if status not in STATUS_ZH:
        raise RequestInvalid("psn_insu_stas", f"应为 {' / '.join(STATUS_ZH)}")
    relation = repository.get_relation(session, psn_no, insutype)
    if relation is None:
        raise NotFound(f"人员 {psn_no} 未参加险种 {insutype}")
    first = month.replace(day=1)
    if first < relation.crt_insu_date.replace(day=1):
        raise RequestInvalid("month", "早于参保日期")
    row = repository.status_row(session, relation.id, first)
    if row is None:
        repository.add(
            session, InsuranceRelationStatus(relation_id=relation.id, effective_month=first, psn_insu_stas=status)
        )
    else:
        row.psn_insu_stas = status


def statuses_on(session: Session, psn_no: str, day: dt.date) -> dict[str, str]:
    """Each insurance type → its status (1 / 2 / 4) in the month of ``day``."""
    return repository.statuses_on(session, psn_no, day.replace(day=1))


def status_history(session: Session, psn_no: str, insutype: str) -> list[tuple[dt.date, str]]:
    return repository.status_history(session, psn_no, insutype)


def member_facts(session: Session, psn_no: str, day: dt.date, *, lock: bool = False) -> MemberFacts:
    """What the settlement engine needs: the basic insurance in force on ``day``, subsidy, assistance, balance."""
    member = member_or_404(session, psn_no)
    active = {t for t, s in statuses_on(session, psn_no, day).items() if s == "1"}
    basic = "310" if "310" in active else "390" if "390" in active else None
    if basic is None:
        raise RuleViolation(f"人员 {psn_no} 在 {day.isoformat()} 没有有效的基本医疗保险参保状态")
    account = repository.account(session, psn_no, lock=lock)
    balance = Money(account.balance) if account is not None else Money(0)
    return MemberFacts(
        psn_no=psn_no,
        psn_type=member.psn_type,
        insutype=basic,
        account_balance=balance,
        civil_servant="320" in active,
        assistance=member.assistance,
    )


def move_account(session: Session, psn_no: str, amount: Money, *, kind: str, ref: str | None = None) -> Money:
    """Add (or, negative, take) an amount to the member's account, with a movement row; never below zero."""
    account = repository.account(session, psn_no, lock=True)
    if account is None:
        raise NotFound(f"人员 {psn_no} 没有个人账户")
    after = Money(account.balance) + amount
    if after.is_negative:
        raise RuleViolation("个人账户余额不足")
    account.balance = after.amount
    repository.add(
        session,
        InsuranceAccountMovement(
            psn_no=psn_no, at=utc_now(), kind=kind, amount=amount.amount, balance_after=after.amount, ref=ref
        ),
    )
    return after


def record_contribution(session: Session, data: ContributionCreate, *, book: RuleBook) -> InsuranceContribution:
    """One month's employee-basic contribution: base within bounds, shares by the rate rules, account allocation."""
    member_or_404(session, data.psn_no)
    if data.insutype != "310":
        raise RequestInvalid("insutype", "暂只登记职工基本医疗保险(310)的缴费")
    if statuses_on(session, data.psn_no, data.month).get("310") != "1":
        raise RuleViolation(f"{data.month:%Y-%m} 不在正常参保状态，不能登记缴费")
    if repository.contribution(session, data.psn_no, data.insutype, data.month) is not None:
        raise Conflict(f"{data.month:%Y-%m} 的缴费已登记")
    bounds = book.get(ContributionBaseRule, ("310",), data.month)
    if data.base < bounds.lower or data.base > bounds.upper:
        raise RequestInvalid(
            "base", f"缴费基数应在 {bounds.lower.yuan()} 与 {bounds.upper.yuan()} 之间（{bounds.citation()}）"
        )
    employer = book.get(ContributionRateRule, ("310", "employer"), data.month)
    employee = book.get(ContributionRateRule, ("310", "employee"), data.month)
    employee_amt = data.base * employee.ratio
    account_amt = data.account_amt if data.account_amt is not None else employee_amt
    row = InsuranceContribution(
        psn_no=data.psn_no,
        insutype="310",
        month=data.month,
        base=data.base.amount,
        employer_amt=(data.base * employer.ratio).amount,
        employee_amt=employee_amt.amount,
        account_amt=account_amt.amount,
        rule_ids=",".join((bounds.id, employer.id, employee.id)),
    )
    repository.add(session, row)
    if account_amt:
        move_account(session, data.psn_no, account_amt, kind="contribution", ref=f"{data.month:%Y%m}")
    return row


def to_counters(row: InsuranceAnnualCounter) -> Counters:
    values = {name: Money(getattr(row, name)) for name in COUNTER_FIELDS}
    return Counters(year=row.year, admissions=row.admissions, **values)


def locked_counters(session: Session, psn_no: str, year: int) -> tuple[InsuranceAnnualCounter, Counters]:
    row = repository.counters_for_update(session, psn_no, year)
    return row, to_counters(row)


def store_counters(row: InsuranceAnnualCounter, counters: Counters) -> None:
    row.admissions = counters.admissions
    for name in COUNTER_FIELDS:
        setattr(row, name, getattr(counters, name).amount)


def current_counters(session: Session, psn_no: str, year: int) -> Counters:
    """The counters of the year without locking or creating them (pre-settlement, reads)."""
    row = repository.counters(session, psn_no, year)
    return to_counters(row) if row is not None else Counters(year=year)


def read_counters(session: Session, psn_no: str, year: int, *, region: str | None = None) -> CountersRead:
    member_or_404(session, psn_no, region=region)
    row = repository.counters(session, psn_no, year)
    counters = to_counters(row) if row is not None else Counters(year=year)
    return CountersRead(
        year=year, admissions=counters.admissions, **{name: str(getattr(counters, name)) for name in COUNTER_FIELDS}
    )


def account_balance(session: Session, psn_no: str) -> Money:
    account = repository.account(session, psn_no, lock=False)
    return Money(account.balance) if account is not None else Money(0)


def account_movements(session: Session, psn_no: str) -> list[InsuranceAccountMovement]:
    return repository.account_movements(session, psn_no)


def member_read(member: InsuranceMember) -> MemberRead:
    """The masked view (ID number and name), for anyone but the member."""
    return MemberRead(
        psn_no=member.psn_no,
        psn_name=mask_name(member.psn_name) or "",
        certno=mask_id_number(member.certno) or "",
        psn_type=member.psn_type,
        psn_type_label=PSN_TYPE_ZH[member.psn_type],
        emp_no=member.emp_no,
        insuplc_admdvs=member.insuplc_admdvs,
        demo=member.demo,
    )


def stats(session: Session) -> dict[str, int]:
    return repository.count_rows(session)


def outside_region(session: Session, psn_no: str, region: str) -> bool:
    """True when the member is outside the region scope."""
    return repository.get_member(session, psn_no, region=region) is None


def contribution_amounts(book: RuleBook, month: dt.date, base: Money) -> tuple[Money, Money, str]:
    """Employer and employee shares of a 310 contribution for ``base`` (the rate rules in force that month)."""
    employer = book.get(ContributionRateRule, ("310", "employer"), month)
    employee = book.get(ContributionRateRule, ("310", "employee"), month)
    return base * employer.ratio, base * employee.ratio, f"{employer.id},{employee.id}"


def delete_demo(session: Session) -> None:
    repository.delete_demo(session)
    enterprises.delete_demo(session)


def coverage_fhir(session: Session, psn_no: str, *, on: dt.date, region: str | None = None) -> dict[str, object]:
    """The member's insurance relations as a FHIR Bundle of Coverage resources (status in the month of ``on``)."""
    from fhir.resources.R4B.bundle import Bundle

    from cityservices.insurance.members.fhir import coverage

    member = member_or_404(session, psn_no, region=region)
    statuses = statuses_on(session, psn_no, on)
    entries = [
        {
            "resource": coverage(
                psn_no=psn_no,
                insutype=relation.insutype,
                since=relation.crt_insu_date,
                status=statuses.get(relation.insutype, ""),
                admdvs=member.insuplc_admdvs,
                emp_name=emp_name,
            )
        }
        for relation, emp_name in repository.relations_of(session, psn_no)
    ]
    bundle = Bundle.model_validate({"resourceType": "Bundle", "type": "collection", "entry": entries})
    result: dict[str, object] = bundle.model_dump(mode="json", exclude_none=True)
    return result


def members_by_certno(session: Session, certnos: list[str]) -> dict[str, InsuranceMember]:
    """ID number → member, for the ID numbers that are registered."""
    return repository.members_with_certnos(session, certnos)


def relation(session: Session, psn_no: str, insutype: str) -> InsuranceRelation | None:
    return repository.get_relation(session, psn_no, insutype)


def check_stated_identity(session: Session, certno: str, name: str) -> str | None:
    """A registering citizen's stated name against the member record of that ID number (found by the number
    only): the refusal's message when they differ, None when they agree or no member has the number."""
    member = repository.member_with_certno(session, certno)
    if member is None or member.psn_name.strip() == name.strip():
        return None
    return "姓名与身份证号码登记的信息不一致"
