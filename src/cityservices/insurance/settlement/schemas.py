"""The settlement request (claim lines as the institution sends them) and the answer in the national field names.

Amounts travel as strings with two decimals, ``pool_prop_selfpay`` as a ratio string with four: JSON numbers
would turn them into floats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from cityservices.insurance.rules.schemas import MoneyField, RatioField
from cityservices.insurance.settlement.claims import Claim, ClaimLine, Settlement
from cityservices.insurance.vocabulary import FUND_PAY_TYPE_ZH, ChrgitmLv, ElsewhereKind, HospLevel, MedType
from cityservices.kit.money import Money


class ClaimLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    code: str = Field(min_length=1, max_length=50, description="医保目录编码")
    name: str = Field(min_length=1, max_length=200)
    chrgitm_lv: ChrgitmLv = Field(description="01 甲类, 02 乙类, 03 丙类（目录外）")
    unit_price: MoneyField
    quantity: Decimal = Field(gt=0, le=100000, max_digits=12, decimal_places=4)
    price_limit: MoneyField | None = None
    selfpay_prop: RatioField | None = Field(default=None, description="该项目的先行自付比例；缺省用规则表")


class ClaimRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    psn_no: str = Field(min_length=1, max_length=30)
    fixmedins_code: str = Field(pattern=r"^[A-Za-z0-9]{1,30}$", description="定点医药机构编号")
    med_type: MedType
    hosp_lv: HospLevel
    setl_date: dt.date
    use_account: bool = True
    elsewhere: ElsewhereKind | None = None
    lines: list[ClaimLineIn] = Field(min_length=1, max_length=1000)

    def to_claim(self) -> Claim:
        return Claim(
            setl_date=self.setl_date,
            med_type=self.med_type,
            hosp_lv=self.hosp_lv,
            fixmedins_code=self.fixmedins_code,
            use_account=self.use_account,
            elsewhere=self.elsewhere,
            lines=tuple(
                ClaimLine(
                    code=line.code,
                    name=line.name,
                    chrgitm_lv=line.chrgitm_lv,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                    price_limit=line.price_limit,
                    selfpay_prop=line.selfpay_prop,
                )
                for line in self.lines
            ),
        )


class FundDetailRead(BaseModel):
    fund_pay_type: str
    fund_pay_type_name: str
    inscp_scp_amt: str
    crt_payb_lmt_amt: str
    fund_payamt: str
    setl_proc_info: str


class TraceStepRead(BaseModel):
    step: str
    text: str
    rule_ids: list[str]


class TreatmentPlace(BaseModel):
    """Where a settlement elsewhere took place and under which filing: stored with the settlement, its step
    first in the trace."""

    mdtrtarea_admvs: str
    filing_status: str  # filed, emergency, unfiled
    filing_id: str | None
    step: TraceStepRead


class SettlementRead(BaseModel):
    """A (pre-)settlement in the national output's names (2207 / 2304)."""

    setl_id: str | None = None
    status: str = "preview"
    psn_no: str
    setl_date: dt.date
    medfee_sumamt: str
    fulamt_ownpay_amt: str
    overlmt_selfpay: str
    preselfpay_amt: str
    inscp_scp_amt: str
    act_pay_dedc: str
    hifp_pay: str
    pool_prop_selfpay: str = Field(description="统筹基金支付比例（比例，四位小数；不是金额）")
    cvlserv_pay: str
    hifmi_pay: str
    hifob_pay: str
    maf_pay: str
    fund_pay_sumamt: str
    psn_part_amt: str
    acct_pay: str
    psn_cash_pay: str
    balc: str
    setldetail: list[FundDetailRead]
    trace: list[TraceStepRead]
    rules_version: str
    example_parameters: bool = Field(description="true 时结果使用了示例参数（未经核实）")


def settlement_read(result: Settlement, *, psn_no: str, setl_date: dt.date) -> SettlementRead:
    money = {name: str(amount) for name, amount in result.money_fields().items()}
    return SettlementRead(
        psn_no=psn_no,
        setl_date=setl_date,
        **money,
        pool_prop_selfpay=str(result.pool_prop_selfpay),
        setldetail=[
            FundDetailRead(
                fund_pay_type=d.fund_pay_type,
                fund_pay_type_name=FUND_PAY_TYPE_ZH[d.fund_pay_type],
                inscp_scp_amt=str(d.inscp_scp_amt),
                crt_payb_lmt_amt=str(d.crt_payb_lmt_amt),
                fund_payamt=str(d.fund_payamt),
                setl_proc_info=d.setl_proc_info,
            )
            for d in result.setldetail
        ],
        trace=[TraceStepRead(step=s.step, text=s.text, rule_ids=list(s.rule_ids)) for s in result.trace],
        rules_version=result.rules_version,
        example_parameters=result.example_parameters,
    )


class InstitutionTotals(BaseModel):
    fixmedins_code: str
    count: int
    reversed: int
    medfee_sumamt: str
    fund_pay_sumamt: str
    acct_pay: str
    psn_cash_pay: str
    funds: dict[str, str]
    balanced: bool = Field(description="各基金合计等于基金支付总额")
    declared_match: bool | None = Field(default=None, description="与机构申报的总额一致（未申报时为空）")


class DeclaredTotals(BaseModel):
    """What an institution declares for a day (3201): counts and totals to compare."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    fixmedins_code: str
    count: int = Field(ge=0)
    medfee_sumamt: MoneyField
    fund_pay_sumamt: MoneyField
    acct_pay: MoneyField


class AdjustmentTotals(BaseModel):
    """Re-settlement adjustments recorded on the day (Beijing time), per institution of the settlement and kind."""

    fixmedins_code: str
    kind: str = Field(description="pay 补付（基金多付）/ reclaim 追回（基金少付）/ counters 仅调整累计")
    kind_zh: str
    count: int
    fund_pay_diff: str = Field(description="基金支付变化合计（正数为基金补付）")
    acct_pay_diff: str = Field(description="个人账户支付变化合计")
    cash_pay_diff: str = Field(description="个人现金支付变化合计")


class ReconciliationRead(BaseModel):
    day: dt.date
    institutions: list[InstitutionTotals]
    adjustments: list[AdjustmentTotals] = Field(
        default_factory=list, description="当日记录的重新结算差额（补付 / 追回），按原结算的机构与类别汇总"
    )


class EstimateRequest(BaseModel):
    """A hypothetical stay or visit for the public estimator: amounts by catalogue class, no person."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    psn_type: str = Field(
        pattern=r"^1[1-5]\d\d$", description="人员类别，如 1101 在职职工、1201 退休职工、1501 成年居民"
    )
    med_type: MedType = "21"
    hosp_lv: HospLevel = "3"
    class_a: MoneyField = Field(default_factory=lambda: Money(0), description="甲类费用")
    class_b: MoneyField = Field(default_factory=lambda: Money(0), description="乙类费用")
    outside: MoneyField = Field(default_factory=lambda: Money(0), description="目录外（丙类）费用")
    admissions_before: int = Field(default=0, ge=0, le=50, description="本年度此前住院次数")
    civil_servant: bool = False
    setl_date: dt.date | None = Field(default=None, description="缺省为今天（北京时间）")
