"""The insurance domain's scope kind: a staff account limited to members insured in one region (admdvs prefix)."""

from __future__ import annotations

from cityservices.auth.models import StaffAccount
from cityservices.auth.scopes import scope_of

REGION = "insurance_region"


def region_of(account: StaffAccount) -> str | None:
    """The admdvs prefix the account is limited to (None: all regions)."""
    return scope_of(account, REGION)
