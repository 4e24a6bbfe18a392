"""The assistant page (``/insurance/archive/assistant``): a plain form, the answer and what it rests on."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cityservices.auth.citizens.web import OptionalCitizen
from cityservices.deps import DbSession
from cityservices.insurance.archive.assistant.schemas import AssistantAnswerRead
from cityservices.insurance.archive.assistant.service import ask
from cityservices.insurance.rules.service import rule_book
from cityservices.kit import speech
from cityservices.kit.calendar import now_in_china
from cityservices.platform.templating import templates

router = APIRouter(tags=["insurance pages"], include_in_schema=False)
EXAMPLES = (
    "我今年还能报多少",
    "门诊起付线是多少",
    "怎么办异地备案",
    "我的个人账户余额是多少",
    "为什么这次住院自费这么多",
)
PAGE = "/insurance/archive/assistant"
SPEECH = "/api/v1/insurance/archive/assistant/speech"  # the answer spoken (espeak-ng), when installed


def _page(request: Request, question: str, answer: AssistantAnswerRead | None) -> Response:
    speak = answer is not None and speech.available()
    spoken = f"{SPEECH}?{urlencode({'question': question})}" if speak else None
    context = {"question": question, "answer": answer, "examples": EXAMPLES, "speech": spoken}
    response = templates.TemplateResponse(request, "insurance/assistant.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(PAGE, response_class=HTMLResponse)
def assistant_page(request: Request, citizen: OptionalCitizen) -> Response:
    if citizen is None:
        return RedirectResponse(f"/citizen/login?next={PAGE}", status_code=303)
    return _page(request, "", None)


@router.post(PAGE, response_class=HTMLResponse)
def assistant_ask(
    request: Request, session: DbSession, citizen: OptionalCitizen, question: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    if citizen is None:
        return RedirectResponse(f"/citizen/login?next={PAGE}", status_code=303)
    answer = ask(session, question=question, certno=citizen.id_number, book=rule_book(session),
                 today=now_in_china().date(), actor=citizen.actor)  # fmt: skip
    return _page(request, question, answer)
