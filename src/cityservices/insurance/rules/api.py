"""``GET /api/v1/insurance/rules``: the rule rows in force (public policy data: source, validity, verified).

Staff editing under ``/api/v1/insurance/rule-rows``: read a row with its version (``ETag``), change it with
``If-Match`` / ``base_version`` (required; 409 when stale), add a row, list its versions with the changed fields.
Only editors not limited to one district may write; every write is audited."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response

from cityservices.deps import CurrentStaff, DbSession, RequireEditor
from cityservices.errors import error_responses
from cityservices.insurance.rules import service
from cityservices.insurance.rules.schemas import RuleAdd, RuleEdit, RuleEditRead, RuleRead, RuleVersionRead
from cityservices.insurance.rules.service import list_rules
from cityservices.insurance.scopes import region_of
from cityservices.platform.versioning import based_on as _based_on
from cityservices.platform.versioning import etag

router = APIRouter(prefix="/api/v1/insurance", tags=["insurance"])
staff_router = APIRouter(
    prefix="/api/v1/insurance/rule-rows", tags=["insurance"], responses=error_responses(401, 403, 404, 409)
)
RuleId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_.-]{0,79}$", description="规则编号")]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=40, description='所依据的版本，如 "3"')]


def based_on(if_match: str | None, base_version: int | None) -> int | None:
    """The version a write is based on: ``If-Match`` (``"3"``, ``W/"3"`` or ``3``) or ``base_version``."""
    return _based_on(if_match, base_version, what="规则")


@router.get("/rules", response_model=list[RuleRead], responses=error_responses())
def read_rules(
    session: DbSession,
    table: Annotated[str | None, Query(max_length=32, description="规则表，如 deductible、pool_ratio")] = None,
    on: Annotated[dt.date | None, Query(description="只列出该日有效的规则")] = None,
) -> list[RuleRead]:
    """Rule rows with values, validity, source and whether verified (unverified = 示例参数，未经核实)."""
    return list_rules(session, table=table, on=on)


@staff_router.get("/{rule_id}", response_model=RuleEditRead)
def read_rule(session: DbSession, staff: CurrentStaff, rule_id: RuleId, response: Response) -> RuleEditRead:
    """One rule row for editing, with its version (also the ``ETag``)."""
    read = service.read_rule(session, rule_id)
    response.headers["ETag"] = etag(read.row_version)
    response.headers["Cache-Control"] = "no-store"
    return read


@staff_router.put("/{rule_id}", response_model=RuleEditRead)
def edit_rule(
    session: DbSession,
    staff: RequireEditor,
    rule_id: RuleId,
    body: RuleEdit,
    response: Response,
    if_match: IfMatch = None,
) -> RuleEditRead:
    """Change fields of one row, validated and overlap-checked as on load; the version it is based on is required
    (``If-Match`` or ``base_version``), 409 if someone changed the row since."""
    service.require_rule_editor(region_of(staff.account))
    read = service.edit_rule(
        session, rule_id, body.values, base_version=based_on(if_match, body.base_version), actor=staff.actor
    )
    response.headers["ETag"] = etag(read.row_version)
    return read


@staff_router.post("", response_model=RuleEditRead, status_code=201)
def add_rule(session: DbSession, staff: RequireEditor, body: RuleAdd, response: Response) -> RuleEditRead:
    """Add a row (for instance the same key with a new validity period, after closing the old one)."""
    service.require_rule_editor(region_of(staff.account))
    read = service.add_rule(session, body.row, actor=staff.actor)
    response.headers["ETag"] = etag(read.row_version)
    return read


@staff_router.get("/{rule_id}/versions", response_model=list[RuleVersionRead])
def rule_versions(session: DbSession, staff: CurrentStaff, rule_id: RuleId) -> list[RuleVersionRead]:
    """The row after each change (load, edit, addition), oldest first, with the fields changed."""
    return service.rule_versions(session, rule_id)
