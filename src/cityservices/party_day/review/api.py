"""``/api/v1/party/activities/{id}/review``: the five-standard self-check and the upper committees' comments."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import error_responses
from cityservices.party_day.review import cases, service
from cityservices.party_day.review.schemas import (
    CaseDecision,
    CommentCreate,
    CommentRead,
    NominationRead,
    ReviewRead,
    SelfCheckCreate,
)

router = APIRouter(prefix="/api/v1/party", tags=["party"])


@router.post("/activities/{activity_id}/self-check", response_model=ReviewRead, status_code=201,
             responses=error_responses(403, 404, 409))  # fmt: skip
def self_check(session: DbSession, staff: RequireEditor, activity_id: int, data: SelfCheckCreate) -> ReviewRead:
    """Score the five standards 1–5 (after the minutes are recorded)."""
    return service.self_check(session, account=staff.account, actor=staff.actor, activity_id=activity_id, data=data,
                              now=dt.datetime.now(dt.UTC))  # fmt: skip


@router.post("/activities/{activity_id}/comments", response_model=CommentRead, status_code=201,
             responses=error_responses(403, 404))  # fmt: skip
def add_comment(session: DbSession, staff: RequireEditor, activity_id: int, data: CommentCreate) -> CommentRead:
    """A comment from a committee above the branch."""
    return service.add_comment(session, account=staff.account, actor=staff.actor, activity_id=activity_id, data=data,
                               now=dt.datetime.now(dt.UTC))  # fmt: skip


@router.get("/activities/{activity_id}/review", response_model=ReviewRead, responses=error_responses(403, 404))
def read_review(session: DbSession, staff: CurrentStaff, activity_id: int) -> ReviewRead:
    return service.read_review(session, account=staff.account, activity_id=activity_id)


@router.post("/activities/{activity_id}/nomination", response_model=NominationRead, status_code=201,
             responses=error_responses(403, 404, 409))  # fmt: skip
def nominate(session: DbSession, staff: RequireEditor, activity_id: int) -> NominationRead:
    """The branch recommends a reviewed Party Day for the annual case selection."""
    return cases.nominate(session, account=staff.account, actor=staff.actor, activity_id=activity_id,
                          now=dt.datetime.now(dt.UTC))  # fmt: skip


@router.post("/nominations/{nomination_id}/decision", response_model=NominationRead,
             responses=error_responses(403, 404, 409))  # fmt: skip
def decide(session: DbSession, staff: RequireEditor, nomination_id: int, data: CaseDecision) -> NominationRead:
    """The committee at the current stage scores the five standards and forwards or declines."""
    return cases.decide(session, account=staff.account, actor=staff.actor, nomination_id=nomination_id, data=data)
