"""Shapes of the citizen sign-in API. ID numbers are accepted, never returned except masked."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CitizenSignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: str = Field(min_length=15, max_length=18, description="居民身份证号码 (18 位)")
    password: str = Field(min_length=1, max_length=256)


class CitizenRead(BaseModel):
    id_masked: str = Field(description="脱敏的身份证号码")
    name_masked: str
    demo: bool


class CitizenSignedIn(BaseModel):
    citizen: CitizenRead
    csrf_token: str = Field(description="之后的写请求放在请求头 X-CSRF-Token 中")
