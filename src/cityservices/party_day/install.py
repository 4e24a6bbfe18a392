"""Thematic Party Days (主题党日) as an installed domain: the organisation tree and its members (scope kind
``party_org``: an organisation subtree), the activity lifecycle, the compliance calendar, dues and the education
resource library."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cityservices.platform.domains import Domain, ScopeKind

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy.orm import Session

    from cityservices.config import Settings

CHANGED = "party_day.changed"  # the organisation tree, activities or resources changed


def _routers() -> Sequence[APIRouter]:
    from cityservices.party_day.activities import api as activities_api
    from cityservices.party_day.activities import pages as activities_pages
    from cityservices.party_day.attendance import api as attendance_api
    from cityservices.party_day.attendance import pages as attendance_pages
    from cityservices.party_day.compliance import api as compliance_api
    from cityservices.party_day.dashboard import api as dashboard_api
    from cityservices.party_day.dashboard import pages as dashboard_pages
    from cityservices.party_day.dues import api as dues_api
    from cityservices.party_day.education import api as education_api
    from cityservices.party_day.education import pages as education_pages
    from cityservices.party_day.members_portal import api as members_portal_api
    from cityservices.party_day.members_portal import pages as members_portal_pages
    from cityservices.party_day.notices import api as notices_api
    from cityservices.party_day.organisation import api as organisation_api
    from cityservices.party_day.records import api as records_api
    from cityservices.party_day.review import api as review_api
    from cityservices.party_day.review import pages as review_pages

    return (
        organisation_api.router,
        activities_api.router,
        attendance_api.router,
        records_api.router,
        review_api.router,
        compliance_api.router,
        dues_api.router,
        education_api.router,
        dashboard_api.router,
        notices_api.router,
        members_portal_api.router,
        activities_pages.router,
        attendance_pages.router,
        review_pages.router,
        dashboard_pages.router,
        education_pages.router,
        members_portal_pages.router,
    )


def _organisations(session: Session) -> dict[str, str]:
    from cityservices.party_day.organisation.repository import organisation_names

    return organisation_names(session)


def _stats(session: Session) -> dict[str, Any]:
    from cityservices.party_day.activities.repository import count_activities
    from cityservices.party_day.education.repository import count_resources
    from cityservices.party_day.organisation.repository import count_members, count_organisations

    return {
        "party_branches": count_organisations(session, level="branch"),
        "party_members": count_members(session),
        "party_activities": count_activities(session),
        "party_resources": count_resources(session),
    }


def _register_cli(app: typer.Typer) -> None:
    from cityservices.party_day.demo.cli import register

    register(app)


def _load_demo(settings: Settings, if_empty: bool) -> None:
    from cityservices.party_day.demo.cli import load_demo_party

    load_demo_party(settings, if_empty=if_empty)


DOMAIN = Domain(
    name="party_day",
    label="主题党日",
    routers=_routers,
    topics=(CHANGED,),
    staff_prefixes=("/api/v1/party/", "/party/manage"),
    login_paths=("/api/v1/party/sign-in",),  # a member signs in to an activity with its QR token (no session)
    # The same name as party_day.organisation.repository.PARTY_ORG (install imports nothing heavy).
    scopes=(ScopeKind("party_org", "党组织", _organisations),),
    register_cli=_register_cli,
    stats=_stats,
    load_demo=_load_demo,
)
