"""Measure the assistant on a question set (``tests/data/insurance/assistant_questions.jsonl``): each line has
``question``, the expected ``intent``, optionally the rule row or guide that must be cited (``cite``) and words
the answer must contain. Personal questions are answered from a fixed demo archive (an employee in service)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cityservices.insurance.archive.assistant.engine import Answer, answer_question
from cityservices.insurance.archive.assistant.knowledge import Index, guide_passages, rule_passages
from cityservices.insurance.archive.schemas import (
    ArchiveRead,
    ContributionRead,
    CounterLineRead,
    CountersSummaryRead,
    MovementRead,
    RelationRead,
    SettlementSummaryRead,
    StatusStepRead,
)
from cityservices.insurance.rules.book import RuleBook
from cityservices.kit.calendar import CHINA_TZ

DAY = dt.date(2026, 11, 20)


def sample_archive() -> ArchiveRead:
    """A demo employee's archive (演示数据) for the evaluation."""
    trace = [
        "起付标准：三级医院第一次住院 800.00 元，由个人负担（示例参数，未经核实）",
        "目录外费用 300.00 元全部自费",
        "统筹基金按 85% 支付政策范围内费用",
    ]
    return ArchiveRead(
        psn_no="DP0000001", name_masked="演**", certno_masked="3****************X", psn_type_label="在职职工",
        demo=True, year=2026, balance="1260.50",
        relations=[RelationRead(insutype="310", insutype_label="职工基本医疗保险", crt_insu_date=dt.date(2015, 1, 1),
                                current_status_label="正常参保",
                                history=[StatusStepRead(effective_month=dt.date(2015, 1, 1), status="1",
                                                        status_label="正常参保")])],
        contributions=[ContributionRead(month=dt.date(2026, m, 1), insutype="310", insutype_label="职工基本医疗保险",
                                        base="8000.00", employer_amt="480.00", employee_amt="160.00",
                                        account_amt="160.00") for m in range(11, 0, -1)],
        movements=[MovementRead(at=dt.datetime(2026, 11, 15, 9, 30, tzinfo=CHINA_TZ), kind="contribution",
                                kind_label="缴费划入", amount="160.00", balance_after="1260.50")],
        settlements=[SettlementSummaryRead(setl_id="S20260310001", setl_date=dt.date(2026, 3, 10),
                                           med_type_label="住院", status_label="已结算", medfee_sumamt="3300.00",
                                           fund_pay_sumamt="2125.00", acct_pay="0.00", psn_cash_pay="1175.00",
                                           trace=trace)],
        counters=CountersSummaryRead(year=2026, admissions=1, insutype="310", fund_paid="2125.00", lines=[
            CounterLineRead(name="门诊统筹起付线", limit="800.00", used="350.00", remaining="450.00",
                            rule_id="ded-310-out-l1", example_parameter=True),
            CounterLineRead(name="统筹基金年度最高支付限额", limit="300000.00", used="2125.00",
                            remaining="297875.00", rule_id="cap-310100", example_parameter=True),
        ]),
    )  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    question: str
    expected: str
    answer: Answer
    correct: bool


@dataclass(frozen=True)
class Score:
    outcomes: list[Outcome]

    @property
    def accuracy(self) -> float:
        return sum(o.correct for o in self.outcomes) / max(len(self.outcomes), 1)

    def by_intent(self) -> dict[str, tuple[int, int]]:
        total: Counter[str] = Counter(o.expected for o in self.outcomes)
        right: Counter[str] = Counter(o.expected for o in self.outcomes if o.correct)
        return {intent: (right[intent], total[intent]) for intent in sorted(total)}


def _is_correct(case: dict[str, object], answer: Answer) -> bool:
    if answer.intent != case["intent"]:
        return False
    cite = case.get("cite")
    if cite and cite not in {c.ref for c in answer.citations}:
        return False
    words = case.get("contains") or []
    return isinstance(words, list) and all(str(word) in answer.text for word in words)


def evaluate(path: Path, book: RuleBook) -> Score:
    index = Index([*rule_passages(book, DAY), *guide_passages()])
    archive = sample_archive()
    outcomes = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        answer = answer_question(case["question"], index=index, archive_of=lambda: archive, insutype="310")
        outcomes.append(Outcome(case["question"], case["intent"], answer, _is_correct(case, answer)))
    return Score(outcomes)
