"""The application's expected errors. Each maps to one HTTP status; none becomes a 500."""

from __future__ import annotations


class AppError(Exception):
    """Base of every expected error."""

    status_code = 400
    code = "bad_request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class RuleViolation(AppError):
    status_code = 422
    code = "rule_violation"


class Unauthenticated(AppError):
    """No valid staff session: JSON 401 under /api, a redirect to the sign-in page elsewhere."""

    status_code = 401
    code = "unauthenticated"
