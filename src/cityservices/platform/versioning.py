"""Optimistic editing of versioned records, for any domain: the version a write is based on (``If-Match`` or a
``base_version`` field), the check that it is still the latest, the next version number, and the field-by-field
difference between two versions as text staff can read.

A record's version is a positive integer, sent as the ``ETag`` (``"3"``); a write names the version it started
from, and a write based on anything but the latest version is refused (409), so no change is silently lost.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from cityservices.errors import Conflict, RequestInvalid

EMPTY: Final = "（空）"
_IF_MATCH: Final = re.compile(r'\s*(?:W/)?"?(\d{1,9})"?\s*')


def etag(version: int) -> str:
    """The ``ETag`` header value of a version: ``"3"``."""
    return f'"{version}"'


def based_on(if_match: str | None, base_version: int | None, *, what: str = "记录") -> int | None:
    """The version a write is based on: the ``If-Match`` header (``"3"``, ``W/"3"`` or ``3``) or the
    ``base_version`` field; both may be given if they agree. ``None`` when neither is."""
    if if_match is None:
        return base_version
    match = _IF_MATCH.fullmatch(if_match)
    if match is None:
        raise RequestInvalid("If-Match", f'应为{what}的版本号，如 "3"')
    version = int(match.group(1))
    if base_version is not None and base_version != version:
        raise RequestInvalid("base_version", "与请求头 If-Match 的版本不一致")
    return version


BASE_REQUIRED: Final = "请提供所依据的版本号（If-Match 请求头或 base_version）"


def require_base(base_version: int | None, *, message: str = BASE_REQUIRED) -> int:
    """The base version of a write, which is required."""
    if base_version is None:
        raise RequestInvalid("base_version", message)
    return base_version


def require_current(base_version: int | None, current: int, *, stale: str) -> int:
    """Refuse a write that names no version (400) or one that is not ``current`` (409, with ``stale``)."""
    base = require_base(base_version)
    if base != current:
        raise Conflict(stale)
    return base


def next_version(latest: int | None) -> int:
    """The number of the version a write creates: 1 for the first, then one more than the latest."""
    return (latest or 0) + 1


@dataclass(frozen=True)
class FieldChange:
    """One top-level field whose value differs between two versions, with both values as text."""

    field: str
    label: str
    before: str
    after: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "label": self.label, "before": self.before, "after": self.after}


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Top-level fields whose value differs (in the order of ``new``, then fields only in ``old``)."""
    keys = list(new) + [k for k in old if k not in new]
    return [key for key in keys if old.get(key) != new.get(key)]


def field_changes(
    old: Mapping[str, Any] | None, new: Mapping[str, Any], labels: Mapping[str, str] | None = None
) -> list[FieldChange]:
    """Each changed top-level field with its label (``labels``, else its name) and its value before and after as
    text (``EMPTY`` for none); ``old`` is ``None`` for a record's first version."""
    before = old or {}
    names = labels or {}
    return [
        FieldChange(key, names.get(key, key), value_text(before.get(key)), value_text(new.get(key)))
        for key in changed_fields(before, new)
    ]


def value_text(value: Any) -> str:
    """A JSON value as one line of text: ``EMPTY`` for none, strings and numbers as they are, lists of plain
    values joined with 、, true/false as 是/否, anything else as compact JSON."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return "、".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False)
