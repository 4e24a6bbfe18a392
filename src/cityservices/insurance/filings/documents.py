"""Documents of a filing: uploaded files checked by kind (what the category accepts), by content (PDF, JPEG or
PNG by their first bytes) and by size, stored with their digest; every upload and listing audited."""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from sqlalchemy.orm import Session

from cityservices.errors import Conflict, RequestInvalid
from cityservices.insurance.filings import repository
from cityservices.insurance.filings.models import InsuranceFilingDocument
from cityservices.insurance.filings.rules import filing_rules
from cityservices.insurance.filings.schemas import DocumentRead
from cityservices.insurance.filings.service import own_filing
from cityservices.kit.audit import Actor, record_audit, utc_now

MAX_DOCUMENTS = 10
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def _document_read(row: InsuranceFilingDocument) -> DocumentRead:
    return DocumentRead(
        id=row.id,
        filing_id=row.filing_id,
        kind=row.kind,
        kind_name=filing_rules().documents[row.kind],
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        uploaded_at=row.uploaded_at,
    )


def add_document(
    session: Session, filing_id: str, *, kind: str, upload: BinaryIO, max_bytes: int, actor: Actor,
    region: str | None = None,
) -> DocumentRead:  # fmt: skip
    """Attach a document to an active filing: a kind the category accepts, a PDF / JPEG / PNG by its content,
    not empty and at most ``max_bytes``; refused with nothing stored otherwise."""
    row = own_filing(session, filing_id, region)
    category = filing_rules().category(row.category)
    accepted = {kind for option in category.documents for kind in option}
    if kind not in accepted:
        names = "、".join(filing_rules().documents[k] for k in sorted(accepted))
        raise RequestInvalid("kind", f"{category.name}备案只收：{names}")
    if row.status != "active":
        raise Conflict(f"备案 {filing_id} 已不在有效状态")
    data = upload.read(max_bytes + 1)
    if not data:
        raise RequestInvalid("file", "文件是空的")
    if len(data) > max_bytes:
        raise RequestInvalid("file", f"文件不能超过 {max_bytes // (1024 * 1024)} MB")
    content_type = next((ctype for magic, ctype in SIGNATURES if data.startswith(magic)), None)
    if content_type is None:
        raise RequestInvalid("file", "只接受 PDF、JPG 或 PNG 文件")
    if len(repository.documents_of(session, filing_id)) >= MAX_DOCUMENTS:
        raise Conflict(f"每个备案最多 {MAX_DOCUMENTS} 份材料")
    document = InsuranceFilingDocument(
        filing_id=filing_id,
        kind=kind,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_at=utc_now(),
        uploaded_by=actor.name,
    )
    repository.add_document(session, document)
    record_audit(session, actor=actor, action="insurance.filing.document", target_kind="member", target_key=row.psn_no,
                 detail={"filing_id": filing_id, "kind": kind, "size": len(data)})  # fmt: skip
    return _document_read(document)


def filing_documents(
    session: Session, filing_id: str, *, actor: Actor, region: str | None = None
) -> list[DocumentRead]:
    row = own_filing(session, filing_id, region)
    record_audit(session, actor=actor, action="insurance.filing.documents", target_kind="member", target_key=row.psn_no)
    return [_document_read(d) for d in repository.documents_of(session, filing_id)]
