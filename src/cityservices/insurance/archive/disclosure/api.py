"""The member's disclosure routes (``/api/v1/insurance/archive/reads`` and ``/fhir``): signed-in citizens only,
their own records only, never cached."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from cityservices.auth.citizens.web import CurrentCitizen
from cityservices.deps import DbSession
from cityservices.insurance.archive.disclosure.schemas import StaffReadsRead
from cityservices.insurance.archive.disclosure.service import staff_reads, timeline_fhir
from cityservices.kit.audit import utc_now
from cityservices.kit.calendar import now_in_china

router = APIRouter(prefix="/api/v1/insurance/archive", tags=["insurance archive"])
ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "未登录"}, 404: {"description": "没有参保记录"}}


@router.get("/reads", response_model=StaffReadsRead, responses=ERRORS)
def read_staff_reads(session: DbSession, citizen: CurrentCitizen, response: Response) -> StaffReadsRead:
    """Who on the staff read the signed-in member's records: when (Beijing time), which kind of record, the staff
    member's name and office. The member's own reads are not listed."""
    response.headers["Cache-Control"] = "no-store"
    return staff_reads(session, certno=citizen.id_number)


@router.get("/fhir", response_model=dict[str, Any], responses=ERRORS)
def export_fhir(session: DbSession, citizen: CurrentCitizen, response: Response) -> dict[str, Any]:
    """The signed-in member's timeline as an HL7 FHIR R4 ``Bundle`` (type ``collection``): Patient with masked
    identifiers, a Coverage per insurance relation, an ExplanationOfBenefit per settlement. Audited."""
    response.headers["Cache-Control"] = "no-store"
    return timeline_fhir(session, certno=citizen.id_number, today=now_in_china().date(), now=utc_now(),
                         actor=citizen.actor)  # fmt: skip
