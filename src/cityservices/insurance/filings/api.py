"""``/api/v1/insurance/filing-categories`` and ``/filing-preview`` (public: rule data and a hypothetical member)
and the staff filing operations under ``/api/v1/insurance/filings`` (personal data: staff session, region scope,
masked member data, every access audited, never cached)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Path, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from cityservices.auth.citizens.service import SignedInCitizen
from cityservices.auth.citizens.web import CurrentCitizen
from cityservices.deps import CurrentRuntime, CurrentStaff, DbSession, RequireEditor
from cityservices.errors import NotFound, RequestInvalid, error_responses
from cityservices.insurance.filings import documents, repository, service
from cityservices.insurance.filings.rules import CategoryCode
from cityservices.insurance.filings.schemas import (
    ADMDVS_FIELD,
    CategoryRead,
    DocumentRead,
    ElsewhereSettlementRead,
    ElsewhereSettleRequest,
    FilingChange,
    FilingCreate,
    FilingRead,
    PreviewRead,
    PreviewRequest,
)
from cityservices.insurance.members import service as members
from cityservices.insurance.rules.service import rule_book
from cityservices.insurance.scopes import region_of
from cityservices.insurance.vocabulary import PSN_TYPE_ZH, HospLevel
from cityservices.kit.calendar import now_in_china

router = APIRouter(prefix="/api/v1/insurance", tags=["insurance"])
staff_router = APIRouter(
    prefix="/api/v1/insurance/filings", tags=["insurance"], responses=error_responses(401, 403, 404, 409)
)
FilingId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="备案编号")]
PsnNo = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{4,30}$", description="人员编号 psn_no")]
RequestId = Annotated[str, Header(alias="X-Request-Id", min_length=8, max_length=64, description="幂等请求编号")]


class PublicPreviewRequest(BaseModel):
    psn_type: str = Field(default="1201", pattern=r"^\d{4}$", description="人员类别 psn_type")
    hosp_lv: HospLevel = "3"
    med_type: str = Field(default="21", pattern=r"^(11|21)$", description="11 门诊, 21 住院")


@router.get("/filing-categories", response_model=list[CategoryRead])
def list_categories() -> list[CategoryRead]:
    """The four filing categories: documents, validity, change and cancellation rules, minimum stay, sources."""
    return service.categories()


@router.post("/filing-preview", response_model=PreviewRead, responses=error_responses())
def public_preview(session: DbSession, data: PublicPreviewRequest) -> PreviewRead:
    """What filing changes for a member type: the pooled-fund ratio per category against at home (no person)."""
    if data.psn_type not in PSN_TYPE_ZH:
        raise RequestInvalid("psn_type", f"未知的人员类别 {data.psn_type}")
    return service.preview_ratios(
        service.facts_for_type(data.psn_type),
        on=now_in_china().date(),
        hosp_lv=data.hosp_lv,
        med_type=data.med_type,
        book=rule_book(session),
    )


@staff_router.post("", response_model=FilingRead, status_code=201, responses=error_responses(422))
def create(session: DbSession, staff: RequireEditor, data: FilingCreate) -> FilingRead:
    """File for a member (staff-assisted): category, treatment place, dates, documents given."""
    return service.create_filing(
        session, data, actor=staff.actor, today=now_in_china().date(), region=region_of(staff.account)
    )


@staff_router.get("/members/{psn_no}", response_model=list[FilingRead])
def member_filings(session: DbSession, staff: CurrentStaff, psn_no: PsnNo) -> list[FilingRead]:
    """A member's filings, newest first (the read is audited)."""
    return service.member_filings(session, psn_no, actor=staff.actor, region=region_of(staff.account))


@staff_router.post("/preview", response_model=PreviewRead, responses=error_responses(422))
def member_preview(session: DbSession, staff: CurrentStaff, data: PreviewRequest) -> PreviewRead:
    """The ratio preview for this member before filing: per category, the ratio there against at home."""
    return service.member_preview(
        session,
        data.psn_no,
        on=data.on or now_in_china().date(),
        hosp_lv=data.hosp_lv,
        med_type=data.med_type,
        book=rule_book(session),
        actor=staff.actor,
        region=region_of(staff.account),
    )


@staff_router.post("/{filing_id}/cancellation", response_model=FilingRead, responses=error_responses(422))
def cancel(session: DbSession, staff: RequireEditor, filing_id: FilingId) -> FilingRead:
    """Cancel a filing from today (only after the category's minimum stay)."""
    return service.cancel_filing(
        session, filing_id, actor=staff.actor, today=now_in_china().date(), region=region_of(staff.account)
    )


@staff_router.post("/{filing_id}/change", response_model=FilingRead, responses=error_responses(422))
def change(session: DbSession, staff: RequireEditor, filing_id: FilingId, data: FilingChange) -> FilingRead:
    """Change the treatment place: a new filing replaces the old one from its begin date."""
    return service.change_filing(
        session, filing_id, data, actor=staff.actor, today=now_in_china().date(), region=region_of(staff.account)
    )


@staff_router.post("/settlements", response_model=ElsewhereSettlementRead, responses=error_responses(422))
def settle_elsewhere(
    session: DbSession, staff: RequireEditor, data: ElsewhereSettleRequest, request_id: RequestId
) -> ElsewhereSettlementRead:
    """Direct settlement at the place of treatment (filed or emergency); unfiled treatment is answered with the
    reimbursement estimate and the reason first in the trace, nothing settled."""
    return service.settle_elsewhere(
        session,
        data,
        request_id=request_id,
        book=rule_book(session),
        actor=staff.actor,
        region=region_of(staff.account),
    )


