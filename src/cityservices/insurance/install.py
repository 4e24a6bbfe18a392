"""Medical-insurance services (医保) as an installed domain. Its features land sub-domain by sub-domain
(members, enterprises, rules, catalogue, settlement, open_api, filings, archive, map, video); each adds its
routers, commands, indexes and scopes here."""

from __future__ import annotations

from cityservices.platform.domains import Domain

CHANGED = "insurance.changed"  # rules, catalogue or member data changed

DOMAIN = Domain(name="insurance", label="医疗保障", topics=(CHANGED,))
