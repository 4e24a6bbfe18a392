"""The public verification page of a certificate (``/insurance/certificates/verify/<token>``), reached from the
QR code: whether the certificate was issued here and is unaltered, or revoked, with its masked facts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from cityservices.deps import DbSession
from cityservices.insurance.certificates import service as certificates
from cityservices.kit.audit import SYSTEM, record_audit
from cityservices.kit.calendar import to_china_time
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
