"""Validated input of an enterprise (number, name, credit code checked by GB 32100, region), and the shapes of
增员 / 减员 through the open platform: single rows, batches, dry runs, jobs, per-row results and webhooks."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cityservices.insurance.identifiers import check_uscc

ADMDVS = r"^\d{6}$"


class EnterpriseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    emp_no: str = Field(pattern=r"^[A-Za-z0-9]{4,30}$")
    emp_name: str = Field(min_length=2, max_length=200)
    uscc: str
    admdvs: str = Field(pattern=ADMDVS)
    demo: bool = False

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value: str) -> str:
        return check_uscc(value)


# ---- 增员 / 减员 through the open platform ------------------------------------------------------------------


class EnrolRow(BaseModel):
    """One employee to enrol (增员): ID number, name, insurance type, first month, monthly contribution base."""

    model_config = ConfigDict(extra="forbid")
    certno: str = Field(max_length=40, description="居民身份证号码（18 位，校验位正确）")
    psn_name: str = Field(max_length=60, description="姓名")
    insutype: str = Field(default="310", max_length=3, description="险种：310 / 320 / 510")
    start_month: str = Field(max_length=7, description="参保起始月 YYYY-MM")
    base: str = Field(max_length=16, description="月缴费基数（元），须在当年上下限之内")
    dry_run: bool = Field(default=False, description="只校验，不写入")


class RemoveRow(BaseModel):
    """One employee to remove (减员): ID number, name, insurance type, the first month no longer insured."""

    model_config = ConfigDict(extra="forbid")
    certno: str = Field(max_length=40)
    psn_name: str = Field(max_length=60)
    insutype: str = Field(default="310", max_length=3)
    end_month: str = Field(max_length=7, description="自该月起终止参保 YYYY-MM")
    dry_run: bool = False


class BatchCreate(BaseModel):
    """A batch: the column names (any order) and up to 10,000 rows of strings in that order."""

    model_config = ConfigDict(extra="forbid")
    columns: list[str] = Field(max_length=10)
    rows: list[list[Any]] = Field(max_length=20_000)
    dry_run: bool = False


class RowError(BaseModel):
    field: str
    code: str
    message: str


class RowOutcome(BaseModel):
    """A row's outcome: ``ok`` (with the member number once applied) or ``error`` with every error of the row."""

    row_no: int
    outcome: Literal["ok", "error"]
    psn_no: str | None
    certno_masked: str
    errors: list[RowError]


class DryRunRead(BaseModel):
    dry_run: Literal[True] = True
    total: int
    valid: int
    invalid: int
    results: list[RowOutcome]


class JobRead(BaseModel):
    """A batch job and its progress."""

    job_id: str
    kind: Literal["enrol", "remove"]
    status: Literal["queued", "running", "finished"]
    total: int
    processed: int
    succeeded: int
    failed: int
    progress: float = Field(description="processed / total, 0–1")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class ResultsPage(BaseModel):
    job_id: str
    offset: int
    limit: int
    results: list[RowOutcome]


class WebhookSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=8, max_length=500, description="https 地址（测试时可为本机 http 地址）")


class WebhookRead(BaseModel):
    url: str
    updated_at: dt.datetime


class AttemptRead(BaseModel):
    attempt_no: int
    at: dt.datetime
    status_code: int | None
    error: str | None
    duration_ms: int
    manual: bool


class DeliveryRead(BaseModel):
    delivery_id: str
    event: str
    subject: str
    url: str
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    payload: dict[str, Any]
    attempt_log: list[AttemptRead]


class DeliveryPage(BaseModel):
    offset: int
    limit: int
    deliveries: list[DeliveryRead]
