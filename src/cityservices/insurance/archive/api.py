"""The member's own archive (``/api/v1/insurance/archive``): signed-in citizens only, their own records only
(scoped by their ID number), masked, audited, never cached."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from cityservices.auth.citizens.service import SignedInCitizen
from cityservices.auth.citizens.web import CurrentCitizen
from cityservices.deps import DbSession
from cityservices.insurance.archive import service
from cityservices.insurance.archive.schemas import ArchiveRead
from cityservices.insurance.archive.service import read_own_archive
from cityservices.insurance.certificates import service as certificates
from cityservices.insurance.rules.service import rule_book
from cityservices.kit.audit import utc_now
from cityservices.kit.calendar import now_in_china
from cityservices.platform.security import load_secret

router = APIRouter(prefix="/api/v1/insurance/archive", tags=["insurance archive"])
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "PDF"}}
YEAR = Query(ge=2000, le=2100, description="年份（缺省为今年，北京时间）")


@router.get(
    "", response_model=ArchiveRead, responses={401: {"description": "未登录"}, 404: {"description": "没有参保记录"}}
)
def read_archive(
    session: DbSession, citizen: CurrentCitizen, response: Response, year: Annotated[int | None, YEAR] = None
) -> ArchiveRead:
    """The signed-in member's archive: relations with status history, contributions, account movements and
    settlements of the year (with the plain-Chinese trace), and the year's counters against the rule rows."""
    response.headers["Cache-Control"] = "no-store"
    today = now_in_china().date()
    return read_own_archive(session, certno=citizen.id_number, year=year or today.year, book=rule_book(session),
                            today=today, actor=citizen.actor)  # fmt: skip


CERTIFICATE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PDF_RESPONSE,
    401: {"description": "未登录"},
    403: {"description": "缺少 X-CSRF-Token"},
    404: {"description": "没有参保记录"},
}


@router.post("/certificate", responses=CERTIFICATE_RESPONSES)
def issue_own_certificate(request: Request, session: DbSession, citizen: CurrentCitizen) -> Response:
    """Issue the signed-in member's 参保证明 now and answer its PDF (needs ``X-CSRF-Token``; audited)."""
    return certificate_pdf(request, session, citizen)


def certificate_pdf(request: Request, session: Session, citizen: SignedInCitizen) -> Response:
    """Issue through the certificates service and render its PDF with the verification link (also the page's)."""
    row = service.issue_own_certificate(session, certno=citizen.id_number, actor=citizen.actor, now=utc_now())
    settings = request.app.state.runtime.settings
    base_url = settings.public_origin or str(request.base_url)
    token = certificates.token_of(row, load_secret(settings))
    pdf = certificates.render_pdf(row, verify_url=base_url.rstrip("/") + certificates.VERIFY_PATH + token)
    headers = {"Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{row.cert_no}.pdf"'}
    return Response(content=pdf, media_type="application/pdf", headers=headers)
