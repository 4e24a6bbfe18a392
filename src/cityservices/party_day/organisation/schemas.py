"""Shapes of the Party organisation in and out: organisations, members (masked), a subtree's aggregates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

ORG_CODE = r"^[A-Za-z0-9][A-Za-z0-9.\-]*$"
# Path parameters: an organisation's code, a branch kind (unknown values are a 404 from the service).
OrgCodePath = Annotated[str, Path(min_length=1, max_length=32, pattern=ORG_CODE, description="党组织编码")]
BranchKindPath = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[a-z_]+$", description="支部类别")]


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=32, pattern=ORG_CODE)
    name: str = Field(min_length=1, max_length=100)
    level: str
    kind: str | None = None
    parent_code: str | None = None
    is_demo: bool = False


class OrganisationRead(BaseModel):
    code: str
    name: str
    level: str
    level_name: str
    kind: str | None
    kind_name: str | None
    parent_code: str | None
    is_demo: bool


class OrganisationPage(BaseModel):
    items: list[OrganisationRead]
    total: int


class OrganisationSummary(BaseModel):
    """What an upper committee sees of a subtree: counts, never people."""

    organisation: OrganisationRead
    children: list[OrganisationRead]
    branches_by_kind: dict[str, int]
    members_by_status: dict[str, int]


class MemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(min_length=18, max_length=18)
    phone: str | None = Field(default=None, max_length=20)
    status: str
    joined_on: dt.date
    full_on: dt.date | None = None
    roles: list[str] = Field(default_factory=list, max_length=4)
    group_code: str | None = None
    flowing: str = "none"
    flowing_note: str | None = Field(default=None, max_length=100)
    is_demo: bool = False


class MemberRead(BaseModel):
    """A member as staff see it: ID and phone numbers masked always; the name masked above the branch."""

    id: int
    branch_code: str
    group_code: str | None
    name: str
    id_number: str
    phone: str | None
    status: str
    status_name: str
    joined_on: dt.date
    full_on: dt.date | None
    roles: list[str]
    flowing: str
    is_demo: bool


class MemberPage(BaseModel):
    items: list[MemberRead]
    total: int
