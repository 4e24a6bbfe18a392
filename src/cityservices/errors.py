"""The application's expected errors. Each maps to one HTTP status; none becomes a 500."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field


class AppError(Exception):
    """Base of every expected error."""

    status_code = 400
    code = "bad_request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def body(self) -> dict[str, object]:
        """The JSON answer (``ErrorBody``)."""
        return {"error": self.code, "detail": self.detail}

    def page_text(self) -> str:
        """The message of the HTML error page."""
        return self.detail


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class Busy(AppError):
    """The database stayed locked by other writers longer than its busy timeout (SQLite): 503, try again."""

    status_code = 503
    code = "busy"


class Unavailable(AppError):
    """Something the server needs for this answer is not installed or not running (a font for a PDF): 503,
    nothing was done; the operator is told what is missing."""

    status_code = 503
    code = "unavailable"


class RuleViolation(AppError):
    status_code = 422
    code = "rule_violation"


class RequestInvalid(AppError):
    """A parameter or body field that is unusable as given (422 ``invalid_request``): payload validation only.

    ``field`` names the parameter (dotted for nested body fields) and ``message`` says what is wrong, in
    Chinese; further ``(field, message)`` pairs follow when several fields are wrong. The answer is the one
    FastAPI's own validation errors get: ``detail`` lists ``{"field", "message"}`` per field."""

    status_code = 422
    code = "invalid_request"

    def __init__(self, field: str, message: str, *more: tuple[str, str]) -> None:
        self.fields: list[tuple[str, str]] = [(field, message), *more]
        super().__init__("; ".join(f"{name}: {text}" for name, text in self.fields))
        self.field = field
        self.message = message

    @staticmethod
    def of(fields: Sequence[tuple[str, str]]) -> RequestInvalid:
        """One error for several ``(field, message)`` pairs (at least one)."""
        (field, message), *more = fields
        return RequestInvalid(field, message, *more)

    def body(self) -> dict[str, object]:
        return {"error": self.code, "detail": [{"field": name, "message": text} for name, text in self.fields]}

    def page_text(self) -> str:
        return "请求参数有误: " + self.detail


# pydantic's messages by error type, in Chinese ({name} is filled from the error's ``ctx``).
_ZH_BY_TYPE: dict[str, str] = {
    "missing": "必须填写",
    "string_type": "应为文本",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "string_unicode": "应为文本",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "int_parsing_size": "数值超出范围",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_digits": "最多 {max_digits} 位数字",
    "decimal_max_places": "最多 {decimal_places} 位小数",
    "decimal_whole_digits": "整数部分最多 {whole_digits} 位",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "bool_type": "应为是或否 (true / false)",
    "bool_parsing": "应为是或否 (true / false)",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "date_type": "应为日期，如 2026-01-31",
    "date_parsing": "应为日期，如 2026-01-31",
    "date_from_datetime_parsing": "应为日期，如 2026-01-31",
    "date_from_datetime_inexact": "应为日期，不带时间",
    "date_past": "应为过去的日期",
    "date_future": "应为将来的日期",
    "datetime_type": "应为日期和时间，如 2026-01-31T09:00",
    "datetime_parsing": "应为日期和时间，如 2026-01-31T09:00",
    "datetime_from_date_parsing": "应为日期和时间，如 2026-01-31T09:00",
    "datetime_object_invalid": "应为日期和时间，如 2026-01-31T09:00",
    "timezone_aware": "应带时区",
    "timezone_naive": "不应带时区",
    "time_type": "应为时间，如 09:00",
    "time_parsing": "应为时间，如 09:00",
    "time_delta_type": "应为时长",
    "time_delta_parsing": "应为时长",
    "json_invalid": "不是有效的 JSON",
    "json_type": "应为 JSON 文本",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "set_type": "应为列表",
    "extra_forbidden": "不允许有这个字段",
    "url_type": "应为网址",
    "url_parsing": "应为有效的网址",
    "url_scheme": "网址应以 {expected_schemes} 开头",
    "uuid_type": "格式不正确",
    "uuid_parsing": "格式不正确",
    "bytes_type": "应为文本",
    "bytes_too_short": "至少 {min_length} 个字节",
    "bytes_too_long": "最多 {max_length} 个字节",
    "none_required": "应为空",
    "union_tag_invalid": "类型 {tag} 不是以下之一：{expected_tags}",
    "union_tag_not_found": "缺少类型字段 {discriminator}",
}
_PREFIXES = ("Value error, ", "Assertion failed, ")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FALLBACK = "取值无效"


def zh_message(error: Mapping[str, Any]) -> str:
    """A pydantic validation error's message in Chinese, chosen by its ``type`` (not by its English text).

    A validator's own message (``value_error``) is kept when it is Chinese, as the project's validators
    write them; any other English message becomes the generic "取值无效"."""
    template = _ZH_BY_TYPE.get(str(error.get("type", "")))
    if template is not None:
        context = {key: _zh_value(value) for key, value in (error.get("ctx") or {}).items()}
        try:
            return template.format(**context)
        except (KeyError, IndexError):
            return template.split("{", 1)[0].rstrip("：: ") or _FALLBACK
    message = str(error.get("msg", ""))
    for prefix in _PREFIXES:
        message = message.removeprefix(prefix)
    return message if _CJK.search(message) else _FALLBACK


def _zh_value(value: object) -> str:
    return str(value).replace(" or ", "、").replace("', '", "'、'")


class Unauthenticated(AppError):
    """No valid staff session: JSON 401 under /api, a redirect to the sign-in page elsewhere."""

    status_code = 401
    code = "unauthenticated"


class CodeRefused(RequestInvalid):
    """A one-time code that is wrong, expired or used up (422 on the ``code`` field); the wrong entry was counted
    in a transaction of its own."""

    def __init__(self, message: str) -> None:
        super().__init__("code", message)


class TooFrequent(AppError):
    """Asked again too soon (a one-time code for the same phone, or too many from one address): 429, nothing
    was done; ``retry_after`` says in how many seconds it may be asked again."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Bad request: the body cannot be parsed",
    401: "No valid staff session",
    403: "Not allowed (role, scope or CSRF token)",
    404: "No such resource",
    409: "Conflicts with the stored data (or a calendar year nobody has loaded)",
    413: "Request body too large",
    422: "Invalid parameters: `detail` lists each field and what is wrong with it",
    429: "Too many requests: see Retry-After",
    503: "Not ready (database unreachable or indexes not built)",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """``responses=`` for a route or router: each status answered with the JSON error body ``ErrorBody``."""

    return {status: {"model": ErrorBody, "description": ERROR_DESCRIPTIONS.get(status, "Error")} for status in statuses}


class FieldError(BaseModel):
    field: str = Field(description="The parameter or body field, dotted for nested fields")
    message: str


class ErrorBody(BaseModel):
    error: str = Field(description="A stable machine-readable code, e.g. not_found, invalid_request")
    detail: str | list[FieldError] = Field(description="A message, or (invalid_request) one entry per field")
