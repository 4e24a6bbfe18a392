"""Thematic Party Days (主题党日) as an installed domain. Its features land sub-domain by sub-domain
(organisation, activities, attendance, records, review, resources, dues); each adds its routers, commands,
indexes and scopes here."""

from __future__ import annotations

from cityservices.platform.domains import Domain

CHANGED = "party_day.changed"  # the organisation tree, activities or resources changed

DOMAIN = Domain(name="party_day", label="主题党日", topics=(CHANGED,))
