"""What the assistant can cite: every rule row rendered as a plain sentence, and the guide passages
(``data/qingdao/insurance/assistant/guides.json``), indexed for retrieval with BM25 over Chinese character
bigrams (no external model)."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Final

from cityservices.insurance.rules.book import RuleBook, table_of
from cityservices.insurance.rules.schemas import (
    AnnualCapRule,
    ContributionBaseRule,
    ContributionRateRule,
    DeductibleRule,
    ElsewhereReductionRule,
    LayerRatioRule,
    MaternityDaysRule,
    PoolRatioRule,
    PreSelfPayRule,
    RuleBase,
)
from cityservices.insurance.vocabulary import (
    ELSEWHERE_ZH,
    FUND_PAY_TYPE_ZH,
    HOSP_LV_ZH,
    INSUTYPE_ZH,
    MED_KIND_ZH,
    PSN_GROUP_ZH,
)

GUIDES: Final = Path(__file__).resolve().parents[5] / "data" / "qingdao" / "insurance" / "assistant" / "guides.json"
TABLE_ZH: Final = {
    "deductible": "起付标准",
    "pool_ratio": "统筹基金支付比例",
    "annual_cap": "年度最高支付限额",
    "layer_ratio": "补充层支付比例",
    "preselfpay": "乙类先行自付比例",
    "contribution_rate": "缴费比例",
    "contribution_base": "缴费基数上下限",
    "elsewhere_reduction": "异地就医支付比例降幅",
    "maternity_days": "生育津贴天数",
}
# Words citizens use for each table (searched with the row's sentence).
TABLE_WORDS: Final = {
    "deductible": ("起付线", "起付标准", "门槛", "多少钱以上才能报", "起付"),
    "pool_ratio": ("报销比例", "报多少", "能报百分之", "支付比例"),
    "annual_cap": ("封顶线", "最高", "最多", "一年最多报", "最高报", "限额"),
    "layer_ratio": ("报销比例", "支付比例", "超过限额"),
    "preselfpay": ("先自付", "先付", "自己先付", "乙类药", "乙类项目"),
    "contribution_rate": ("缴费比例", "交医保", "交多少", "工资的百分之", "缴纳"),
    "contribution_base": ("缴费基数", "基数", "最低", "最高"),
    "elsewhere_reduction": ("外地", "异地", "降低", "降几个百分点", "报销比例"),
    "maternity_days": ("产假", "天数", "生孩子", "多少天"),
}
# The insurance type a fund's cap belongs to (assistance applies to both).
FUND_INSUTYPE: Final = {"310100": "310", "320100": "310", "330100": "310", "390100": "390", "390200": "390"}
PAYER_ZH: Final = {"employer": "单位", "employee": "职工个人", "individual": "个人（灵活就业或居民）"}
MATERNITY_ZH: Final = {
    "normal": "正常生育产假",
    "difficult": "难产增加",
    "extra_baby": "多胞胎每多一个婴儿增加",
    "miscarriage_lt4m": "怀孕未满4个月流产",
    "miscarriage_ge4m": "怀孕满4个月流产",
    "provincial_extra": "山东省延长产假",
}
# Characters that carry no topic on their own (question words, particles, pronouns).
STOP: Final = frozenset("我的是了吗呢吧啊呀么什怎样多少请问你能还可以要会在和与及或这那个些把被给就都也很么嘛哪谁为")


@dataclass(frozen=True)
class Passage:
    """A citable text: a rule row (``kind`` = "rule", ``ref`` its id) or a guide (``ref`` its id)."""

    kind: str
    ref: str
    title: str
    text: str
    source: str
    verified: bool
    table: str = ""
    insutype: str = ""
    keywords: tuple[str, ...] = ()
    rule: RuleBase | None = field(default=None, compare=False)


def _pct(value: object) -> str:
    return f"{float(str(value)) * 100:g}%"


def rule_sentence(row: RuleBase) -> tuple[str, str]:
    """(title, plain sentence) of a rule row."""
    if isinstance(row, DeductibleRule):
        kind = MED_KIND_ZH[row.med_kind]
        nth = "第二次及以后住院" if row.admission_from > 1 else ("第一次住院" if row.per == "admission" else "")
        per = "每次住院" if row.per == "admission" else "每年累计"
        title = f"{INSUTYPE_ZH[row.insutype]}{kind}起付线"
        return title, f"{title}（{HOSP_LV_ZH[row.hosp_lv]}医院{nth}）：{per} {row.amount.amount} 元"
    if isinstance(row, PoolRatioRule):
        title = f"{INSUTYPE_ZH[row.insutype]}{MED_KIND_ZH[row.med_kind]}报销比例"
        who = PSN_GROUP_ZH[row.psn_group]
        return title, f"{title}（{who}人员，{HOSP_LV_ZH[row.hosp_lv]}医院）：统筹基金支付 {_pct(row.ratio.value)}"
    if isinstance(row, AnnualCapRule):
        title = f"{FUND_PAY_TYPE_ZH[row.fund_pay_type]}年度最高支付限额"
        return title, f"{title}：一年最多支付 {row.amount.amount} 元（封顶线）"
    if isinstance(row, LayerRatioRule):
        title = f"{FUND_PAY_TYPE_ZH[row.fund_pay_type]}支付比例"
        return title, f"{title}：{_pct(row.ratio.value)}，{row.note}"
    if isinstance(row, PreSelfPayRule):
        title = f"{INSUTYPE_ZH[row.insutype]}乙类药品和项目先行自付比例"
        return title, f"{title}：乙类费用先由个人自付 {_pct(row.ratio.value)}，其余再按比例报销"
    if isinstance(row, ContributionRateRule):
        title = f"{INSUTYPE_ZH[row.insutype]}缴费比例"
        about = "左右" if row.approximate else ""
        return title, f"{title}：{PAYER_ZH[row.payer]}缴纳工资的 {_pct(row.ratio.value)}{about}"
    if isinstance(row, ContributionBaseRule):
        title = f"{INSUTYPE_ZH[row.insutype]}月缴费基数上下限"
        return title, f"{title}：下限 {row.lower.amount} 元，上限 {row.upper.amount} 元"
    if isinstance(row, ElsewhereReductionRule):
        scope = "全国规定的降幅上限" if row.scope == "national_cap" else "青岛执行的降幅"
        title = f"{ELSEWHERE_ZH[row.kind]}支付比例降低"
        return title, f"异地就医{title}（{scope}）：{float(str(row.points.value)) * 100:g} 个百分点"
    if isinstance(row, MaternityDaysRule):
        title = f"产假天数（{MATERNITY_ZH.get(row.case, row.case)}）"
        return title, f"{title}：{row.days} 天，生育津贴按产假天数计算"
    return TABLE_ZH.get(table_of(type(row)), "规则"), row.note or row.id


def _insutype_of(row: RuleBase) -> str:
    fund = str(getattr(row, "fund_pay_type", ""))
    return str(getattr(row, "insutype", "")) or FUND_INSUTYPE.get(fund, "")


def rule_passages(book: RuleBook, day: object = None) -> list[Passage]:
    passages = []
    for row in book.all_rows():
        if day is not None and not row.covers(day):  # type: ignore[arg-type]
            continue
        title, text = rule_sentence(row)
        passages.append(Passage(
            kind="rule", ref=row.id, title=title, text=text, source=row.source, verified=row.verified,
            table=table_of(type(row)), insutype=_insutype_of(row), rule=row,
            keywords=TABLE_WORDS.get(table_of(type(row)), ()),
        ))  # fmt: skip
    return passages


@cache
def guide_passages(path: Path = GUIDES) -> tuple[Passage, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Passage(
            kind="guide",
            ref=g["id"],
            title=g["title"],
            text=g["text"],
            source=g["source"],
            verified=bool(g["verified"]),
            keywords=tuple(g.get("keywords", ())),
        )
        for g in data["guides"]
    )


_TOKEN = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")


def terms(text: str) -> list[str]:
    """Character bigrams of each run of Chinese (stop characters dropped first), and Latin or digit words."""
    found: list[str] = []
    for run in _TOKEN.findall(text.lower()):
        if not run[0].isascii():
            kept = "".join(ch for ch in run if ch not in STOP)
            found.extend(kept[i : i + 2] for i in range(len(kept) - 1))
            if len(kept) == 1:
                found.append(kept)
        else:
            found.append(run)
    return found


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    matched: int  # distinct question terms found in the passage


class Index:
    """BM25 (k1 = 1.2, b = 0.75) over passage title, text and keywords."""

    def __init__(self, passages: list[Passage]) -> None:
        self.passages = passages
        self.docs = [Counter(terms(f"{p.title} {p.title} {p.text} {' '.join(p.keywords * 2)}")) for p in passages]
        self.lengths = [sum(doc.values()) for doc in self.docs]
        self.average = sum(self.lengths) / max(len(self.lengths), 1)
        frequency: Counter[str] = Counter()
        for doc in self.docs:
            frequency.update(doc.keys())
        n = len(passages)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}

    def search(self, question: str, *, limit: int = 8) -> list[Hit]:
        query = set(terms(question))
        hits = []
        for passage, doc, length in zip(self.passages, self.docs, self.lengths, strict=True):
            score, matched = 0.0, 0
            for term in query:
                tf = doc.get(term, 0)
                if tf:
                    matched += 1
                    score += self.idf[term] * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / self.average))
            if matched:
                hits.append(Hit(passage, score, matched))
        hits.sort(key=lambda h: (-h.score, h.passage.ref))
        return hits[:limit]

    def known(self, question: str) -> int:
        """How many of the question's terms occur anywhere in the index."""
        return sum(1 for term in set(terms(question)) if term in self.idf)
