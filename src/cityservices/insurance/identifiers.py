"""Checking the national identifiers the insurance sub-domains take as input — the resident ID number (GB 11643)
of members and the unified social credit code (GB 32100) of enterprises — with ``python-stdnum``: the stored form
(upper case) or a ``ValueError`` in Chinese naming what is wrong (for pydantic validators)."""

from __future__ import annotations

from typing import Protocol

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError


class _Validator(Protocol):
    def validate(self, number: str) -> str: ...


def _checked(validator: _Validator, value: str, message: str) -> str:
    text = value.strip().upper()
    try:
        return str(validator.validate(text))
    except StdnumError as exc:
        raise ValueError(message.format(reason=type(exc).__name__)) from None


def check_certno(value: str) -> str:
    """A GB 11643 resident ID number: 18 characters, valid birth date and check digit (upper-case X)."""
    return _checked(ric, value, "身份证号码无效（{reason}）：须为 18 位且校验位正确")


def check_uscc(value: str) -> str:
    """A GB 32100 unified social credit code: 18 characters with a valid check character."""
    return _checked(uscc, value, "统一社会信用代码无效（{reason}）：须为 18 位且校验码正确")
