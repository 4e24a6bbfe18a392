"""The assistant: grounded answers citing rule rows, guides and the member's own archive; honest refusals; the
question set's score; audit without the question's text; the page."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cityservices.insurance.archive.assistant.evaluate import evaluate
from cityservices.insurance.rules.book import RuleBook
from cityservices.insurance.rules.service import BUNDLED_RULES, read_rule_file
from cityservices.kit.audit.models import AuditEntry
from tests.auth.citizens.helpers import sign_in
from tests.insurance.archive.conftest import OWN_ID

QUESTIONS = Path(__file__).resolve().parents[2] / "data" / "insurance" / "assistant_questions.jsonl"
ASK = "/api/v1/insurance/archive/assistant"


def test_the_question_set() -> None:
    rule_file = read_rule_file(BUNDLED_RULES)
    score = evaluate(QUESTIONS, RuleBook.of(rule_file.rules, version=rule_file.version))
    assert len(score.outcomes) >= 100
    kinds = score.by_intent()
    assert {"rule", "guide", "cap_remaining", "other_person", "not_grounded"} <= set(kinds)
    assert score.accuracy >= 0.95
    for intent in ("other_person", "not_grounded"):  # a refusal must never be an invented answer
        right, total = kinds[intent]
        assert right == total


def _ask(client: TestClient, token: str, question: str) -> dict[str, object]:
    answer = client.post(ASK, json={"question": question}, headers={"X-CSRF-Token": token})
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    body: dict[str, object] = answer.json()
    return body


def test_own_cap_from_the_archive(insurance_client: TestClient, members_with_records: dict[str, str]) -> None:
    token = sign_in(insurance_client, OWN_ID)
    archive = insurance_client.get("/api/v1/insurance/archive").json()
    remaining = next(line["remaining"] for line in archive["counters"]["lines"] if line["rule_id"] == "cap-310100")
    body = _ask(insurance_client, token, "我今年还能报多少")
    assert body["intent"] == "cap_remaining"
    assert f"¥{remaining}" in str(body["answer"])
    refs = {c["ref"] for c in body["citations"]}  # type: ignore[attr-defined]
    assert {"cap-310100", "counters"} <= refs
    assert "依据" in str(body["answer"])


def test_rule_and_guide_answers_cite(insurance_client: TestClient, members_with_records: dict[str, str]) -> None:
    token = sign_in(insurance_client, OWN_ID)
    rule = _ask(insurance_client, token, "门诊起付线是多少")
    assert rule["intent"] == "rule"
    assert "ded-310-out-l1" in {c["ref"] for c in rule["citations"]}  # type: ignore[attr-defined]
    assert "示例参数，未经核实" in str(rule["answer"])
    guide = _ask(insurance_client, token, "怎么办异地备案")
    assert guide["intent"] == "guide"
    assert guide["citations"][0]["ref"] == "guide-elsewhere-filing"  # type: ignore[index]


def test_refusals(insurance_client: TestClient, db: Session, members_with_records: dict[str, str]) -> None:
    token = sign_in(insurance_client, OWN_ID)
    other = _ask(insurance_client, token, "我妈的账户余额是多少")
    assert other["intent"] == "other_person"
    assert other["grounded"] is False
    assert "本人" in str(other["answer"])
    unknown = _ask(insurance_client, token, "明天天气怎么样")
    assert unknown["intent"] == "not_grounded"
    assert unknown["citations"] == []
    ask = select(AuditEntry).where(AuditEntry.action == "insurance.assistant.ask").order_by(AuditEntry.id)
    entries = db.scalars(ask).all()
    assert [e.detail["intent"] for e in entries] == ["other_person", "not_grounded"]
    assert all("余额" not in str(e.detail) for e in entries)  # the question's text is never stored
    reads = db.scalars(select(AuditEntry).where(AuditEntry.action == "insurance.archive.read")).all()
    assert reads == []  # neither question read the archive


def test_needs_a_citizen_and_the_csrf_header(
    insurance_client: TestClient, members_with_records: dict[str, str]
) -> None:
    assert insurance_client.post(ASK, json={"question": "门诊起付线是多少"}).status_code == 401
    sign_in(insurance_client, OWN_ID)
    assert insurance_client.post(ASK, json={"question": "门诊起付线是多少"}).status_code == 403
    assert insurance_client.post(ASK, json={"question": ""}, headers={"X-CSRF-Token": "x"}).status_code in (403, 422)


def test_the_page(insurance_client: TestClient, members_with_records: dict[str, str]) -> None:
    sign_in(insurance_client, OWN_ID)
    page = insurance_client.get("/insurance/archive/assistant")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    answered = insurance_client.post(
        "/insurance/archive/assistant", data={"csrf_token": csrf.group(1), "question": "我的个人账户余额是多少"}
    )
    assert answered.status_code == 200
    assert "个人账户余额是 ¥" in answered.text
    assert OWN_ID not in answered.text
