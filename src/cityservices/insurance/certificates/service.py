"""Issuing, rendering, verifying and revoking insurance certificates (参保证明). Never commits.

A certificate's facts (name, masked ID number, unit, insurance periods) are frozen when it is issued and
digested (SM3 over their canonical JSON). Its token is ``<cert_no>.<HMAC-SHA256(key, cert_no ‖ digest)>`` in
base64url, the key derived from the platform's secret: a token that was altered, made elsewhere or points at
facts that changed since is "not genuine"; a revoked certificate is shown as revoked.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from typing import Final

from sqlalchemy.orm import Session

from cityservices.errors import NotFound
from cityservices.insurance.certificates import repository
from cityservices.insurance.certificates.models import InsuranceCertificate
from cityservices.insurance.certificates.schemas import CertificateRead, Period, Verification
from cityservices.insurance.members import service as members
from cityservices.insurance.vocabulary import INSUTYPE_ZH
from cityservices.kit import pdf, qr
from cityservices.kit.calendar import to_china_time
from cityservices.kit.masking import mask_id_number, mask_name

VERIFY_PATH: Final = "/insurance/certificates/verify/"
OPEN_API: Final = "open_api"
STAFF: Final = "staff"
_TOKEN = re.compile(r"^(C[0-9]{8}[0-9A-F]{8})\.([A-Za-z0-9_-]{43})$")


def _key(platform_secret: bytes) -> bytes:
    return hashlib.sha256(b"insurance/certificate-token\0" + platform_secret).digest()


def _digest(facts: dict[str, object]) -> str:
    canonical = json.dumps(facts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _mac(cert_no: str, digest: str, platform_secret: bytes) -> str:
    mac = hmac.new(_key(platform_secret), f"{cert_no}\n{digest}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment (SQLite gives it back without its zone; it was written in UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def token_of(row: InsuranceCertificate, platform_secret: bytes) -> str:
    return f"{row.cert_no}.{_mac(row.cert_no, row.facts_digest, platform_secret)}"


def insurance_periods(session: Session, psn_no: str) -> list[Period]:
    """Each insurance type's runs of months with one status, oldest first (a later row ends the run before it)."""
    periods: list[Period] = []
    for insutype, label in INSUTYPE_ZH.items():
        history = members.status_history(session, psn_no, insutype)
        for index, (month, status) in enumerate(history):
            following = history[index + 1][0] if index + 1 < len(history) else None
            end = following - dt.timedelta(days=1) if following is not None else None
            periods.append(
                Period(
                    insutype=insutype,
                    label=label,
                    start=month,
                    end=end,
                    psn_insu_stas=status,
                    status_label=members.STATUS_ZH.get(status, status),
                )
            )
    return periods


def issue(
    session: Session, *, psn_no: str, channel: str, issued_by: str, now: dt.datetime, emp_no: str | None = None
) -> InsuranceCertificate:
    """A new certificate of the member's insurance periods up to ``now``. With ``emp_no`` (an enterprise's app)
    only that unit's own employee is found; anyone else is "not found"."""
    try:
        member = members.member_or_404(session, psn_no)
    except NotFound:
        member = None
    if member is None or (emp_no is not None and member.emp_no != emp_no):
        raise NotFound("本单位没有这名职工" if emp_no is not None else "没有这名参保人")
    facts: dict[str, object] = {
        "psn_no": member.psn_no,
        "psn_name": member.psn_name,
        "certno_masked": mask_id_number(member.certno),
        "emp_name": repository.enterprise_name(session, member.emp_no),
        "periods": [p.model_dump(mode="json") for p in insurance_periods(session, psn_no)],
    }
    local = to_china_time(now)
    row = InsuranceCertificate(
        cert_no=f"C{local:%Y%m%d}{secrets.token_hex(4).upper()}",
        psn_no=member.psn_no,
        emp_no=member.emp_no,
        channel=channel,
        issued_by=issued_by[:64],
        issued_at=now,
        facts=facts,
        facts_digest=_digest(facts),
        demo=member.demo,
    )
    repository.add(session, row)
    return row


def certificate_or_404(
    session: Session, cert_no: str, *, emp_no: str | None = None, psn_no: str | None = None
) -> InsuranceCertificate:
    """A certificate; with ``emp_no`` / ``psn_no`` only one issued for that unit / member."""
    row = repository.certificate(session, cert_no)
    if row is None or (emp_no is not None and row.emp_no != emp_no) or (psn_no is not None and row.psn_no != psn_no):
        raise NotFound("没有这份参保证明")
    return row


