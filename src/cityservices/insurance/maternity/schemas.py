"""Maternity allowance: the application an enterprise sends, what it is answered, a staff decision."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, model_validator

BirthKind = Literal["normal", "assisted", "caesarean", "dystocia", "miscarriage"]
BIRTH_KIND_ZH: dict[str, str] = {
    "normal": "顺产",
    "assisted": "助产",
    "caesarean": "剖宫产",
    "dystocia": "难产",
    "miscarriage": "流产",
}
STATUS_ZH: dict[str, str] = {"submitted": "已受理", "reviewed": "已审核", "paid": "已支付", "refused": "不予支付"}


class MaternityApply(BaseModel):
    """The birth facts: date, kind (``caesarean`` / ``dystocia`` count as a difficult birth where the parameters
    say so), number of babies, and the week of pregnancy for a miscarriage."""

    psn_no: str = Field(pattern=r"^[A-Za-z0-9]{4,30}$", description="人员编号 psn_no")
    birth_date: dt.date = Field(description="分娩（或流产）日期")
    birth_kind: BirthKind
    babies: int = Field(default=1, ge=0, le=9, description="婴儿数（流产为 0）")
    pregnancy_weeks: int | None = Field(default=None, ge=1, le=45, description="流产时的孕周")

    @model_validator(mode="after")
    def _consistent(self) -> MaternityApply:
        if self.birth_kind == "miscarriage":
            if self.pregnancy_weeks is None:
                raise ValueError("pregnancy_weeks: 流产须填写孕周")
            if self.babies != 0:
                raise ValueError("babies: 流产时婴儿数应为 0")
        elif self.babies < 1:
            raise ValueError("babies: 分娩时婴儿数至少为 1")
        return self


class CalculationLine(BaseModel):
    """One line of the calculation: what it adds, and the rule row or parameter it comes from."""

    text: str
    days: int | None = None
    rule_id: str | None = None
    citation: str


class StatusChange(BaseModel):
    status: str
    at: dt.datetime
    by: str
    note: str = ""


class MaternityRead(BaseModel):
    """An application with the calculation explained line by line (name and ID number masked)."""

    application_no: str
    psn_no: str
    psn_name: str
    certno: str
    emp_no: str
    birth_date: dt.date
    birth_kind: str
    birth_kind_label: str
    babies: int
    pregnancy_weeks: int | None
    days: int
    average_base: str
    amount: str
    payee: str
    lines: list[CalculationLine]
    rule_version: str
    example_parameters: bool
    marking: str
    status: str
    status_label: str
    history: list[StatusChange]
    submitted_at: dt.datetime


class MaternityPage(BaseModel):
    items: list[MaternityRead]


class Review(BaseModel):
    """A staff decision on a submitted application: approve (→ reviewed) or refuse with a reason."""

    approve: bool
    note: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _reason(self) -> Review:
        if not self.approve and len(self.note.strip()) < 2:
            raise ValueError("note: 不予支付须写明原因")
        return self


class Payment(BaseModel):
    note: str = Field(default="", max_length=200, description="支付凭证号等")
