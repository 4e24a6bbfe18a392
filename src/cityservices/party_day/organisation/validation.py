"""Checks of personal data the organisation holds: resident ID numbers (GB 11643) and phone numbers."""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID = re.compile(r"^\d{17}[\dX]$")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def id_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 18-character resident ID number (None: it is)."""
    text = value.strip().upper()
    if not _ID.match(text):
        return "应为 18 位，前 17 位为数字，末位为数字或 X"
    try:
        dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return "出生日期不是有效日期"
    total = sum(int(digit) * weight for digit, weight in zip(text[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != text[17]:
        return "校验位不正确"
    return None


def with_check_digit(first17: str) -> str:
    """The full ID number for 17 digits (used to build fictional demo numbers)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return first17 + _CHECK[total % 11]


def phone_problem(value: str) -> str | None:
    return None if _PHONE.match(value.strip()) else "应为 11 位手机号或带区号的固定电话"