def latest(session: Session, *, limit: int = 100) -> list[InsuranceCertificate]:
    return repository.latest(session, limit=limit)


def revoke(
    session: Session, cert_no: str, *, psn_no: str, by: str, reason: str, now: dt.datetime
) -> InsuranceCertificate:
    row = certificate_or_404(session, cert_no, psn_no=psn_no)
    if row.revoked_at is None:
        row.revoked_at, row.revoked_by, row.revoke_reason = now, by[:64], reason.strip()[:200]
    return row


def _periods(row: InsuranceCertificate) -> list[Period]:
    return [Period.model_validate(p) for p in row.facts.get("periods", [])]


def certificate_read(
    row: InsuranceCertificate, *, platform_secret: bytes, base_url: str, pdf_path: str
) -> CertificateRead:
    token = token_of(row, platform_secret)
    return CertificateRead(
        cert_no=row.cert_no,
        psn_no=row.psn_no,
        psn_name=mask_name(str(row.facts["psn_name"])) or "",
        certno=str(row.facts["certno_masked"]),
        emp_name=row.facts.get("emp_name"),
        issued_at=_utc(row.issued_at),
        periods=_periods(row),
        token=token,
        verify_url=base_url.rstrip("/") + VERIFY_PATH + token,
        pdf_path=pdf_path,
        revoked_at=_utc(row.revoked_at) if row.revoked_at else None,
    )


def verify(session: Session, token: str, *, platform_secret: bytes) -> Verification:
    """The verdict on a scanned token: genuine, revoked, or not genuine (forged, altered or unknown)."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        return Verification(verdict="not_genuine")
    row = repository.certificate(session, match.group(1))
    if row is None or _digest(row.facts) != row.facts_digest:
        return Verification(verdict="not_genuine")
    if not hmac.compare_digest(_mac(row.cert_no, row.facts_digest, platform_secret), match.group(2)):
        return Verification(verdict="not_genuine")
    return Verification(
        verdict="revoked" if row.revoked_at is not None else "genuine",
        cert_no=row.cert_no,
        psn_name=mask_name(str(row.facts["psn_name"])),
        certno=str(row.facts["certno_masked"]),
        emp_name=row.facts.get("emp_name"),
        issued_at=_utc(row.issued_at),
        periods=_periods(row),
        revoked_at=_utc(row.revoked_at) if row.revoked_at else None,
        revoke_reason=row.revoke_reason,
        demo=row.demo,
    )


def month_text(day: dt.date | None) -> str:
    return "至今" if day is None else f"{day.year}年{day.month}月"


def render_pdf(row: InsuranceCertificate, *, verify_url: str) -> bytes:
    """The certificate as an A4 PDF: the holder's name, masked ID number and unit, each insurance period, and a QR
    code to the verification page."""
    issued = to_china_time(_utc(row.issued_at))
    periods = _periods(row)
    table = pdf.Table(
        header=("险种", "起始年月", "截止年月", "参保状态"),
        rows=[(p.label, month_text(p.start), month_text(p.end), p.status_label) for p in periods]
        or [("无参保记录", "—", "—", "—")],
        widths=(3.2, 2, 2, 2),
    )
    facts = [
        ("姓名", str(row.facts["psn_name"])),
        ("公民身份号码", str(row.facts["certno_masked"])),
        ("人员编号", row.psn_no),
        ("参保单位", str(row.facts.get("emp_name") or "无（个人参保）")),
        ("证明编号", row.cert_no),
    ]
    notes = [
        f"一、本证明记载该参保人截至{date_text(issued)}的医疗保险参保记录。",
        "二、为保护个人信息，公民身份号码已作部分遮蔽。",
        "三、扫描右侧二维码，或在浏览器中打开下面的核验地址，可核验本证明是否由本平台出具、内容是否被改动、是否已作废。",
        f"核验地址：{verify_url}",
    ]
    if row.demo:
        notes.append("四、本证明所载人员与参保记录为演示数据，不具有证明效力。")
    document = pdf.Document(
        title="参保证明",
        subtitle="医疗保险参保缴费情况",
        number=f"证明编号：{row.cert_no}",
        facts=facts,
        table=table,
        notes=notes,
        qr_png=qr.qr_png(verify_url),
        qr_caption="扫码核验真伪",
        closing="特此证明。",
        footer=f"出具单位：医疗保障经办服务（本平台）\n出具时间：{date_text(issued)} {issued:%H:%M}（北京时间）",
        watermark="演示数据" if row.demo else "",
        keywords=row.cert_no,
    )
    return pdf.render(document)
