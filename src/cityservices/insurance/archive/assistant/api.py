"""The assistant (``POST /api/v1/insurance/archive/assistant``): a signed-in citizen asks in Chinese; the answer
cites the rule rows, guides and own records it rests on, or says why it cannot answer. Never cached."""

from __future__ import annotations

from fastapi import APIRouter, Response

from cityservices.auth.citizens.web import CurrentCitizen
from cityservices.deps import DbSession
from cityservices.insurance.archive.assistant.schemas import AssistantAnswerRead, AssistantQuestion
from cityservices.insurance.archive.assistant.service import ask
from cityservices.insurance.rules.service import rule_book
from cityservices.kit.calendar import now_in_china

router = APIRouter(prefix="/api/v1/insurance/archive", tags=["insurance archive"])


@router.post("/assistant", response_model=AssistantAnswerRead,
             responses={401: {"description": "未登录"}, 403: {"description": "缺少 X-CSRF-Token"}})  # fmt: skip
def ask_assistant(
    session: DbSession, citizen: CurrentCitizen, body: AssistantQuestion, response: Response
) -> AssistantAnswerRead:
    """Answer the signed-in member's question (needs ``X-CSRF-Token``)."""
    response.headers["Cache-Control"] = "no-store"
    return ask(session, question=body.question, certno=citizen.id_number, book=rule_book(session),
               today=now_in_china().date(), actor=citizen.actor)  # fmt: skip
