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


class RegistrationCodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: str = Field(min_length=15, max_length=18, description="居民身份证号码 (18 位)")
    name: str = Field(min_length=1, max_length=20, description="身份证上的姓名")
    phone: str = Field(min_length=11, max_length=13, description="本人手机号码")


class Registration(RegistrationCodeRequest):
    code: str = Field(min_length=6, max_length=6, pattern=r"^[0-9]{6}$", description="短信验证码")
    password: str = Field(min_length=1, max_length=256)


class ResetCodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: str = Field(min_length=15, max_length=18, description="居民身份证号码 (18 位)")
    phone: str = Field(min_length=11, max_length=13, description="开通账户时验证的手机号码")


class PasswordReset(ResetCodeRequest):
    code: str = Field(min_length=6, max_length=6, pattern=r"^[0-9]{6}$", description="短信验证码")
    password: str = Field(min_length=1, max_length=256, description="新密码")


class CodeSentRead(BaseModel):
    phone_masked: str = Field(description="脱敏的手机号码")
    valid_minutes: int
    resend_seconds: int
