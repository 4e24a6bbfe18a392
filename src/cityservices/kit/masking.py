"""Masking of personal data (phone numbers, ID numbers, names) for responses and logs.

Lists and logs show masked values; the full value is shown only by an audited read (see ``kit/audit.py``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})([- ]?)(\d{3,4})(\d{4})(?!\d)")

# Free text (log lines, comments): numbers as people and clients write them. A digit is ASCII or fullwidth; one
# separator may stand between any two digits: a space, a dash, ``+`` (a space in a query string), their fullwidth
# forms or their URL encodings. A number starts where no digit or letter is before it, or right after a %-escape.
_D = "[0-9\uff10-\uff19]"
_SEP = "(?:[ \\-+\u3000\uff0d\u00a0]|%20|%2[bBdD]|%E3%80%80|%C2%A0)"
_START = "(?:(?<![0-9\uff10-\uff19A-Za-z])|(?<=%[0-9A-Fa-f]{2}))"
_END = "(?![0-9\uff10-\uff19A-Za-z])"
_FREE_TEXT = re.compile(
    f"{_START}(?P<id>{_D}(?:{_SEP}?{_D}){{16}}{_SEP}?[0-9\uff10-\uff19Xx\uff38\uff58]){_END}"
    f"|(?:{_START}|(?<=\\+)|(?<=%2[bB])|(?<=\uff0b))(?P<cc>(?:86|\uff18\uff16){_SEP}?)?"
    f"(?P<mobile>[1\uff11]{_SEP}?[3-9\uff13-\uff19](?:{_SEP}?{_D}){{9}})(?!{_D})"
    f"|{_START}(?P<landline>[0\uff10](?:{_SEP}?{_D}){{2,3}}{_SEP}?(?:{_D}{_SEP}?){{3,4}}(?:{_D}{_SEP}?){{3}}{_D})"
    f"(?!{_D})"
)
_TO_ASCII = str.maketrans("\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff38\uff58", "0123456789Xx")
_NOT_DIGIT = re.compile(r"[^0-9Xx]")
_TRACEBACKS = logging.Formatter()
_MAYBE_NUMBER = re.compile(f"{_D}(?:{_SEP}?{_D}){{9}}")  # every form above has 10 digits, separators between


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
    """Mask every phone and ID number found in free text (log lines, comments shown to staff), in every common
    written form: ``13812345678``, ``138 1234 5678``, ``138-1234-5678``, ``+86 138…``, ``%2B86%20138…``,
    ``370202 19900101 1234``, ``370202%2019900101%201234``, fullwidth digits; landlines ``0532-8000 0001``."""
    if not _MAYBE_NUMBER.search(text):  # the common case (most log lines): one cheaper scan
        return text
    return _FREE_TEXT.sub(_masked_match, text)


def _masked_match(match: re.Match[str]) -> str:
    kind = match.lastgroup
    digits = _NOT_DIGIT.sub("", match.group(kind or 0).translate(_TO_ASCII))
    if kind == "id":
        return f"{digits[0]}{'*' * 16}{digits[-1]}"
    if kind == "mobile":
        return f"{match.group('cc') or ''}{digits[:3]}****{digits[-4:]}"
    area = 3 if digits[1] in "12" else 4  # 010, 02x: three digits; 0532 and the others: four
    return f"{digits[:area]}-****{digits[-4:]}"


class MaskedText(str):
    """Text whose maker masked every part that could carry a number (``mask_text``) before putting it together:
    as a log message without arguments, the record factory passes it on without scanning it again. The access log
    line (one per request) is made so: only its path, query, client and request id come from outside."""


def mask_record(record: logging.LogRecord) -> None:
    """Mask phone and ID numbers in a log record: its message (formatted once, here, unless it is ``MaskedText``
    without arguments), the traceback of its exception (formatted here, so that every formatter prints the masked
    text) and its stack."""
    try:
        message = None if isinstance(record.msg, MaskedText) and not record.args else record.getMessage()
    except (TypeError, ValueError):
        message = None
    if message is not None:
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
    if record.exc_info and not record.exc_text:
        record.exc_text = _TRACEBACKS.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_text(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_text(record.stack_info)


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
