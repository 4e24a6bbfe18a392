"""Masking of personal data (phone numbers, ID numbers, names) for responses and logs.

Lists and logs show masked values; the full value is shown only by an audited read (see ``kit/audit.py``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})([- ]?)(\d{3,4})(\d{4})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_SEVEN_DIGITS = re.compile(r"\d{7}")  # each pattern above needs at least 7 digits in a row


def mask_phone(value: str | None) -> str | None:
    """``13812345678`` → ``138****5678``; ``0532-80000001`` → ``0532-****0001``; others keep 2 + 2 digits."""
    if value is None:
        return None
    text = value.strip()
    if _MOBILE.fullmatch(text):
        return f"{text[:3]}****{text[-4:]}"
    landline = _LANDLINE.fullmatch(text)
    if landline:
        area, sep, _middle, last = landline.groups()
        return f"{area}{sep}****{last}"
    if len(text) <= 4:
        return "*" * len(text)
    return f"{text[:2]}{'*' * (len(text) - 4)}{text[-2:]}"


def mask_id_number(value: str | None) -> str | None:
    """A resident ID number keeps its first and last character: ``3***************1X``."""
    if value is None:
        return None
    text = value.strip()
    if len(text) <= 2:
        return "*" * len(text)
    return f"{text[0]}{'*' * (len(text) - 2)}{text[-1]}"


def mask_name(value: str | None) -> str | None:
    """A person's name keeps its first character: ``张三丰`` → ``张**``."""
    if value is None:
        return None
    text = value.strip()
    return text[:1] + "*" * max(len(text) - 1, 1) if text else text


def mask_text(text: str) -> str:
    """Mask every phone and ID number found in free text (log lines, comments shown in lists)."""
    if not _SEVEN_DIGITS.search(text):  # the common case (most log lines): one cheap scan instead of three
        return text
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)[0]}{'*' * 16}{m.group(3)[-1]}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}{m.group(2)}****{m.group(4)}", text)


def mask_record(record: logging.LogRecord) -> None:
    """Mask phone and ID numbers in a log record's message (formatted once, here)."""
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        return
    masked = mask_text(message)
    if masked != message:
        record.msg, record.args = masked, None


class MaskingFilter(logging.Filter):
    """A logging filter that masks phone and ID numbers in every record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


def install_log_masking() -> None:
    """Mask every log record of the process as it is made (any logger, any handler); idempotent."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_personal_data", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        mask_record(record)
        return record

    factory.masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def masked_fields(
    values: dict[str, Any], *, phones: tuple[str, ...] = (), names: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A copy of ``values`` with the named phone and name fields masked."""
    out = dict(values)
    for key in phones:
        out[key] = mask_phone(out.get(key))
    for key in names:
        out[key] = mask_name(out.get(key))
    return out
