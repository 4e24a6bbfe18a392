"""Shapes of the member's own archive: masked identity, relations with their status history, contributions,
account movements, settlements with their plain-Chinese trace, and this year's counters against the rule rows."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from cityservices.insurance.filings.schemas import FilingRead


class StatusStepRead(BaseModel):
    effective_month: dt.date
    status: str
    status_label: str


class RelationRead(BaseModel):
    insutype: str
    insutype_label: str
    crt_insu_date: dt.date
    current_status_label: str
    history: list[StatusStepRead]


class ContributionRead(BaseModel):
    month: dt.date
    insutype: str
    insutype_label: str
    base: str
    employer_amt: str
    employee_amt: str
    account_amt: str


class MovementRead(BaseModel):
    at: dt.datetime = Field(description="北京时间")
    kind: str
    kind_label: str
    amount: str
    balance_after: str


class AdjustmentRead(BaseModel):
    """A re-settlement adjustment of a settlement (补付 / 追回), in plain words."""

    at: dt.datetime = Field(description="记录时间（北京时间）")
    kind: str = Field(description="pay 补付 | reclaim 追回 | counters 累计更正")
    kind_label: str
    fund_pay_diff: str = Field(description="医保支付的变化（正数为多支付）")
    acct_pay_diff: str = Field(description="个人账户支付的变化（负数为退回账户）")
    cash_pay_diff: str = Field(description="现金支付的变化（负数为补给本人）")
    text: str


class SettlementSummaryRead(BaseModel):
    setl_id: str
    setl_date: dt.date
    med_type_label: str
    status_label: str
    medfee_sumamt: str
    fund_pay_sumamt: str
    acct_pay: str
    psn_cash_pay: str
    elsewhere: str | None = Field(
        default=None, description="异地就医结算：就医地与备案情况（如“在北京市就医（已备案）”）"
    )
    trace: list[str] = Field(description="每一步怎么算的（白话）")
    adjustments: list[AdjustmentRead] = Field(default_factory=list, description="重新结算后的补付 / 追回")


class CounterLineRead(BaseModel):
    """One of this year's limits: what the rule row says, what was used, what remains."""

    name: str
    limit: str
    used: str
    remaining: str
    rule_id: str
    example_parameter: bool = Field(description="true 时为示例参数，未经核实")


class CountersSummaryRead(BaseModel):
    year: int
    admissions: int
    insutype: str | None
    lines: list[CounterLineRead]
    fund_paid: str


class CertificateSummaryRead(BaseModel):
    cert_no: str
    issued_at: dt.datetime = Field(description="北京时间")
    channel_label: str
    revoked: bool


class MaternitySummaryRead(BaseModel):
    application_no: str
    birth_date: dt.date
    birth_kind_label: str
    days: int
    amount: str
    status_label: str
    example_parameters: bool = Field(description="true 时为示例参数，未经核实")


class ArchiveRead(BaseModel):
    psn_no: str
    name_masked: str
    certno_masked: str
    psn_type_label: str
    demo: bool
    year: int
    balance: str
    relations: list[RelationRead]
    contributions: list[ContributionRead]
    movements: list[MovementRead]
    settlements: list[SettlementSummaryRead]
    counters: CountersSummaryRead
    filings: list[FilingRead] = Field(default_factory=list, description="异地就医备案（全部年份）")
    certificates: list[CertificateSummaryRead] = Field(default_factory=list, description="参保证明（最近的在前）")
    maternity: list[MaternitySummaryRead] = Field(default_factory=list, description="生育津贴申请")
