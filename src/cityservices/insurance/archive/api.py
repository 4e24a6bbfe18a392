"""The member's own archive (``/api/v1/insurance/archive``): signed-in citizens only, their own records only
(scoped by their ID number), masked, audited, never cached."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from cityservices.auth.citizens.web import CurrentCitizen
from cityservices.deps import DbSession
from cityservices.insurance.archive.schemas import ArchiveRead
from cityservices.insurance.archive.service import read_own_archive
from cityservices.insurance.rules.service import rule_book
from cityservices.kit.calendar import now_in_china

router = APIRouter(prefix="/api/v1/insurance/archive", tags=["insurance archive"])
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
