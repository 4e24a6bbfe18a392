"""The public verification page of a certificate (``/insurance/certificates/verify/<token>``), reached from the
QR code: whether the certificate was issued here and is unaltered, or revoked, with its masked facts; and the staff
list of the latest certificates within the account's region scope (masked, audited, ``no-store``), where an editor
revokes one with a reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from cityservices.auth.service import SignedIn
from cityservices.auth.web import render_staff_page, see_other
from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import AppError, RequestInvalid
from cityservices.insurance.certificates import service as certificates
from cityservices.insurance.members import service as members
from cityservices.insurance.scopes import region_of
from cityservices.kit.audit import SYSTEM, record_audit, utc_now
from cityservices.kit.calendar import to_china_time
from cityservices.kit.masking import mask_name
from cityservices.platform.security import load_secret
from cityservices.platform.templating import templates

router = APIRouter(tags=["insurance pages"], include_in_schema=False)


@router.get("/insurance/certificates/verify/{token}", response_class=HTMLResponse)
def verify_page(
    request: Request, session: DbSession, token: Annotated[str, Path(min_length=1, max_length=200)]
) -> HTMLResponse:
    result = certificates.verify(session, token, platform_secret=load_secret(request.app.state.runtime.settings))
    record_audit(
        session,
        actor=SYSTEM,
        action="insurance.certificate.verify",
        target_kind="certificate",
        target_key=result.cert_no,
        detail={"verdict": result.verdict},
    )
    issued = to_china_time(result.issued_at) if result.issued_at else None
    revoked = to_china_time(result.revoked_at) if result.revoked_at else None
    context = {"result": result, "issued": issued, "revoked": revoked, "month_text": certificates.month_text}
    response = templates.TemplateResponse(request, "insurance/certificate_verify.html", context)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# ---- staff: the latest certificates, revoked with a reason ---------------------------------------------------

STAFF_PAGE = "/staff/insurance/certificates"


def _staff_list(
    request: Request, session: DbSession, staff: SignedIn, *, error: str | None = None, done: bool = False
) -> HTMLResponse:
    region = region_of(staff.account)
    rows = [
        row
        for row in certificates.latest(session, limit=100)
        if region is None or not members.outside_region(session, row.psn_no, region)
    ]
    record_audit(session, actor=staff.actor, action="insurance.certificate.list", target_kind="certificate",
                 target_key="-", detail={"count": len(rows)})  # fmt: skip
    items = [
        {
            "cert_no": row.cert_no, "psn_no": row.psn_no, "name": mask_name(str(row.facts.get("psn_name") or "")),
            "certno": row.facts.get("certno_masked"), "issued": to_china_time(row.issued_at), "by": row.issued_by,
            "revoked": to_china_time(row.revoked_at) if row.revoked_at else None, "reason": row.revoke_reason,
            "demo": row.demo,
        }
        for row in rows
    ]  # fmt: skip
    context = {"staff": staff, "items": items, "error": error, "done": done}
    response = render_staff_page(request, "insurance/certificates_staff.html", context, status=422 if error else 200)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(STAFF_PAGE + "/list", response_class=HTMLResponse)
def staff_list(
    request: Request, session: DbSession, staff: CurrentStaff, done: Annotated[str, Query(max_length=4)] = ""
) -> HTMLResponse:
    return _staff_list(request, session, staff, done=done == "1")


@router.post(STAFF_PAGE + "/{cert_no}/revocation", response_class=HTMLResponse)
def staff_revoke(
    request: Request,
    session: DbSession,
    staff: RequireEditor,
    cert_no: Annotated[str, Path(pattern=r"^C[0-9A-F]{8,23}$")],
    reason: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        if not reason.strip():
            raise RequestInvalid("reason", "作废须写明理由")
        with session.begin_nested():
            row = certificates.certificate_or_404(session, cert_no)
            members.member_or_404(session, row.psn_no, region=region_of(staff.account))  # outside the region: 404
            certificates.revoke(session, cert_no, psn_no=row.psn_no, by=staff.account.username, reason=reason,
                                now=utc_now())  # fmt: skip
            record_audit(session, actor=staff.actor, action="insurance.certificate.revoke", target_kind="certificate",
                         target_key=cert_no, detail={"reason": reason.strip()[:200]})  # fmt: skip
    except AppError as exc:
        return _staff_list(request, session, staff, error=exc.detail)
    return see_other(f"{STAFF_PAGE}/list?done=1")
