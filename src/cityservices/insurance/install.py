"""Medical-insurance services (医保) as an installed domain: rules as data, members and enterprises, the settlement
engine with its stored operations, the public estimator; routers, commands, the region scope, stats and demo data.
The open platform for enterprises' HR systems (open_api, ``/api/open/v1``). Sub-domains still to land (filings,
archive, map, video) add theirs here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cityservices.platform.domains import Domain, IndexSpec, ScopeKind

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter, FastAPI
    from sqlalchemy.orm import Session

    from cityservices.config import Settings

CHANGED = "insurance.changed"  # rules, catalogue or member data changed
VIDEO = "insurance.video"  # a video session's status, signals or files changed (payload: {"session": id})
STAFF_PREFIXES: tuple[str, ...] = (
    "/api/v1/insurance/members",
    "/api/v1/insurance/settlements",
    "/api/v1/insurance/open-apps",
    "/api/v1/insurance/enterprise-accounts",
    "/api/v1/insurance/maternity-applications",  # 生育津贴 review and payment
    "/api/v1/insurance/rule-rows",
    "/api/v1/insurance/filings",
    "/staff/insurance",
)
AGENT_PREFIXES = ("/insurance/agent",)  # the video agents' pages (their API is under /api/staff/)


def _routers() -> Sequence[APIRouter]:
    from cityservices.insurance.archive import api as archive_api
    from cityservices.insurance.archive import pages as archive_pages
    from cityservices.insurance.archive.assistant import api as assistant_api
    from cityservices.insurance.archive.assistant import pages as assistant_pages
    from cityservices.insurance.archive.disclosure import api as disclosure_api
    from cityservices.insurance.archive.disclosure import pages as disclosure_pages
    from cityservices.insurance.catalogue import api as catalogue_api
    from cityservices.insurance.catalogue import pages as catalogue_pages
    from cityservices.insurance.certificates import api as certificates_api
    from cityservices.insurance.certificates import pages as certificates_pages
    from cityservices.insurance.enterprises.accounts import api as enterprise_accounts_api
    from cityservices.insurance.enterprises.accounts import pages as enterprise_pages
    from cityservices.insurance.filings import api as filings_api
    from cityservices.insurance.filings import pages as filings_pages
    from cityservices.insurance.map import api as map_api
    from cityservices.insurance.map import pages as map_pages
    from cityservices.insurance.maternity import api as maternity_api
    from cityservices.insurance.maternity import pages as maternity_pages
    from cityservices.insurance.members import api as members_api
    from cityservices.insurance.open_api import api as open_api
    from cityservices.insurance.open_api import enrolment_api
    from cityservices.insurance.open_api import pages as open_pages
    from cityservices.insurance.open_api import portal_api as open_portal_api
    from cityservices.insurance.rules import api as rules_api
    from cityservices.insurance.rules import pages as rules_pages
    from cityservices.insurance.settlement import api as settlement_api
    from cityservices.insurance.settlement import pages as settlement_pages
    from cityservices.insurance.video import api as video_api
    from cityservices.insurance.video import pages as video_pages

    return (
        catalogue_api.router,
        catalogue_pages.router,
        rules_api.router,
        rules_api.staff_router,
        rules_pages.router,
        settlement_api.router,
        settlement_api.staff_router,
        members_api.router,
        settlement_pages.router,
        open_api.router,
        open_api.staff_router,
        certificates_api.open_router,
        certificates_api.staff_router,
        certificates_pages.router,
        maternity_api.open_router,
        maternity_api.staff_router,
        maternity_pages.router,
        enrolment_api.router,
        enterprise_accounts_api.router,
        enterprise_accounts_api.staff_router,
        enterprise_pages.router,
        open_portal_api.router,
        open_pages.router,
        filings_api.router,
        filings_api.staff_router,
        filings_api.my_router,
        filings_pages.router,
        map_api.router,
        map_pages.router,
        archive_api.router,
        archive_pages.router,
        disclosure_api.router,
        disclosure_pages.router,
        assistant_api.router,
        assistant_pages.router,
        video_api.router,
        video_api.staff_router,
        video_pages.router,
    )


def _register_cli(app: typer.Typer) -> None:
    import typer

    from cityservices.insurance.catalogue.cli import register as register_catalogue
    from cityservices.insurance.rules.cli import register as register_rules
    from cityservices.insurance.settlement.cli import register as register_settlement

    insurance_app = typer.Typer(help="医疗保障：药品目录、规则表、结算估算、演示数据。", no_args_is_help=True)
    register_catalogue(insurance_app)
    register_rules(insurance_app)
    register_settlement(insurance_app)
    from cityservices.insurance.archive.assistant.cli import register as register_assistant

    register_assistant(insurance_app)
    app.add_typer(insurance_app, name="insurance")


def _warm_catalogue(app: FastAPI) -> None:
    from cityservices.insurance.catalogue.api import catalogue_index_cache

    with app.state.runtime.sessions() as session:
        catalogue_index_cache(app).get(session)


def _stats(session: Session) -> dict[str, Any]:
    from cityservices.insurance.catalogue.service import catalogue_stats
    from cityservices.insurance.flows import collect_stats

    return {"insurance": {**collect_stats(session), "catalogue": catalogue_stats(session)}}


def _load_demo(settings: Settings, if_empty: bool) -> None:
    from cityservices.insurance.archive.flows import load_demo_citizens
    from cityservices.insurance.catalogue import CATALOGUE_DIR, DEMO_CONSUMABLES
    from cityservices.insurance.catalogue.cli import load_consumables_into, load_into
    from cityservices.insurance.filings.demo import delete_demo_filings, load_demo_filings
    from cityservices.insurance.flows import load_demo

    load_into(settings, CATALOGUE_DIR, if_empty=if_empty)
    load_consumables_into(settings, DEMO_CONSUMABLES, if_empty=True)  # invented rows: no public list exists
    delete_demo_filings(settings, if_empty=if_empty)  # they refer to the demo members regenerated next
    load_demo(settings, if_empty=if_empty)
    load_demo_filings(settings, if_empty=if_empty)
    load_demo_citizens(settings, if_empty=if_empty)
    from cityservices.insurance.video.demo import load_demo_sessions

    load_demo_sessions(settings, if_empty=if_empty)


def _resume_open_platform(app: FastAPI) -> Callable[[], None] | None:
    from cityservices.insurance.open_api import resume
    from cityservices.platform.security import load_secret

    runtime = app.state.runtime
    return resume.start(runtime.sessions, platform_secret=load_secret(runtime.settings))


def _check_identity(session: Session, certno: str, name: str) -> str | None:
    from cityservices.insurance.members.service import check_stated_identity

    return check_stated_identity(session, certno, name)


def _regions(session: Session) -> dict[str, str]:
    from cityservices.insurance.demo import DISTRICTS

    return dict(DISTRICTS)


DOMAIN = Domain(
    name="insurance",
    label="医疗保障",
    routers=_routers,
    register_cli=_register_cli,
    indexes=(IndexSpec("insurance_catalogue_index", _warm_catalogue),),
    topics=(CHANGED, VIDEO),
    staff_prefixes=STAFF_PREFIXES + AGENT_PREFIXES,
    login_paths=("/api/v1/enterprise/login", "/api/v1/enterprise/registrations"),  # rate-limited per address
    scopes=(ScopeKind("insurance_region", "医保参保地区", _regions),),
    stats=_stats,
    load_demo=_load_demo,
    on_start=_resume_open_platform,  # enrolment jobs and webhook deliveries a stopped worker left unfinished
    identity_checks=(_check_identity,),
)
