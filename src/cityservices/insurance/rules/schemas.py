"""Rule rows as validated records: one pydantic model per rule table, each with its key and its values.

Every row carries ``id`` (stable, cited in settlement traces), ``source`` (where the figure comes from),
``valid_from`` / ``valid_to`` (``valid_to`` exclusive; none = open-ended) and ``verified`` (false = an example
parameter, 示例参数，未经核实). Two rows of one table with the same key may not overlap in validity.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema, model_validator

from cityservices.insurance.vocabulary import (
    ChrgitmLv,
    ElsewhereKind,
    FundPayType,
    HospLevel,
    Insutype,
    MedKind,
    PsnGroup,
)
from cityservices.kit.money import Money, Ratio


def _money(value: object) -> Money:
    if isinstance(value, Money):
        return value
    if isinstance(value, float):
        raise ValueError('金额请写成字符串或整数（如 "1000.00"）')
    try:
        amount = Money(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"不是有效金额: {value!r}") from exc
    if amount.is_negative:
        raise ValueError("金额不能为负数")
    return amount


def _ratio(value: object) -> Ratio:
    if isinstance(value, Ratio):
        return value
    if isinstance(value, float):
        raise ValueError('比例请写成字符串（如 "0.85"）')
    try:
        return Ratio(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"不是 0 到 1 之间的比例: {value!r}") from exc


MoneyField = Annotated[
    Money,
    BeforeValidator(_money),
    PlainSerializer(lambda m: str(m.amount), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "description": "元，两位小数"}),
]
RatioField = Annotated[
    Ratio,
    BeforeValidator(_ratio),
    PlainSerializer(lambda r: str(r.value), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^[01](\.\d{1,4})?$", "description": "比例，四位小数"}),
]


class RuleBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    key_fields: ClassVar[tuple[str, ...]] = ()
    label: ClassVar[str] = ""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,79}$")
    source: str = Field(min_length=2, max_length=500)
    valid_from: dt.date
    valid_to: dt.date | None = None
    verified: bool
    note: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _dates_in_order(self) -> RuleBase:
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise ValueError("valid_to 必须晚于 valid_from")
        return self

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(str(getattr(self, name)) for name in self.key_fields)

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def citation(self) -> str:
        """How a trace cites this row: id, and 示例参数 when it is not verified."""
        if self.verified:
            return f"规则 {self.id}：{self.source}"
        return f"规则 {self.id}：示例参数，未经核实"


class DeductibleRule(RuleBase):
    """起付标准: per admission (by the admission's number in the year) or per year (outpatient)."""

    key_fields = ("insutype", "med_kind", "hosp_lv", "admission_from")
    label = "起付标准"
    table: Literal["deductible"]
    insutype: Insutype
    med_kind: MedKind
    hosp_lv: HospLevel
    admission_from: int = Field(default=1, ge=1, le=99)  # this row applies from the N-th admission of the year
    per: Literal["admission", "year"]
    amount: MoneyField


class PoolRatioRule(RuleBase):
    """统筹基金支付比例 by insurance type, kind of treatment, member group and hospital level."""

    key_fields = ("insutype", "med_kind", "psn_group", "hosp_lv")
    label = "统筹基金支付比例"
    table: Literal["pool_ratio"]
    insutype: Insutype
    med_kind: MedKind
    psn_group: PsnGroup
    hosp_lv: HospLevel
    ratio: RatioField


class AnnualCapRule(RuleBase):
    """年度最高支付限额 of one fund (pooled fund, large-amount layer, medical assistance …)."""

    key_fields = ("fund_pay_type",)
    label = "年度最高支付限额"
    table: Literal["annual_cap"]
    fund_pay_type: FundPayType
    amount: MoneyField


class LayerRatioRule(RuleBase):
    """The ratio a supplementary fund pays: 大额补助 / 大病保险 above the pooled cap, 公务员补助, 医疗救助."""

    key_fields = ("fund_pay_type",)
    label = "补充层支付比例"
    table: Literal["layer_ratio"]
    fund_pay_type: FundPayType
    ratio: RatioField


class PreSelfPayRule(RuleBase):
    """乙类先行自付比例 (default for a class; a claim line may carry the item's own ratio)."""

    key_fields = ("insutype", "chrgitm_lv")
    label = "乙类先行自付比例"
    table: Literal["preselfpay"]
    insutype: Insutype
    chrgitm_lv: ChrgitmLv
    ratio: RatioField


class ContributionRateRule(RuleBase):
    """缴费比例 of the employer, the employee or an individual contributor."""

    key_fields = ("insutype", "payer")
    label = "缴费比例"
    table: Literal["contribution_rate"]
    insutype: Insutype
    payer: Literal["employer", "employee", "individual"]
    ratio: RatioField
    approximate: bool = False  # the national rule says "about" (左右)


class ContributionBaseRule(RuleBase):
    """月缴费基数上下限."""

    key_fields = ("insutype",)
    label = "缴费基数上下限"
    table: Literal["contribution_base"]
    insutype: Insutype
    lower: MoneyField
    upper: MoneyField

    @model_validator(mode="after")
    def _bounds_in_order(self) -> ContributionBaseRule:
        if self.upper < self.lower:
            raise ValueError("upper 不能低于 lower")
        return self


class ElsewhereReductionRule(RuleBase):
    """异地就医 ratio reduction in percentage points; ``national_cap`` rows are the national maximum."""

    key_fields = ("kind", "scope")
    label = "异地就医支付比例降幅"
    table: Literal["elsewhere_reduction"]
    kind: ElsewhereKind
    scope: Literal["national_cap", "local"]
    points: RatioField


class MaternityDaysRule(RuleBase):
    """产假 / 生育津贴 days per case."""

    key_fields = ("case",)
    label = "生育津贴天数"
    table: Literal["maternity_days"]
    case: Literal["normal", "difficult", "extra_baby", "miscarriage_lt4m", "miscarriage_ge4m", "provincial_extra"]
    days: int = Field(ge=1, le=365)


class MaternityFeeRule(RuleBase):
    """生育医疗费用: what one maternity case (prenatal visit, delivery stay, family-planning operation) is paid.

    Employees are paid by the maternity fund (510100; maternity and employee basic insurance are run together
    since 国办发〔2019〕10号); residents by the resident basic fund (390100). The fund pays ``ratio`` of the
    policy-scope fees above ``deductible``, at most ``case_cap`` per settlement; it does not count against the
    basic insurance's annual counters."""

    key_fields = ("insutype", "med_type", "hosp_lv")
    label = "生育医疗费用支付标准"
    table: Literal["maternity_fee"]
    insutype: Literal["310", "390"]
    med_type: Literal["51", "52", "53"]
    hosp_lv: HospLevel
    fund_pay_type: Literal["510100", "390100"]
    deductible: MoneyField = Field(default_factory=lambda: Money(0))
    ratio: RatioField
    case_cap: MoneyField

    @model_validator(mode="after")
    def _fund_matches_insurance(self) -> MaternityFeeRule:
        expected = "510100" if self.insutype == "310" else "390100"
        if self.fund_pay_type != expected:
            raise ValueError(f"insutype {self.insutype} 的生育医疗费用由 {expected} 支付")
        return self


RuleRow = Annotated[
    DeductibleRule
    | PoolRatioRule
    | AnnualCapRule
    | LayerRatioRule
    | PreSelfPayRule
    | ContributionRateRule
    | ContributionBaseRule
    | ElsewhereReductionRule
    | MaternityDaysRule
    | MaternityFeeRule,
    Field(discriminator="table"),
]
RULE_CLASSES: tuple[type[RuleBase], ...] = (
    DeductibleRule,
    PoolRatioRule,
    AnnualCapRule,
    LayerRatioRule,
    PreSelfPayRule,
    ContributionRateRule,
    ContributionBaseRule,
    ElsewhereReductionRule,
    MaternityDaysRule,
    MaternityFeeRule,
)
TABLE_LABELS: dict[str, str] = {
    cls.model_fields["table"].annotation.__args__[0]: cls.label  # type: ignore[union-attr]
    for cls in RULE_CLASSES
}


class RuleFile(BaseModel):
    """A rule file: a version name, provenance in words, and the rows."""

    model_config = ConfigDict(extra="forbid")
    version: str = Field(min_length=1, max_length=40)
    region: str = Field(pattern=r"^\d{6}$")
    provenance: str = Field(min_length=2)
    rules: list[RuleRow] = Field(min_length=1)


class RuleRead(BaseModel):
    """A stored rule row as the API and CLI show it."""

    id: str
    table: str
    label: str
    version: str
    valid_from: dt.date
    valid_to: dt.date | None
    verified: bool
    marking: str
    source: str
    values: dict[str, Any]


class RuleEditRead(RuleRead):
    """A rule row for editing: ``row_version`` (also the ``ETag``) to send back as ``If-Match`` / ``base_version``,
    and the whole row as the rule file has it (``body``)."""

    row_version: int
    body: dict[str, Any]


class RuleEdit(BaseModel):
    """A change to one row: the fields to change (as in the rule file) and the version it is based on."""

    model_config = ConfigDict(extra="forbid")
    base_version: int | None = Field(default=None, ge=1, le=1_000_000, description="所依据的版本号（或 If-Match）")
    values: dict[str, Any] = Field(description='要修改的字段，如 {"amount": "900", "valid_to": "2027-01-01"}')


class RuleAdd(BaseModel):
    """A new row, as one row of the rule file."""

    model_config = ConfigDict(extra="forbid")
    row: dict[str, Any]


class RuleChangeRead(BaseModel):
    field: str
    label: str
    before: str
    after: str


class RuleVersionRead(BaseModel):
    version: int
    action: str = Field(description="load 载入文件 | edit 工作人员修改 | add 工作人员新增")
    changed_at: dt.datetime
    changed_by: str
    changes: list[RuleChangeRead]
    body: dict[str, Any]


def rule_values(row: RuleBase) -> dict[str, Any]:
    """The row's key and values, without the common fields (as JSON-ready strings)."""
    common = set(RuleBase.model_fields) | {"table"}
    return {k: v for k, v in row.model_dump(mode="json").items() if k not in common}
