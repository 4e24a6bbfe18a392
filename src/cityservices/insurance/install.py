"""Medical-insurance services (医保) as an installed domain. Its features land sub-domain by sub-domain
(members, enterprises, rules, catalogue, settlement, open_api, filings, archive, map, video); each adds its
routers, commands, indexes and scopes here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cityservices.platform.domains import Domain, IndexSpec

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter, FastAPI
    from sqlalchemy.orm import Session

    from cityservices.config import Settings

CHANGED = "insurance.changed"  # rules, catalogue or member data changed


def _routers() -> Sequence[APIRouter]:
    from cityservices.insurance.catalogue import api as catalogue_api
    from cityservices.insurance.catalogue import pages as catalogue_pages

    return (catalogue_api.router, catalogue_pages.router)


def _register_cli(app: typer.Typer) -> None:
    import typer

    from cityservices.insurance.catalogue.cli import register as register_catalogue

    insurance = typer.Typer(help="医疗保障: 目录、参保、规则、结算", no_args_is_help=True)
    register_catalogue(insurance)
    app.add_typer(insurance, name="insurance")


def _warm_catalogue(app: FastAPI) -> None:
    from cityservices.insurance.catalogue.api import catalogue_index_cache

    with app.state.runtime.sessions() as session:
        catalogue_index_cache(app).get(session)


def _stats(session: Session) -> dict[str, Any]:
    from cityservices.insurance.catalogue.service import catalogue_stats

    return {"insurance": {"catalogue": catalogue_stats(session)}}


def _load_demo(settings: Settings, if_empty: bool) -> None:
    from cityservices.insurance.catalogue.cli import load_into
    from cityservices.insurance.catalogue.service import CATALOGUE_DIR

    load_into(settings, CATALOGUE_DIR, if_empty=if_empty)


DOMAIN = Domain(
    name="insurance",
    label="医疗保障",
    routers=_routers,
    register_cli=_register_cli,
    indexes=(IndexSpec("insurance_catalogue_index", _warm_catalogue),),
    topics=(CHANGED,),
    stats=_stats,
    load_demo=_load_demo,
)
