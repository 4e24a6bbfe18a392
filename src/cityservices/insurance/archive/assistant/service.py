"""The assistant's use case (rules only, never commits): answer a signed-in member's question from the rule
tables, the guide texts and their own archive (read only when the question is about it, and then audited).
Every question is audited with its kind of answer, never with its text (it may hold personal data)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from cityservices.errors import NotFound
from cityservices.insurance.archive.assistant.engine import answer_question
from cityservices.insurance.archive.assistant.knowledge import Index, guide_passages, rule_passages
from cityservices.insurance.archive.assistant.schemas import AssistantAnswerRead, CitationRead
from cityservices.insurance.archive.schemas import ArchiveRead
from cityservices.insurance.archive.service import basic_insutype, read_own_archive
from cityservices.insurance.rules.book import RuleBook
from cityservices.kit.audit import Actor, record_audit


def ask(
    session: Session, *, question: str, certno: str, book: RuleBook, today: dt.date, actor: Actor
) -> AssistantAnswerRead:
    index = Index([*rule_passages(book, today), *guide_passages()])

    def archive_of() -> ArchiveRead | None:
        try:
            return read_own_archive(session, certno=certno, year=today.year, book=book, today=today, actor=actor)
        except NotFound:
            return None

    answer = answer_question(
        question, index=index, archive_of=archive_of, insutype=basic_insutype(session, certno, today)
    )
    record_audit(session, actor=actor, action="insurance.assistant.ask", target_kind="citizen",
                 target_key=actor.name, detail={"intent": answer.intent, "grounded": answer.grounded})  # fmt: skip
    citations = [CitationRead(kind=c.kind, ref=c.ref, label=c.label, source=c.source,
                              example_parameter=c.example_parameter) for c in answer.citations]  # fmt: skip
    return AssistantAnswerRead(answer=answer.text, intent=answer.intent, grounded=answer.grounded, citations=citations)
