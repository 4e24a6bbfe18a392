"""The JSON error body of every /api response that is not a success: ``{"error": CODE, "detail": …}``."""

from __future__ import annotations

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    field: str = Field(description="The parameter or body field, dotted for nested fields")
    message: str


class ErrorBody(BaseModel):
    error: str = Field(description="A stable machine-readable code, e.g. not_found, invalid_request")
    detail: str | list[FieldError] = Field(description="A message, or (invalid_request) one entry per field")
