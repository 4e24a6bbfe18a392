"""Validated input of an enterprise: its number, name, credit code (GB 32100, checked) and region."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

ADMDVS = r"^\d{6}$"


def check_uscc(value: str) -> str:
    """A GB 32100 unified social credit code: 18 characters with a valid check character."""
    text = value.strip().upper()
    try:
        return str(uscc.validate(text))
    except StdnumError as exc:
        raise ValueError(f"统一社会信用代码无效（{type(exc).__name__}）：须为 18 位且校验码正确") from None


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
