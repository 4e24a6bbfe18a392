"""Shapes of minutes in and out."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class Absence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: int
    reason: str = Field(max_length=200)


class MinutesCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host_id: int
    recorder_id: int
    expected: int = Field(ge=0)
    present: int = Field(ge=0)
    absent: int = Field(ge=0)
    absences: list[Absence] = Field(default_factory=list, max_length=2000)
    content: str = Field(max_length=20_000)
    resolutions: list[str] = Field(default_factory=list, max_length=50)
    follow_up: list[str] = Field(default_factory=list, max_length=50)
    attachments: list[str] = Field(default_factory=list, max_length=50)


class MinutesRead(BaseModel):
    activity_id: int
    host_id: int
    recorder_id: int
    expected: int
    present: int
    absent: int
    absences: list[Absence]
    content: str
    resolutions: list[str]
    follow_up: list[str]
    attachments: list[str]
    recorded_at: dt.datetime


class PhotoList(BaseModel):
    activity_id: int
    photos: list[str]  # stored names; read one at /api/v1/party/activities/{id}/photos/{name}
