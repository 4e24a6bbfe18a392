"""Filing requests and answers, the ratio preview and the settlement at the place of treatment."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from cityservices.insurance.filings.rules import CategoryCode
from cityservices.insurance.settlement.schemas import ClaimRequest, SettlementRead
from cityservices.insurance.vocabulary import HospLevel

Admdvs = str
ADMDVS_FIELD = Field(pattern=r"^\d{6}$", description="就医地行政区划代码 mdtrtarea_admvs（6 位）")


class FilingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    psn_no: str = Field(pattern=r"^[A-Za-z0-9]{4,30}$")
    category: CategoryCode
    mdtrtarea_admvs: Admdvs = ADMDVS_FIELD
    begin_date: dt.date
    end_date: dt.date | None = Field(default=None, description="临时外出就医可填；缺省为规则的有效期")
    admission_date: dt.date | None = Field(default=None, description="已入院未出院时补办备案：入院日期")
    documents: list[str] = Field(default_factory=list, max_length=10, description="所交材料种类")
    dcla_souc: str = Field(default="02", pattern=r"^(01|02|03|04|05|99)$", description="申报渠道")


class FilingChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mdtrtarea_admvs: Admdvs = ADMDVS_FIELD
    begin_date: dt.date


class FilingRead(BaseModel):
    filing_id: str
    psn_no: str
    category: str
    category_name: str
    mdtrtarea_admvs: str
    mdtrtarea_name: str
    begin_date: dt.date
    end_date: dt.date | None
    admission_date: dt.date | None
    documents: list[str]
    status: str
    cancelled_on: dt.date | None
    replaced_by: str | None
    earliest_change: dt.date  # the minimum stay: no change or cancellation before this day
    marking: str
    demo: bool


class DocumentOption(BaseModel):
    kinds: list[str]
    labels: list[str]


class CategoryRead(BaseModel):
    code: str
    name: str
    term: str
    documents: list[DocumentOption]
    validity_months: int | None
    min_stay_months: int
    change_rule: str
    cancel_rule: str
    source: str
    verified: bool
    marking: str
    note: str


class RatioPreview(BaseModel):
    """What filing in one category changes: the pooled-fund ratio and what a nominal stay would be paid."""

    category: str
    category_name: str
    direct_settlement: bool
    pool_ratio_local: str  # the ratio at home (4 decimals)
    pool_ratio_elsewhere: str
    reduction_points: str  # percentage points as a ratio string, e.g. "0.1000"
    nominal_amount: str
    fund_pay_local: str
    fund_pay_elsewhere: str
    explanation: list[str]
    example_parameters: bool


class PreviewRead(BaseModel):
    psn_type: str
    hosp_lv: HospLevel
    med_type: str
    on: dt.date
    previews: list[RatioPreview]


class PreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    psn_no: str = Field(pattern=r"^[A-Za-z0-9]{4,30}$")
    hosp_lv: HospLevel = "3"
    med_type: str = Field(default="21", pattern=r"^(11|21)$")
    on: dt.date | None = None


class ElsewhereSettleRequest(BaseModel):
    """A claim at the place of treatment: lines classified by that place's catalogue; the insured place's policy."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    mdtrtarea_admvs: Admdvs = ADMDVS_FIELD
    claim: ClaimRequest


class ElsewhereSettlementRead(BaseModel):
    filing_status: str  # filed, emergency, unfiled
    filing_id: str | None
    category: str | None
    direct_settlement: bool
    mdtrtarea_admvs: str
    mdtrtarea_name: str
    settlement: SettlementRead


class DocumentRead(BaseModel):
    id: int
    filing_id: str
    kind: str
    kind_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
