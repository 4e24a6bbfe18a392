"""``GET /api/v1/insurance/rules``: the rule rows in force (public policy data: source, validity, verified)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from cityservices.deps import DbSession
from cityservices.errors import error_responses
from cityservices.insurance.rules.schemas import RuleRead
from cityservices.insurance.rules.service import list_rules

router = APIRouter(prefix="/api/v1/insurance", tags=["insurance"])


@router.get("/rules", response_model=list[RuleRead], responses=error_responses())
def read_rules(
    session: DbSession,
    table: Annotated[str | None, Query(max_length=32, description="规则表，如 deductible、pool_ratio")] = None,
    on: Annotated[dt.date | None, Query(description="只列出该日有效的规则")] = None,
) -> list[RuleRead]:
    """Rule rows with values, validity, source and whether verified (unverified = 示例参数，未经核实)."""
    return list_rules(session, table=table, on=on)
