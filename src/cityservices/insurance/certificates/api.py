"""Certificate routes: an enterprise's app issues and fetches certificates of its own employees over the signed
open API (``/api/open/v1/certificates``); staff issue, fetch and revoke them under the member
(``/api/v1/insurance/members/{psn_no}/certificates``). Every issue, fetch and revocation is audited; nothing is
cached."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import NotFound, error_responses
from cityservices.insurance.certificates import service as certificates
from cityservices.insurance.certificates.models import InsuranceCertificate
from cityservices.insurance.certificates.schemas import CertificateRead, CertificateRequest, RevocationRequest
from cityservices.insurance.members import service as members
from cityservices.insurance.open_api import service as open_api
from cityservices.insurance.open_api.guard import OpenCall, answer, audit_call, idempotent, signed
from cityservices.insurance.scopes import region_of
from cityservices.kit.audit import record_audit, utc_now
from cityservices.platform.security import load_secret

CERTIFICATE_ISSUE = "certificate.issue"
CertNo = Annotated[str, Path(pattern=r"^C[0-9]{8}[0-9A-F]{8}$", description="证明编号 cert_no")]
PsnNo = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{4,30}$", description="人员编号 psn_no")]
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "PDF"}}

open_router = APIRouter(
    prefix="/api/open/v1/certificates", tags=["open-platform"], responses=error_responses(401, 403, 404, 409)
)
staff_router = APIRouter(
    prefix="/api/v1/insurance/members", tags=["insurance"], responses=error_responses(401, 403, 404, 422)
)


def _read(request: Request, row: InsuranceCertificate, pdf_path: str) -> CertificateRead:
    settings = request.app.state.runtime.settings
    base_url = settings.public_origin or str(request.base_url)  # the configured origin, else where the call came
    secret = load_secret(settings)
    return certificates.certificate_read(row, platform_secret=secret, base_url=base_url, pdf_path=pdf_path)


def _pdf(request: Request, row: InsuranceCertificate) -> bytes:
    return certificates.render_pdf(row, verify_url=_read(request, row, "").verify_url)


# ---- open API ------------------------------------------------------------------------------------------------


@open_router.post("", response_model=CertificateRead, status_code=201)
def issue_for_enterprise(
    request: Request,
    session: DbSession,
    call: Annotated[OpenCall, Depends(signed(CERTIFICATE_ISSUE))],
    data: CertificateRequest,
) -> Response:
    """Issue a certificate for an employee of the app's enterprise (another unit's employee: 404
    ``employee_not_found``); idempotent under ``Idempotency-Key``."""
    app_id = call.verified.app.app_id

    def write() -> tuple[int, dict[str, Any]]:
        try:
            row = certificates.issue(
                session,
                psn_no=data.psn_no,
                channel=certificates.OPEN_API,
                issued_by=f"app:{app_id}",
                now=utc_now(),
                emp_no=call.emp_no,
            )
        except NotFound:
            audit_call(session, app_id, CERTIFICATE_ISSUE, "not_found", data.psn_no)
            return 404, {"error": "employee_not_found", "detail": "本单位没有这名职工"}
        audit_call(session, app_id, CERTIFICATE_ISSUE, "ok", row.cert_no)
        read = _read(request, row, f"/api/open/v1/certificates/{row.cert_no}/pdf")
        return 201, json.loads(read.model_dump_json())

    return idempotent(session, call, write)


@open_router.get("/{cert_no}/pdf", responses=PDF_RESPONSE)
def fetch_for_enterprise(
    request: Request, session: DbSession, cert_no: CertNo, call: Annotated[OpenCall, Depends(signed(CERTIFICATE_ISSUE))]
) -> Response:
    """The PDF of a certificate issued for the app's enterprise; the answer is signed like every other."""
    app_id = call.verified.app.app_id
    try:
        row = certificates.certificate_or_404(session, cert_no, emp_no=call.emp_no)
    except NotFound:
        audit_call(session, app_id, CERTIFICATE_ISSUE, "not_found", cert_no)
        return answer(call, {"error": "certificate_not_found", "detail": "没有这份参保证明"}, 404)
    audit_call(session, app_id, CERTIFICATE_ISSUE, "pdf", cert_no)
    body = _pdf(request, row)
    headers = open_api.sign_response(
        call.verified,
        status=200,
        path_query=call.path_query,
        body=body,
        platform_secret=call.platform_secret,
        now=utc_now(),
    )
    headers["Cache-Control"] = "no-store"
    headers["Content-Disposition"] = f'attachment; filename="{cert_no}.pdf"'
    return Response(content=body, media_type="application/pdf", headers=headers)


# ---- staff ---------------------------------------------------------------------------------------------------


def _audit(session: Session, staff: CurrentStaff, action: str, cert_no: str, **detail: object) -> None:
    record_audit(
        session,
        actor=staff.actor,
        action=action,
        target_kind="certificate",
        target_key=cert_no,
        detail=detail,
    )


@staff_router.post("/{psn_no}/certificates", response_model=CertificateRead, status_code=201)
def issue_by_staff(
    request: Request, session: DbSession, staff: RequireEditor, psn_no: PsnNo, response: Response
) -> CertificateRead:
    """Issue a certificate for a member within the account's region scope."""
    response.headers["Cache-Control"] = "no-store"
    members.member_or_404(session, psn_no, region=region_of(staff.account))
    row = certificates.issue(
        session, psn_no=psn_no, channel=certificates.STAFF, issued_by=staff.account.username, now=utc_now()
    )
    _audit(session, staff, "insurance.certificate.issue", row.cert_no, psn_no=psn_no)
    return _read(request, row, f"/api/v1/insurance/members/{psn_no}/certificates/{row.cert_no}/pdf")


@staff_router.get("/{psn_no}/certificates/{cert_no}/pdf", responses=PDF_RESPONSE)
def fetch_by_staff(
    request: Request, session: DbSession, staff: CurrentStaff, psn_no: PsnNo, cert_no: CertNo
) -> Response:
    """The certificate's PDF."""
    members.member_or_404(session, psn_no, region=region_of(staff.account))
    row = certificates.certificate_or_404(session, cert_no, psn_no=psn_no)
    members.audit_member_read(session, actor=staff.actor, action="insurance.certificate.read", psn_no=psn_no,
                              cert_no=cert_no)  # fmt: skip
    headers = {"Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{cert_no}.pdf"'}
    return Response(content=_pdf(request, row), media_type="application/pdf", headers=headers)


@staff_router.post("/{psn_no}/certificates/{cert_no}/revocation", response_model=CertificateRead)
def revoke_by_staff(
    request: Request,
    session: DbSession,
    staff: RequireEditor,
    psn_no: PsnNo,
    cert_no: CertNo,
    data: RevocationRequest,
    response: Response,
) -> CertificateRead:
    """Revoke a certificate: its verification page says so from now on."""
    response.headers["Cache-Control"] = "no-store"
    members.member_or_404(session, psn_no, region=region_of(staff.account))
    row = certificates.revoke(
        session, cert_no, psn_no=psn_no, by=staff.account.username, reason=data.reason, now=utc_now()
    )
    _audit(session, staff, "insurance.certificate.revoke", cert_no)
    return _read(request, row, f"/api/v1/insurance/members/{psn_no}/certificates/{cert_no}/pdf")
