"""Shapes of Party Day plans in and out."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class ActivityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    theme: str = Field(max_length=100)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    method: str
    place: str | None = Field(default=None, max_length=200)
    contents: list[str] = Field(default_factory=list, max_length=5)
    own_contents: list[str] = Field(default_factory=list, max_length=5)
    steps: list[str] = Field(default_factory=list, max_length=20)
    counts_as: list[str] = Field(default_factory=list, max_length=3)
    participant_ids: list[int] | None = Field(default=None, max_length=2000)  # None: every member of the branch
    lecturer_id: int | None = None
    invited_count: int = Field(default=0, ge=0, le=10_000)
    notes: str | None = Field(default=None, max_length=2000)
    is_demo: bool = False


class PlanResource(BaseModel):
    """A library resource attached to the plan (``education``)."""

    id: int
    title: str
    kind: str
    minutes: int
    is_demo: bool


class ActivityRead(BaseModel):
    id: int
    branch_code: str
    theme: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    method: str
    place: str | None
    contents: list[str]
    own_contents: list[str]
    steps: list[str]
    step_names: list[str]
    counts_as: list[str]
    expected: int
    invited_count: int
    status: str
    is_demo: bool
    resources: list[PlanResource] = Field(default_factory=list)  # filled by the single read, not by lists


class ActivityPage(BaseModel):
    items: list[ActivityRead]
    total: int


class RequirementsRead(BaseModel):
    """The requirement template a branch kind's plans are checked against."""

    kind: str
    kind_name: str
    fixed_steps: list[str]
    required_steps: list[str]
    one_of_contents: list[str]
    methods: list[str]
    steps: dict[str, str]
    source: str
    status: str
