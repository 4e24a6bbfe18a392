"""The assistant (``POST /api/v1/insurance/archive/assistant``): a signed-in citizen asks in Chinese; the answer
cites the rule rows, guides and own records it rests on, or says why it cannot answer. ``GET …/assistant/speech``
speaks the answer to a question (espeak-ng, Mandarin) as WAV: the answer is worked out again on the server from
the member's own records, so the route speaks only what the assistant answers that member. Never cached."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from cityservices.auth.citizens.web import CurrentCitizen
from cityservices.deps import DbSession
from cityservices.errors import Unavailable
from cityservices.insurance.archive.assistant.schemas import AssistantAnswerRead, AssistantQuestion
from cityservices.insurance.archive.assistant.service import ask
from cityservices.insurance.rules.service import rule_book
from cityservices.kit import speech
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


@router.get("/assistant/speech", response_class=Response,
            responses={200: {"content": {"audio/wav": {}}, "description": "朗读的回答"}, 401: {"description": "未登录"},
                       503: {"description": "本机未安装语音合成"}})  # fmt: skip
def speak_answer(
    session: DbSession,
    citizen: CurrentCitizen,
    question: Annotated[str, Query(min_length=1, max_length=200, description="要朗读回答的问题")],
) -> Response:
    """The answer to ``question`` for the signed-in member, spoken in Mandarin (``audio/wav``, ``no-store``)."""
    answer = ask(session, question=question, certno=citizen.id_number, book=rule_book(session),
                 today=now_in_china().date(), actor=citizen.actor)  # fmt: skip
    try:
        audio = speech.speak_wav(answer.answer)
    except speech.SpeechUnavailable as exc:
        raise Unavailable("暂时无法朗读回答，请阅读文字回答") from exc
    return Response(audio, media_type="audio/wav", headers={"Cache-Control": "no-store"})
