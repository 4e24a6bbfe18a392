"""The disclosure to the member (rules only, never commits): the staff reads of their records, and their timeline
as a FHIR Bundle. Both are scoped by the signed-in citizen's ID number; the export is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from sqlalchemy.orm import Session

from cityservices.auth.models import StaffAccount
from cityservices.insurance.archive import repository as archive_repository
from cityservices.insurance.archive.disclosure import repository
from cityservices.insurance.archive.disclosure.fhir import bundle, patient
from cityservices.insurance.archive.disclosure.schemas import StaffReadRead, StaffReadsRead
from cityservices.insurance.archive.service import own_member_or_404
from cityservices.insurance.demo import DISTRICTS
from cityservices.insurance.members.fhir import coverage
from cityservices.insurance.scopes import REGION
from cityservices.insurance.settlement.fhir import explanation_of_benefit
from cityservices.insurance.settlement.schemas import SettlementRead
from cityservices.kit.audit import Actor, record_audit
from cityservices.kit.calendar import to_china_time
from cityservices.kit.masking import mask_id_number, mask_name

# The audited staff actions that read a member's records. Each is written by ``members.audit_member_read`` with
# the member's psn_no as the target (older settlement reads named the setl_id; the query finds those too).
READ_ACTIONS: Final = {
    "insurance.member.read": "参保信息",
    "insurance.counters.read": "年度累计",
    "insurance.coverage.export": "参保关系导出",
    "insurance.settlement.preview": "结算预览",
    "insurance.settlement.fhir": "结算单导出",
    "insurance.filing.read": "异地就医备案",
    "insurance.certificate.read": "参保证明",
    "insurance.maternity.read": "生育津贴申请",
}
READS_SHOWN: Final = 200
CITY_OFFICE: Final = "青岛市医疗保障局"


def office_of(account: StaffAccount) -> str:
    """The office an account works for: its insurance region's office, or the city bureau when not limited."""
    region = account.scopes.get(REGION)
    if not region:
        return CITY_OFFICE
    names = dict(DISTRICTS)
    name = names.get(region) or next((n for code, n in DISTRICTS if code.startswith(region)), None)
    return f"{name}医疗保障分局" if name else CITY_OFFICE


def staff_name(account: StaffAccount) -> str:
    """The display name the staff member works under, or the masked user name if there is none."""
    shown = account.display_name.strip()
    if shown:
        return shown
    username = account.username
    return username[:2] + "*" * max(len(username) - 2, 1)


def _utc(moment: dt.datetime) -> dt.datetime:
    """Stored times are UTC; SQLite reads them back naive."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def staff_reads(session: Session, *, certno: str) -> StaffReadsRead:
    """Who on the staff read the member's records, newest first (the member's own reads are not among them)."""
    own_member_or_404(session, certno)
    rows = repository.staff_reads(session, certno, READ_ACTIONS, limit=READS_SHOWN)
    items = [
        StaffReadRead(
            at=to_china_time(_utc(entry.at)),
            record_label=READ_ACTIONS.get(entry.action, "其他记录"),
            staff_name=staff_name(account),
            office=office_of(account),
        )
        for entry, account in rows
    ]
    return StaffReadsRead(items=items, shown_max=READS_SHOWN)


def _current_statuses(session: Session, certno: str, today: dt.date) -> dict[str, str]:
    current: dict[str, str] = {}
    for insutype, month, status in archive_repository.own_statuses(session, certno):
        if month <= today:
            current[insutype] = status
    return current


def timeline_fhir(session: Session, *, certno: str, today: dt.date, now: dt.datetime, actor: Actor) -> dict[str, Any]:
    """The member's Patient, Coverages and ExplanationOfBenefits as one validated ``collection`` Bundle."""
    member = own_member_or_404(session, certno)
    record_audit(session, actor=actor, action="insurance.archive.fhir", target_kind="member", target_key=member.psn_no)
    resources = [
        patient(psn_no=member.psn_no, certno_masked=mask_id_number(certno) or "",
                name_masked=mask_name(member.psn_name) or ""),
    ]  # fmt: skip
    statuses = _current_statuses(session, certno, today)
    for relation in archive_repository.own_relations(session, certno):
        status = statuses.get(relation.insutype, "0")  # "0": not in force yet (a draft Coverage)
        resources.append(
            coverage(psn_no=member.psn_no, insutype=relation.insutype, since=relation.crt_insu_date, status=status,
                     admdvs=member.insuplc_admdvs)
        )  # fmt: skip
    for row in repository.all_own_settlements(session, certno):
        read = SettlementRead.model_validate(row.result)
        read = read.model_copy(update={"setl_id": row.setl_id, "status": row.status})
        resources.append(explanation_of_benefit(read, fixmedins_code=row.fixmedins_code, insutype=row.insutype))
    return bundle(resources, timestamp=now)
