"""Validated input and the read shapes of members, relations, contributions and counters."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cityservices.insurance.enterprises.schemas import ADMDVS
from cityservices.insurance.identifiers import check_certno
from cityservices.insurance.rules.schemas import MoneyField
from cityservices.insurance.vocabulary import PSN_TYPE_ZH, Insutype


class MemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    psn_no: str = Field(pattern=r"^[A-Za-z0-9]{4,30}$")
    psn_name: str = Field(min_length=1, max_length=50)
    certno: str
    psn_type: str
    emp_no: str | None = None
    insuplc_admdvs: str = Field(pattern=ADMDVS)
    assistance: bool = False
    demo: bool = False

    @field_validator("certno")
    @classmethod
    def _certno(cls, value: str) -> str:
        return check_certno(value)

    @field_validator("psn_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in PSN_TYPE_ZH:
            raise ValueError(f"未知的人员类别 {value}")
        return value


class RelationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    psn_no: str
    insutype: Insutype
    crt_insu_date: dt.date
    emp_no: str | None = None


class ContributionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)
    psn_no: str
    insutype: Insutype
    month: dt.date
    base: MoneyField
    account_amt: MoneyField | None = None  # the allocation to the personal account; none = the rule's share

    @field_validator("month")
    @classmethod
    def _first_of_month(cls, value: dt.date) -> dt.date:
        return value.replace(day=1)


class MemberRead(BaseModel):
    """A member as others than the owner see it: ID number and name masked."""

    psn_no: str
    psn_name: str
    certno: str
    psn_type: str
    psn_type_label: str
    emp_no: str | None
    insuplc_admdvs: str
    demo: bool


class CountersRead(BaseModel):
    year: int
    admissions: int
    dedc_year_outpatient: str
    dedc_year_inpatient: str
    hifp_paid: str
    layer_paid: str
    cvlserv_paid: str
    maf_paid: str
