"""The application's expected errors. Each maps to one HTTP status; none becomes a 500."""

from __future__ import annotations

from collections.abc import Sequence

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


class Unauthenticated(AppError):
    """No valid staff session: JSON 401 under /api, a redirect to the sign-in page elsewhere."""

    status_code = 401
    code = "unauthenticated"


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