@staff_router.post(
    "/{filing_id}/documents", response_model=DocumentRead, status_code=201, responses=error_responses(422)
)
def upload_document(
    session: DbSession,
    staff: RequireEditor,
    runtime: CurrentRuntime,
    filing_id: FilingId,
    kind: Annotated[str, Form(min_length=1, max_length=40, pattern=r"^[a-z_]+$", description="材料种类")],
    file: Annotated[UploadFile, File(description="PDF、JPG 或 PNG")],
) -> DocumentRead:
    """Attach a document (a kind the category accepts; PDF, JPEG or PNG by content; size-limited)."""
    return documents.add_document(
        session,
        filing_id,
        kind=kind,
        upload=file.file,
        max_bytes=runtime.settings.max_upload_bytes,
        actor=staff.actor,
        region=region_of(staff.account),
    )


@staff_router.get("/{filing_id}/documents", response_model=list[DocumentRead])
def list_documents(session: DbSession, staff: CurrentStaff, filing_id: FilingId) -> list[DocumentRead]:
    """The documents of a filing (kind, type, size, digest; the read is audited)."""
    return documents.filing_documents(session, filing_id, actor=staff.actor, region=region_of(staff.account))


# ---- the signed-in member's own filings ----------------------------------------------------------------------

my_router = APIRouter(
    prefix="/api/v1/insurance/my/filings",
    tags=["insurance"],
    responses={**error_responses(404, 409), 401: {"description": "未登录"}, 403: {"description": "缺少 X-CSRF-Token"}},
)


class MyFilingCreate(BaseModel):
    """A filing by the signed-in member: as the staff form, without the member number (it is the citizen's own)."""

    model_config = ConfigDict(extra="forbid")
    category: CategoryCode
    mdtrtarea_admvs: str = ADMDVS_FIELD
    begin_date: dt.date
    end_date: dt.date | None = Field(default=None, description="临时外出就医可填；缺省为规则的有效期")
    admission_date: dt.date | None = Field(default=None, description="已入院未出院时补办备案：入院日期")
    documents: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=10)


class MyPreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hosp_lv: HospLevel = "3"
    med_type: str = Field(default="21", pattern=r"^(11|21)$", description="11 门诊, 21 住院")


def own_psn_no(session: Session, citizen: SignedInCitizen) -> str:
    """The member number of the signed-in citizen, found by their ID number (404 without an insurance record)."""
    found = members.members_by_certno(session, [citizen.id_number]).get(citizen.id_number)
    if found is None:
        raise NotFound("没有找到您的参保记录")
    return found.psn_no


def _own_filing_id(session: Session, psn_no: str, filing_id: str) -> str:
    """``filing_id`` if it is among the member's own filings (the query is filtered by the member); else 404."""
    if filing_id not in {row.filing_id for row in repository.of_member(session, psn_no)}:
        raise NotFound(f"没有备案 {filing_id}")
    return filing_id


@my_router.get("", response_model=list[FilingRead])
def my_filings(session: DbSession, citizen: CurrentCitizen, response: Response) -> list[FilingRead]:
    """The signed-in member's own filings, newest first (audited, never cached)."""
    response.headers["Cache-Control"] = "no-store"
    return service.member_filings(session, own_psn_no(session, citizen), actor=citizen.actor)


@my_router.post("/preview", response_model=PreviewRead, responses=error_responses(422))
def my_preview(session: DbSession, citizen: CurrentCitizen, data: MyPreviewRequest, response: Response) -> PreviewRead:
    """The ratio preview for the signed-in member: per category, the pooled-fund ratio there against at home."""
    response.headers["Cache-Control"] = "no-store"
    return service.member_preview(
        session,
        own_psn_no(session, citizen),
        on=now_in_china().date(),
        hosp_lv=data.hosp_lv,
        med_type=data.med_type,
        book=rule_book(session),
        actor=citizen.actor,
    )


@my_router.post("", response_model=FilingRead, status_code=201, responses=error_responses(422))
def my_create(session: DbSession, citizen: CurrentCitizen, data: MyFilingCreate, response: Response) -> FilingRead:
    """File for treatment elsewhere as the signed-in member (the same rules as at the counter)."""
    response.headers["Cache-Control"] = "no-store"
    filing = FilingCreate.model_validate(data.model_dump() | {"psn_no": own_psn_no(session, citizen)})
    return service.create_filing(session, filing, actor=citizen.actor, today=now_in_china().date())


@my_router.post("/{filing_id}/change", response_model=FilingRead, responses=error_responses(422))
def my_change(
    session: DbSession, citizen: CurrentCitizen, filing_id: FilingId, data: FilingChange, response: Response
) -> FilingRead:
    """Change the treatment place of one's own filing (after the category's minimum stay)."""
    response.headers["Cache-Control"] = "no-store"
    own = _own_filing_id(session, own_psn_no(session, citizen), filing_id)
    return service.change_filing(session, own, data, actor=citizen.actor, today=now_in_china().date())


@my_router.post("/{filing_id}/cancellation", response_model=FilingRead, responses=error_responses(422))
def my_cancel(session: DbSession, citizen: CurrentCitizen, filing_id: FilingId, response: Response) -> FilingRead:
    """Cancel one's own filing from today (after the category's minimum stay)."""
    response.headers["Cache-Control"] = "no-store"
    own = _own_filing_id(session, own_psn_no(session, citizen), filing_id)
    return service.cancel_filing(session, own, actor=citizen.actor, today=now_in_china().date())
