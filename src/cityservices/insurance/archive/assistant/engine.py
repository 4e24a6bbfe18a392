"""The assistant's answers (pure: no database). A question about the member's own records is answered from
their archive and the rule row behind the figure; a question about rules or procedures from the best passages
found by retrieval; a question about someone else, or one nothing grounds, is refused and the refusal says why.
Every grounded answer cites its sources."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from cityservices.insurance.archive.assistant.knowledge import TABLE_ZH, Hit, Index, Passage
from cityservices.insurance.archive.schemas import ArchiveRead
from cityservices.insurance.vocabulary import EXAMPLE_MARK

MIN_MATCHED = 2
MIN_SCORE = 4.0
RELATED_SHARE = 0.75
FIGURE_SHARE = 0.5
MAX_RULES = 4
NOT_GROUNDED: Final = (
    "这个问题我没有找到可以依据的规则或记录，不能回答。我能回答医保政策（起付线、报销比例、最高支付限额、"
    "异地就医备案等）和您本人的医保记录（余额、额度、结算、缴费）。需要人工帮助，可以使用视频办。"
)
OTHER_PERSON: Final = "我只能查询您本人的医保记录，不能查询其他人的。家人的记录请由本人登录查询，或本人到经办窗口办理。"
NO_ARCHIVE: Final = "没有找到您的参保记录，无法回答与本人记录有关的问题。"

_OTHER = re.compile(
    r"(他|她|我(妈|爸|母亲|父亲|爱人|老婆|老公|妻子|丈夫|儿子|女儿|孩子|家人)|别人|朋友|同事|邻居)的?.{0,8}"
    r"(余额|账户里|还能报|报了|档案|记录|结算|交了|缴了|额度|起付线用)"
)
_ID_NUMBER = re.compile(r"\d{17}[\dXx]|\d{15}")


@dataclass(frozen=True)
class Citation:
    kind: str  # rule | guide | archive
    ref: str
    label: str
    source: str = ""
    example_parameter: bool = False


@dataclass(frozen=True)
class Answer:
    text: str
    intent: str
    grounded: bool
    citations: list[Citation] = field(default_factory=list)


def _rule_citation(passage: Passage) -> Citation:
    label = f"规则表「{TABLE_ZH.get(passage.table, passage.table)}」第 {passage.ref} 行"
    source = passage.source if passage.verified else EXAMPLE_MARK
    return Citation("rule", passage.ref, label, source, not passage.verified)


def _archive(ref: str, label: str) -> Citation:
    return Citation("archive", ref, label, "您的医保档案")


def _with_citations(text: str, citations: list[Citation]) -> str:
    cited = "；".join(f"{c.label}（{c.source}）" if c.source else c.label for c in citations)
    return f"{text} — 依据：{cited}" if cited else text


def _answer(text: str, intent: str, citations: list[Citation]) -> Answer:
    return Answer(_with_citations(text, citations), intent, True, citations)


# ----- the member's own records -----


def _line(archive: ArchiveRead, prefix: str) -> tuple[str, str, str, str, str, bool] | None:
    for line in archive.counters.lines:
        if line.rule_id.startswith(prefix):
            return line.name, line.limit, line.used, line.remaining, line.rule_id, line.example_parameter
    return None


def _counter_answer(archive: ArchiveRead, prefix: str, table: str, intent: str) -> Answer:
    found = _line(archive, prefix)
    if found is None:
        return Answer(f"您 {archive.year} 年没有有效的基本医疗保险参保状态，没有这项额度。", intent, True,
                      [_archive("relations", "参保情况")])  # fmt: skip
    name, limit, used, remaining, rule_id, example = found
    rule = Citation("rule", rule_id, f"规则表「{TABLE_ZH[table]}」第 {rule_id} 行", EXAMPLE_MARK if example else "")
    own = _archive("counters", f"{archive.year} 年年度累计（已用 ¥{used}）")
    if intent == "cap_remaining":
        text = f"您今年{name}内还可支付 ¥{remaining}（限额 ¥{limit}，已支付 ¥{used}）。"
    elif remaining == "0.00":
        text = f"您今年{name} ¥{limit} 已经达到（已累计 ¥{used}），之后的政策范围内费用按比例报销。"
    else:
        text = f"您今年{name}是 ¥{limit}，已累计 ¥{used}，还差 ¥{remaining} 达到起付线。"
    return _answer(text, intent, [rule, own])


def _balance(archive: ArchiveRead) -> Answer:
    return _answer(f"您的个人账户余额是 ¥{archive.balance}。", "balance", [_archive("account", "个人账户")])


def _last_credit(archive: ArchiveRead) -> Answer:
    credits = [m for m in archive.movements if m.kind == "contribution"]
    if not credits:
        return _answer(f"您 {archive.year} 年的个人账户没有缴费划入记录。", "last_credit",
                       [_archive("movements", "个人账户变动")])  # fmt: skip
    last = credits[0]
    text = f"最近一次划入是 {last.at:%Y年%m月%d日}（北京时间），划入 ¥{last.amount}，划入后余额 ¥{last.balance_after}。"
    return _answer(text, "last_credit", [_archive("movements", "个人账户变动")])


_SELF_PAID = re.compile(r"自费|自付|起付|目录外|超出|限额|先行|个人负担|不予支付")


def _self_paid(archive: ArchiveRead) -> Answer:
    settled = [s for s in archive.settlements if s.status_label == "已结算"]
    if not settled:
        return _answer(f"您 {archive.year} 年没有结算记录，无法说明自付原因。", "selfpay_why",
                       [_archive("settlements", "看病结算")])  # fmt: skip
    last = settled[0]
    steps = [step for step in last.trace if _SELF_PAID.search(step)] or last.trace[:3]
    text = (f"您 {last.setl_date:%m月%d日} 的{last.med_type_label}结算，费用 ¥{last.medfee_sumamt}，医保支付 "
            f"¥{last.fund_pay_sumamt}，自己付的部分是这样来的：" + "；".join(steps))  # fmt: skip
    return _answer(text, "selfpay_why", [_archive(last.setl_id, f"结算单 {last.setl_id} 的计算过程")])


def _fund_paid(archive: ArchiveRead) -> Answer:
    c = archive.counters
    text = (
        f"您 {c.year} 年医保基金一共支付了 ¥{c.fund_paid}，住院 {c.admissions} 次，结算 {len(archive.settlements)} 笔。"
    )
    return _answer(text, "fund_paid", [_archive("counters", f"{c.year} 年年度累计")])


def _admissions(archive: ArchiveRead) -> Answer:
    text = f"您 {archive.counters.year} 年住院结算了 {archive.counters.admissions} 次。"
    return _answer(text, "admissions", [_archive("counters", f"{archive.counters.year} 年年度累计")])


def _status(archive: ArchiveRead) -> Answer:
    parts = [f"{r.insutype_label}：{r.current_status_label}" for r in archive.relations] or ["没有参保关系"]
    return _answer("您的参保情况：" + "；".join(parts) + "。", "status", [_archive("relations", "参保情况")])


def _contributions(archive: ArchiveRead) -> Answer:
    rows = archive.contributions
    employee = sum(float(c.employee_amt) for c in rows)
    months = len({c.month for c in rows})
    text = (f"您 {archive.year} 年有 {months} 个月的缴费记录，个人缴纳合计 ¥{employee:.2f}"
            + (f"，最近一个月缴费基数 ¥{rows[0].base}。" if rows else "。"))  # fmt: skip
    return _answer(text, "contributions", [_archive("contributions", "缴费记录")])


def _cap(archive: ArchiveRead) -> Answer:
    return _counter_answer(archive, "cap-", "annual_cap", "cap_remaining")


def _deductible(archive: ArchiveRead) -> Answer:
    return _counter_answer(archive, "ded-", "deductible", "deductible_used")


def _any(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives))


# Questions about the member's own records, tried in this order.
PERSONAL: Final[tuple[tuple[str, re.Pattern[str], Callable[[ArchiveRead], Answer]], ...]] = (
    ("last_credit", _any(r"(什么时候|哪天|几号|何时).{0,8}(到账|划入|划到|打到|入账|打钱|进账)",
                         r"(到账|划入|入账|进账)了(吗|没)"), _last_credit),
    ("selfpay_why", _any(r"为什么.{0,12}(自费|自付|自己付|没报|报得少|报的少|报销少|不报|少报|不给报)",
                         r"(自费|自付)(了)?.{0,6}(为什么|怎么回事|原因)"), _self_paid),
    ("balance", _any(r"余额", r"账户(里)?(还)?有(多少)?钱", r"账户.{0,4}还剩"), _balance),
    ("cap_remaining", _any(r"还能报|还可以报|还能再报", r"还剩.{0,6}(额度|多少)", r"额度还(剩|有)|还有多少额度",
                           r"(封顶|限额).{0,6}还(剩|有|差)"), _cap),
    ("deductible_used", _any(r"起付线.{0,8}(用了|还差|够了|够没|达到|过了|满了|交够|凑够)",
                             r"我.{0,6}(过|到|达到|够)了?.{0,4}起付线", r"起付.{0,4}(花了|累计)"), _deductible),
    ("admissions", _any(r"住了?几次院", r"住院.{0,4}几次"), _admissions),
    ("fund_paid", _any(r"(今年|一共|总共|累计).{0,6}(报了|报销了|给我报|医保(付|支付)了|基金(付|支付)了)"), _fund_paid),
    ("status", _any(r"参保状态|断保|还在参保|停保了", r"(医保|保险).{0,4}(还有效|有效吗|正常吗)",
                    r"我.{0,4}参保了吗"), _status),
    ("contributions", _any(r"(交|缴)了(多少|几个月)", r"我.{0,6}(缴费|交费)(记录|了多少|多少)", r"我的缴费基数"),
     _contributions),
)  # fmt: skip


# ----- rules and guides -----


def _preferred(passages: list[Passage], question: str, insutype: str | None) -> list[Passage]:
    """Rule rows of the member's own insurance type, unless the question names employees or residents."""
    named = "职工" in question or "居民" in question
    if named or insutype is None:
        wanted = "310" if "职工" in question and "居民" not in question else "390" if "居民" in question else None
    else:
        wanted = insutype
    if wanted is None:
        return passages
    kept = [p for p in passages if not p.insutype or p.insutype == wanted]
    basic_fund = f"cap-{wanted}100"
    return sorted(kept, key=lambda p: p.ref != basic_fund) or passages


