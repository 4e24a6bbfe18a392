"""Shapes of reviews in and out."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class SelfCheckCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scores: dict[str, int]
    notes: dict[str, str] = Field(default_factory=dict)


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=2000)


class CommentRead(BaseModel):
    id: int
    organisation_code: str
    author_name: str
    text: str
    at: dt.datetime


class ReviewRead(BaseModel):
    activity_id: int
    scores: dict[str, int] | None
    notes: dict[str, str]
    total: int | None
    comments: list[CommentRead]


class CaseDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scores: dict[str, int]
    forward: bool


class NominationRead(BaseModel):
    id: int
    activity_id: int
    year: int
    stage: str
    status: str
    scores: dict[str, dict[str, int]]


class SelectedCase(BaseModel):
    """A selected case as the public sees it: no people, only the branch and the activity."""

    year: int
    theme: str
    branch_name: str
    kind_name: str
    method: str
    contents: list[str]
    total: int
    is_demo: bool
