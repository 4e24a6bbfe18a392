"""Pagination of list answers: ``limit`` + ``offset``, or an opaque keyset ``cursor``; the page body shape.

A list is ordered by a unique key (one or more columns). A page may start at ``offset`` (rows to skip) or
after the key carried by a ``cursor`` that an earlier page returned as ``next_cursor``. Walking a list by
cursor never repeats or skips a row, even when rows are added or removed between requests; walking it by
offset may.

A cursor is URL-safe base64 of ``tag + JSON [scope, key]``. The tag (BLAKE2b, keyed with a constant) is an
integrity check, not a secret: a cursor only names a row to start after, so forging one gains nothing an
offset would not, but an edited, truncated or foreign cursor (another list's ``scope``) is refused with
:class:`CursorError` instead of silently giving a wrong page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar

from pydantic import BaseModel, Field

from cityservices.errors import RequestInvalid

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000
MAX_CURSOR_CHARS = 400

Key = tuple[str | int, ...]
T = TypeVar("T")
R = TypeVar("R")

_TAG_KEY = b"cityservices.pagination.cursor.v1"
_TAG_BYTES = 8
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")


class CursorError(RequestInvalid):
    """Not a cursor this list issued; ``message`` says why (Chinese): a 422 naming the ``cursor`` parameter."""

    def __init__(self, message: str) -> None:
        super().__init__("cursor", message)


def _tag(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, key=_TAG_KEY, digest_size=_TAG_BYTES).digest()


def encode_cursor(scope: str, key: Key) -> str:
    """The cursor of the row with ``key`` in the list called ``scope`` (URL-safe, no padding)."""
    payload = json.dumps([scope, list(key)], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(_tag(payload) + payload).rstrip(b"=").decode("ascii")


def decode_cursor(token: str, *, scope: str, arity: int = 1) -> Key:
    """The key carried by ``token``; CursorError when it is malformed, edited, or from another list."""
    if len(token) > MAX_CURSOR_CHARS or not _BASE64URL.match(token):
        raise CursorError("游标格式无效")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise CursorError("游标格式无效") from None
    tag, payload = raw[:_TAG_BYTES], raw[_TAG_BYTES:]
    if len(tag) != _TAG_BYTES or not hmac.compare_digest(tag, _tag(payload)):
        raise CursorError("游标已损坏或被修改，请从第一页重新开始")
    try:
        data = json.loads(payload.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError; only reachable by a colliding tag
        raise CursorError("游标内容无效") from None
    if not isinstance(data, list) or len(data) != 2 or data[0] != scope:
        raise CursorError("该游标不属于此列表")
    key = data[1]
    if (
        not isinstance(key, list)
        or len(key) != arity
        or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in key)
    ):
        raise CursorError("游标内容无效")
    return tuple(key)


@dataclass(frozen=True)
class PageRequest:
    """What a client asked for: ``limit`` rows from ``offset``, or after the key ``after`` (from a cursor)."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    after: Key | None = None


@dataclass(frozen=True)
class PageSlice(Generic[R]):
    """One page of rows: the rows, how many match in all, the position of the first, the key to continue at."""

    rows: list[R]
    total: int
    offset: int
    next_key: Key | None

    def cursor(self, scope: str) -> str | None:
        return None if self.next_key is None else encode_cursor(scope, self.next_key)


def cut(rows: Sequence[R], limit: int, key: Callable[[R], Key]) -> tuple[list[R], Key | None]:
    """``rows`` fetched with ``limit + 1``: the page, and the key of its last row if more rows follow."""
    if len(rows) <= limit:
        return list(rows), None
    page = list(rows[:limit])
    return page, key(page[-1])


def slice_in_memory(
    rows: Sequence[R], request: PageRequest, key: Callable[[R], Key], *, first_after: int | None = None
) -> PageSlice[R]:
    """A page of an in-memory list that holds every matching row in order.

    With a cursor, ``first_after`` is the position of the first row that sorts after the cursor's key
    (``None`` when no row does); with an offset it is ignored."""
    start = first_after if request.after is not None and first_after is not None else request.offset
    if request.after is not None and first_after is None:
        start = len(rows)
    page = list(rows[start : start + request.limit])
    more = start + request.limit < len(rows)
    return PageSlice(rows=page, total=len(rows), offset=start, next_key=key(page[-1]) if more and page else None)


class Page(BaseModel, Generic[T]):
    """The body of every paginated list."""

    total: int = Field(description="符合条件的总数 (不受分页影响)")
    limit: int = Field(description="本页最多条数")
    offset: int = Field(description="本页第一条在全部结果中的位置 (从 0 起)")
    next_cursor: str | None = Field(description="下一页的游标 (传给 cursor 参数)；已是最后一页时为 null")
    items: list[T]

    @classmethod
    def of(cls, page: PageSlice[Any], request: PageRequest, *, scope: str, items: list[T]) -> Self:
        """The body of ``page``, whose rows the caller has turned into ``items``."""
        return cls(
            total=page.total, limit=request.limit, offset=page.offset, next_cursor=page.cursor(scope), items=items
        )