def _from_passages(question: str, hits: list[Hit], insutype: str | None) -> Answer:
    top = hits[0]
    if top.passage.kind == "guide":
        passage = top.passage
        source = passage.source if passage.verified else f"{passage.source}；{EXAMPLE_MARK}"
        citation = Citation("guide", passage.ref, f"办事指南「{passage.title}」", source, not passage.verified)
        return _answer(passage.text, "guide", [citation])
    related = [h.passage for h in hits if h.passage.kind == "rule" and h.passage.table == top.passage.table
               and h.score >= top.score * RELATED_SHARE]  # fmt: skip
    chosen = _preferred(related, question, insutype)[:MAX_RULES]
    text = "根据规则表：" + "；".join(p.text for p in chosen) + "。"
    if any(not p.verified for p in chosen):
        text += f"（标有“{EXAMPLE_MARK}”的是演示用示例参数，不代表青岛的正式政策。）"
    return _answer(text, "rule", [_rule_citation(p) for p in chosen])


def answer_question(
    question: str, *, index: Index, archive_of: Callable[[], ArchiveRead | None], insutype: str | None
) -> Answer:
    """The grounded answer to ``question``, or an honest refusal. ``archive_of`` reads the member's archive (an
    audited read) only when the question is about their own records."""
    text = question.strip()
    if not text:
        return Answer("请先输入您的问题。", "empty", False)
    if _OTHER.search(text) or _ID_NUMBER.search(text):
        return Answer(OTHER_PERSON, "other_person", False)
    for intent, pattern, respond in PERSONAL:
        if pattern.search(text):
            archive = archive_of()
            return respond(archive) if archive is not None else Answer(NO_ARCHIVE, intent, False)
    hits = index.search(text)
    if not hits or not _grounded(hits[0]):
        return Answer(NOT_GROUNDED, "not_grounded", False)
    return _from_passages(text, _figures_first(text, hits), insutype)


def _grounded(top: Hit) -> bool:
    """Enough of the question found: two terms, or one rare term scoring high."""
    return top.score >= MIN_SCORE and (top.matched >= MIN_MATCHED or top.score >= MIN_SCORE * 1.5)


_ASKS_FIGURE = re.compile(r"多少|几|百分之|比例|最高|最低|上限|下限")


def _figures_first(question: str, hits: list[Hit]) -> list[Hit]:
    """A question asking for a figure is answered from the rule tables when a rule row scores close to the top."""
    if not _ASKS_FIGURE.search(question) or hits[0].passage.kind == "rule":
        return hits
    rules = [h for h in hits if h.passage.kind == "rule" and h.score >= hits[0].score * FIGURE_SHARE]
    return rules + [h for h in hits if h not in rules] if rules else hits
