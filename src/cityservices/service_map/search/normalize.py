"""Stage 1: normalise a query as typed on a phone, and refuse input that is not a query.

Full-width → half-width (NFKC), traditional → simplified (zhconv), lower case, punctuation, symbols and
emoji → spaces (``kit.text.normalize_text``, shared with the other domains' searches). Validation happens on
the raw text first (length, control characters) so that a
10,000-character paste or binary junk is refused before any work is done.
"""

from __future__ import annotations

import unicodedata

from cityservices.errors import RequestInvalid
from cityservices.kit.text import is_han, normalize_text

MAX_RAW_CHARS = 1000
MAX_QUERY_CHARS = 200
ALLOWED_CONTROLS = frozenset("\t\n\r")
__all__ = ["MAX_QUERY_CHARS", "MAX_RAW_CHARS", "InvalidQuery", "clean_query", "is_han", "normalize_text"]


class InvalidQuery(RequestInvalid):
    """A query that cannot be searched: empty, too long, control characters, nothing readable. A 422 naming
    the ``q`` parameter; ``message`` is what a citizen reads."""

    def __init__(self, message: str) -> None:
        super().__init__("q", message)


def clean_query(raw: str) -> str:
    """The normalised query, or :class:`InvalidQuery` with a message a citizen understands."""
    if len(raw) > MAX_RAW_CHARS:
        raise InvalidQuery(f"查询内容过长（{len(raw)} 个字符），请控制在 {MAX_QUERY_CHARS} 字以内")
    if any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in raw):
        raise InvalidQuery("查询内容包含无法识别的控制字符")
    if not raw.strip():
        raise InvalidQuery("请输入要查询的事项，例如“身份证到期换领”")
    text = normalize_text(raw)
    if not text:
        raise InvalidQuery("查询内容中没有可识别的文字，请用文字描述要办的事")
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidQuery(f"查询内容过长（{len(text)} 个字符），请控制在 {MAX_QUERY_CHARS} 字以内")
    return text
