"""What the settlement engine reads and returns: claim lines, the claim, the member, annual counters, the result.

Plain frozen dataclasses over ``Money`` / ``Ratio`` (no database, no pydantic), so that the engine is a pure
function and fast. The result uses the national platform's settlement field names (2207 / 2304 output).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal

from cityservices.insurance.vocabulary import CHRGITM_LV_ZH, ChrgitmLv, ElsewhereKind, FundPayType, HospLevel
from cityservices.kit.money import Money, Ratio

ZERO = Money(0)


class ClaimInvalid(ValueError):
    """A claim the engine cannot settle; ``field`` names the offending input."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """One fee line: the item by code, its catalogue class and price limit as the caller looked them up.

    ``selfpay_prop`` is the item's own 乙类 pre-self-pay ratio when the catalogue gives one; otherwise the
    rule table's default for the class applies."""

    code: str
    name: str
    chrgitm_lv: ChrgitmLv
    unit_price: Money
    quantity: Decimal
    price_limit: Money | None = None
    selfpay_prop: Ratio | None = None

    @property
    def amount(self) -> Money:
        return Money(self.unit_price.amount * self.quantity)


@dataclass(frozen=True, slots=True)
class Claim:
    setl_date: dt.date
    med_type: str
    hosp_lv: HospLevel
    lines: tuple[ClaimLine, ...]
    fixmedins_code: str = ""
    use_account: bool = True
    elsewhere: ElsewhereKind | None = None


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """What the engine needs to know about the insured person."""

    psn_no: str
    psn_type: str
    insutype: str  # 310 employee basic or 390 resident basic
    account_balance: Money = ZERO
    civil_servant: bool = False  # enrolled in 320 (civil-servant subsidy)
    assistance: bool = False  # a medical-assistance (医疗救助) beneficiary


@dataclass(frozen=True, slots=True)
class Counters:
    """A member's annual counters for one calendar year (what earlier settlements used)."""

    year: int
    admissions: int = 0
    dedc_year_outpatient: Money = ZERO  # annual deductible borne (rules with ``per = year``)
    dedc_year_inpatient: Money = ZERO
    hifp_paid: Money = ZERO  # pooled fund (310100 / 390100)
    layer_paid: Money = ZERO  # large-amount / serious-illness layer (330100 / 390200)
    cvlserv_paid: Money = ZERO
    maf_paid: Money = ZERO

    def apply(self, delta: Counters, sign: int = 1) -> Counters:
        """These counters plus (``sign`` 1) or minus (−1) a settlement's delta."""
        if delta.year != self.year:
            raise ValueError(f"counters of {self.year} cannot take a delta of {delta.year}")
        changes: dict[str, object] = {}
        for f in fields(self):
            if f.name == "year":
                continue
            mine, theirs = getattr(self, f.name), getattr(delta, f.name)
            changes[f.name] = mine + theirs * sign
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class FundDetail:
    """One fund's part (``setldetail``)."""

    fund_pay_type: FundPayType
    inscp_scp_amt: Money  # the base this fund worked on
    crt_payb_lmt_amt: Money  # what it could still pay this year before this settlement
    fund_payamt: Money
    setl_proc_info: str  # how it was computed, in Chinese


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One sentence of the explanation, with the rule rows it used."""

    step: str
    text: str
    rule_ids: tuple[str, ...] = ()


@dataclass(slots=True)
class LineResult:  # not frozen: a frozen dataclass's __init__ costs a fifth of a 30-line settlement
    code: str
    name: str
    chrgitm_lv: ChrgitmLv
    det_item_fee_sumamt: Money
    fulamt_ownpay_amt: Money
    overlmt_selfpay: Money
    preselfpay_amt: Money
    inscp_scp_amt: Money
    selfpay_prop: Ratio
    price_limit: Money | None = None  # set when the line was above it
    rule_id: str | None = None  # the 乙类 pre-self-pay rule row used (none: the item's own ratio, or none applied)
    citation: str = ""


def describe_line(index: int, line: LineResult) -> TraceStep:
    """The trace sentence of one line: how it split into 全自费 / 超限价 / 先行自付 / 政策范围内."""
    head = (
        f"第{index + 1}项 {line.name}（{line.code}，{CHRGITM_LV_ZH[line.chrgitm_lv]}）{line.det_item_fee_sumamt.yuan()}"
    )
    if line.chrgitm_lv == "03":
        return TraceStep("line", f"{head}：目录外，全部自费")
    parts = []
    if line.price_limit is not None:
        parts.append(f"单价超出限价 {line.price_limit.yuan()}，超出部分 {line.overlmt_selfpay.yuan()} 自费")
    if line.chrgitm_lv == "02":
        who = "该药品/项目先行自付" if line.rule_id is None else "乙类先行自付"
        parts.append(f"{who} {line.selfpay_prop.percent()}，计 {line.preselfpay_amt.yuan()}")
    parts.append(f"符合政策范围 {line.inscp_scp_amt.yuan()}")
    text = f"{head}：" + "，".join(parts)
    if line.rule_id is not None:
        return TraceStep("line", f"{text}（{line.citation}）", (line.rule_id,))
    return TraceStep("line", text)


@dataclass(frozen=True, slots=True)
class Settlement:
    """The engine's answer. Money fields use the national names; ``pool_prop_selfpay`` is a Ratio."""

    medfee_sumamt: Money
    fulamt_ownpay_amt: Money
    overlmt_selfpay: Money
    preselfpay_amt: Money
    inscp_scp_amt: Money
    act_pay_dedc: Money
    hifp_pay: Money
    pool_prop_selfpay: Ratio
    cvlserv_pay: Money
    hifmi_pay: Money
    hifob_pay: Money
    maf_pay: Money
    fund_pay_sumamt: Money
    psn_part_amt: Money
    acct_pay: Money
    psn_cash_pay: Money
    balc: Money
    lines: tuple[LineResult, ...]
    setldetail: tuple[FundDetail, ...]
    steps: tuple[TraceStep, ...]  # the explanation without the per-line sentences (see ``trace``)
    delta: Counters  # what this settlement adds to the member's annual counters
    rules_version: str = ""
    example_parameters: bool = False  # true when any rule row used is not verified
    rule_ids: tuple[str, ...] = field(default=())

    @property
    def trace(self) -> tuple[TraceStep, ...]:
        """The whole explanation: the claim, one sentence per line, then the waterfall."""
        lines = tuple(describe_line(i, line) for i, line in enumerate(self.lines))
        return self.steps[:1] + lines + self.steps[1:]

    def money_fields(self) -> dict[str, Money]:
        return {f.name: getattr(self, f.name) for f in fields(self) if isinstance(getattr(self, f.name), Money)}
